package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScoringExecutorTest {

  @Test
  void tryAdmit_beyondMaxInFlight_isRefusedWithoutWaiting() {
    try (ScoringExecutor executor = new ScoringExecutor(1, 3)) {
      assertTrue(executor.tryAdmit());
      assertTrue(executor.tryAdmit());
      assertTrue(executor.tryAdmit());

      assertFalse(executor.tryAdmit());
      assertEquals(3, executor.inFlight());
    }
  }

  @Test
  void execute_releasesThePermitWhenTheTaskEnds_evenIfItThrows() throws Exception {
    try (ScoringExecutor executor = new ScoringExecutor(1, 1)) {
      CountDownLatch ran = new CountDownLatch(1);
      assertTrue(executor.tryAdmit());
      executor.execute(() -> {
        ran.countDown();
        throw new IllegalStateException("task failure");
      });
      assertTrue(ran.await(5, TimeUnit.SECONDS));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (executor.inFlight() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(executor.tryAdmit());
    }
  }

  @Test
  void whenCapacity_callsBackOnceAPermitIsReleased() {
    try (ScoringExecutor executor = new ScoringExecutor(1, 1)) {
      assertTrue(executor.tryAdmit());
      AtomicInteger calls = new AtomicInteger();
      executor.whenCapacity(calls::incrementAndGet);
      assertEquals(0, calls.get());

      executor.release();

      assertEquals(1, calls.get());
    }
  }

  @Test
  void constructor_withNonPositiveLimits_isRejectedNamingThem() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> new ScoringExecutor(0, 5));
    assertTrue(error.getMessage().contains("got 0 and 5"));
  }

  @Test
  void whenCapacity_aWakeTheWokenCallerDoesNotUse_passesOnToTheNextWaiter() {
    try (ScoringExecutor executor = new ScoringExecutor(1, 1)) {
      assertTrue(executor.tryAdmit());
      AtomicInteger leftStream = new AtomicInteger();
      AtomicInteger waitingStream = new AtomicInteger();
      executor.whenCapacity(leftStream::incrementAndGet);
      executor.whenCapacity(() -> {
        waitingStream.incrementAndGet();
        assertTrue(executor.tryAdmit());
      });

      executor.release();

      assertEquals(1, leftStream.get());
      assertEquals(1, waitingStream.get());
      assertEquals(1, executor.inFlight());
    }
  }

  @Test
  void whenCapacity_cancelledWaiter_leavesTheQueueAndIsNeverCalled() {
    try (ScoringExecutor executor = new ScoringExecutor(1, 1)) {
      assertTrue(executor.tryAdmit());
      AtomicInteger cancelledCalls = new AtomicInteger();
      AtomicInteger otherCalls = new AtomicInteger();
      ScoringExecutor.Waiter cancelled = executor.whenCapacity(cancelledCalls::incrementAndGet);
      executor.whenCapacity(otherCalls::incrementAndGet);

      cancelled.cancel();

      assertEquals(1, executor.waiting());
      executor.release();
      assertEquals(0, cancelledCalls.get());
      assertEquals(1, otherCalls.get());
      assertEquals(0, executor.waiting());
    }
  }

  @Test
  void whenCapacity_waiterNeedingMoreThanIsFree_staysQueuedWhileASmallerOneBehindItIsCalled() {
    try (ScoringExecutor executor = new ScoringExecutor(1, 4)) {
      assertTrue(executor.tryAdmit(4));
      AtomicInteger large = new AtomicInteger();
      AtomicInteger small = new AtomicInteger();
      executor.whenCapacity(3, large::incrementAndGet);
      executor.whenCapacity(1, small::incrementAndGet);

      executor.release(1);

      assertEquals(0, large.get());
      assertEquals(1, small.get());
      executor.release(3);
      assertEquals(1, large.get());
    }
  }

  @Test
  void tryAdmit_costAboveCapacity_isChargedAsTheWholeCapacity() {
    try (ScoringExecutor executor = new ScoringExecutor(1, 4)) {
      assertTrue(executor.tryAdmit(1_000));

      assertEquals(4, executor.inFlight());
      assertFalse(executor.tryAdmit(1));
      executor.release(1_000);
      assertEquals(0, executor.inFlight());
    }
  }
}
