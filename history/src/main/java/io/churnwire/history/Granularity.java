package io.churnwire.history;

/** The width of a time bucket, in UTC; weeks start on Monday. */
public enum Granularity {
  HOUR,
  DAY,
  WEEK
}
