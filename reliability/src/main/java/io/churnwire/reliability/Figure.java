package io.churnwire.reliability;

/** One measured figure of a scenario, as the summary table prints it. */
public record Figure(String name, String value) {

  public Figure {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a figure needs a name");
    }
    value = value == null ? "" : value;
  }

  static Figure of(String name, long value) {
    return new Figure(name, String.format("%,d", value));
  }

  static Figure of(String name, double value, String unit) {
    return new Figure(name, String.format("%.2f %s", value, unit));
  }
}
