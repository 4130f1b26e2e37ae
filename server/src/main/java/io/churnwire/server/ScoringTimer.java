package io.churnwire.server;

/**
 * Where the model's own time goes, kept apart from validation and transport: a row scored alone, a
 * block of rows scored together, and the SHAP explanation of a row, which costs far more than its
 * probability and so is timed on its own.
 */
interface ScoringTimer {
  /** A timer that records nothing. */
  ScoringTimer NONE = new ScoringTimer() {
    @Override
    public void rowScored(long nanos) {}

    @Override
    public void blockScored(long nanos) {}

    @Override
    public void explained(long nanos) {}
  };

  /** One row's churn probability took {@code nanos}. */
  void rowScored(long nanos);

  /** A block of rows took {@code nanos} through the runtime's block path. */
  void blockScored(long nanos);

  /** One row's explanation took {@code nanos}. */
  void explained(long nanos);
}
