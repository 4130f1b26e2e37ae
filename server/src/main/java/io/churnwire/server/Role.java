package io.churnwire.server;

import java.util.Locale;

/**
 * What a caller may do. No role implies another, so a scoring client's token cannot reload models
 * or read the prediction history, a feed of outcomes cannot read what it feeds, and an operator's
 * admin token does not score unless it is granted both.
 */
public enum Role {
  /** Calls {@code churnwire.v1.ChurnService}. */
  PREDICT,
  /** Calls {@code churnwire.v1.ModelAdminService}. */
  ADMIN,
  /**
   * Calls {@code churnwire.v1.ChurnInsightsService} and the reads of
   * {@code churnwire.v1.ChurnMonitoringService}: reads the prediction history and what it tells
   * about the models.
   */
  INSIGHTS,
  /** Calls {@code ChurnMonitoringService.RecordOutcomes}: tells the server what became of customers. */
  OUTCOMES;

  /** The role's name in the tokens file and in error messages: {@code predict}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code label}, exactly as the tokens file writes it. */
  static Role parse(String label) {
    for (Role role : values()) {
      if (role.label().equals(label)) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown role '" + SafeLog.value(label, 32) + "' (roles are " + labels() + ")");
  }

  /** Every role's label, in declaration order, joined by commas: {@code predict, admin, ...}. */
  static String labels() {
    return java.util.Arrays.stream(values()).map(Role::label).collect(java.util.stream.Collectors.joining(", "));
  }
}
