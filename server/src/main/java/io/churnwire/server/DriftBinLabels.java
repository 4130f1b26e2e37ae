package io.churnwire.server;

import java.math.BigDecimal;

/**
 * Names the numeric bins of a training reference as a person reads them: {@code (-inf, 3]},
 * {@code (3, 12]}, {@code (72, +inf)}, each edge written compactly (whole numbers without
 * {@code .0}, no exponent), the same half-open intervals the reference bins values into.
 */
final class DriftBinLabels {
  private DriftBinLabels() {}

  /** The label of bin {@code bin} of a reference with {@code edges} (bin 0 to {@code edges.length}). */
  static String numeric(double[] edges, int bin) {
    if (bin < 0 || bin > edges.length) {
      throw new IllegalArgumentException("bin " + bin + " of a reference with " + edges.length + " edges");
    }
    String lower = bin == 0 ? "-inf" : edge(edges[bin - 1]);
    return bin == edges.length ? "(" + lower + ", +inf)" : "(" + lower + ", " + edge(edges[bin]) + "]";
  }

  /** {@code value} without a trailing {@code .0} or an exponent: {@code 3}, {@code 20.5}, {@code 0.0001}. */
  static String edge(double value) {
    if (value == 0) {
      return "0";
    }
    if (!Double.isFinite(value)) {
      return value > 0 ? "+inf" : value < 0 ? "-inf" : "NaN";
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
