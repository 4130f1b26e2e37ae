package io.churnwire.server;

import java.util.Locale;

/**
 * What a caller may do. No role implies another, so a scoring client's token cannot reload models
 * or read the prediction history, and an operator's admin token does not score unless it is granted
 * both.
 */
public enum Role {
  /** Calls {@code churnwire.v1.ChurnService}. */
  PREDICT,
  /** Calls {@code churnwire.v1.ModelAdminService}. */
  ADMIN,
  /** Calls {@code churnwire.v1.ChurnInsightsService}: reads the prediction history. */
  INSIGHTS;

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
    throw new IllegalArgumentException("unknown role '" + SafeLog.value(label, 32) + "' (roles are predict, admin, insights)");
  }
}
