package io.churnwire.runtime;

/** How a feature value is encoded in a scoring row, so that callers and trees agree on its meaning. */
public enum FeatureType {
  /** A whole number, for example a count of months; stored as an integral {@code double}. */
  INTEGER,
  /** A real number, for example an amount of money. */
  REAL,
  /** One level of a fixed vocabulary, stored as its 0-based level index. */
  CATEGORICAL
}
