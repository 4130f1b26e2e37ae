package io.churnwire.server;

import io.grpc.Context;
import io.grpc.Deadline;

/** Whether anyone still waits for a call's answer, checked before and between pieces of scoring. */
final class CallLiveness {
  private CallLiveness() {}

  /** True when the call was cancelled or its deadline has passed (even before the timer fired). */
  static boolean isGone(Context context) {
    if (context.isCancelled()) {
      return true;
    }
    Deadline deadline = context.getDeadline();
    return deadline != null && deadline.isExpired();
  }
}
