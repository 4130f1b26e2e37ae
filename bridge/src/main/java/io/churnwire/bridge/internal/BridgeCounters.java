package io.churnwire.bridge.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals the bridge keeps for its stats and logs; every field is safe to read anywhere. */
public final class BridgeCounters {

  /** Responses the broker acknowledged. */
  public final AtomicLong answered = new AtomicLong();
  /** Dead letters the broker acknowledged. */
  public final AtomicLong deadLettered = new AtomicLong();
  /** Dead letters the broker acknowledged whose value was cut to fit; also counted in {@link #deadLettered}. */
  public final AtomicLong truncated = new AtomicLong();
  /** Answers sent again after a retriable producer error or as a smaller dead letter. */
  public final AtomicLong produceRetries = new AtomicLong();
  /** Scoring attempts repeated after a transient error. */
  public final AtomicLong retries = new AtomicLong();
  /** Times the consumer paused its partitions because in-flight records reached the bound. */
  public final AtomicLong pauses = new AtomicLong();
  /** Offset commits that the broker accepted. */
  public final AtomicLong commits = new AtomicLong();
  /** Records polled and not yet committable. */
  public final AtomicInteger inFlight = new AtomicInteger();
  /** The largest {@link #inFlight} ever seen. */
  public final AtomicInteger maxInFlightSeen = new AtomicInteger();
}
