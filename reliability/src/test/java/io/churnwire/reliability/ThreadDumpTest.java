package io.churnwire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadDumpTest {
  private static final String IDLE_SCORING = """
      "churnwire-scoring-1" #31 [4242] daemon prio=5 os_prio=0 cpu=1.00ms elapsed=2.00s tid=0x1 nid=4242 waiting on condition  [0x2]
         java.lang.Thread.State: WAITING (parking)
      	at jdk.internal.misc.Unsafe.park(java.base@25/Native Method)
      	at java.util.concurrent.LinkedBlockingQueue.take(java.base@25/LinkedBlockingQueue.java:435)
      	at java.util.concurrent.ThreadPoolExecutor.getTask(java.base@25/ThreadPoolExecutor.java:1070)
      	at java.util.concurrent.ThreadPoolExecutor.runWorker(java.base@25/ThreadPoolExecutor.java:1130)

      """;
  private static final String MAIN = """
      "main" #1 [4200] prio=5 os_prio=0 cpu=1.00ms elapsed=2.00s tid=0x3 nid=4200 waiting on condition  [0x4]
         java.lang.Thread.State: WAITING (parking)
      	at java.util.concurrent.CountDownLatch.await(java.base@25/CountDownLatch.java:230)
      	at io.churnwire.server.Main.main(Main.java:66)

      """;

  @Test
  void idleScoringThreadsAndMainWaitingForShutdown_areNotStuck() {
    ThreadDump dump = ThreadDump.parse(IDLE_SCORING + MAIN);

    assertEquals(2, dump.threads().size());
    assertEquals(1, dump.scoringThreads().size());
    assertEquals(List.of(), dump.stuck());
  }

  @Test
  void scoringThreadBlockedOutsideThePoolQueue_isStuck() {
    String blocked = """
        "churnwire-scoring-2" #32 daemon prio=5 tid=0x5 nid=4243 waiting on condition
           java.lang.Thread.State: WAITING (parking)
        	at java.util.concurrent.Semaphore.acquire(java.base@25/Semaphore.java:318)
        	at io.churnwire.server.PredictBatchStream.deliver(PredictBatchStream.java:120)
        	at java.util.concurrent.ThreadPoolExecutor.runWorker(java.base@25/ThreadPoolExecutor.java:1130)

        """;

    List<ThreadDump.Thread> stuck = ThreadDump.parse(IDLE_SCORING + blocked).stuck();

    assertEquals(List.of("churnwire-scoring-2"), stuck.stream().map(ThreadDump.Thread::name).toList());
  }

  @Test
  void transportThreadWaitingInProjectCode_isStuck() {
    String waiting = """
        "grpc-default-executor-3" #40 daemon prio=5 tid=0x6 nid=4250 waiting on condition
           java.lang.Thread.State: TIMED_WAITING (parking)
        	at java.util.concurrent.locks.LockSupport.parkNanos(java.base@25/LockSupport.java:271)
        	at io.churnwire.server.PredictBatchStream.onNext(PredictBatchStream.java:80)

        """;

    assertEquals(1, ThreadDump.parse(MAIN + waiting).stuck().size());
  }
}
