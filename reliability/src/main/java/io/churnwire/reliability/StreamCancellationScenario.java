package io.churnwire.reliability;

import io.churnwire.testsupport.Customers;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictBatchResponse;
import io.churnwire.v1.PredictRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 5: many flow-controlled {@code PredictBatch} streams against {@code --max-in-flight 2},
 * a quarter of them cancelled by the client at a random point. Expected: every stream not
 * cancelled ends OK with an answer for each of its items, none is left hanging, and once all are
 * done the server's thread dump shows every scoring thread waiting for work and no thread stuck
 * in the project's code.
 */
final class StreamCancellationScenario implements Scenario {
  static final int MAX_IN_FLIGHT = 2;

  @Override
  public int number() {
    return 5;
  }

  @Override
  public String name() {
    return "cancelled PredictBatch streams";
  }

  @Override
  public ScenarioResult run(Scale scale, Workspace workspace) throws Exception {
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(workspace.checkout(), workspace.demoRegistry(),
        workspace.log("streams-server"), List.of("--max-in-flight=" + MAX_IN_FLIGHT))) {
      Random random = new Random(5);
      List<PredictRequest> customers = Customers.varied(100);
      List<BatchStream> streams = new ArrayList<>();
      for (int s = 0; s < scale.streams(); s++) {
        int cancelAfter = random.nextInt(4) == 0 ? random.nextInt(scale.itemsPerStream()) : -1;
        BatchStream stream = new BatchStream(s, scale.itemsPerStream(), cancelAfter, customers);
        streams.add(stream);
        ChurnServiceGrpc.newStub(server.channel()).withDeadlineAfter(scale.hangTimeout().toSeconds() * 2, TimeUnit.SECONDS)
            .predictBatch(stream);
      }
      long deadline = System.nanoTime() + scale.hangTimeout().toNanos();
      List<BatchStream> hanging = new ArrayList<>();
      for (BatchStream stream : streams) {
        if (!stream.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          hanging.add(stream);
        }
      }
      ThreadDump dump = threadDumpOnceIdle(server);
      hanging.forEach(BatchStream::abandon);

      long cancelled = streams.stream().filter(s -> s.cancelAfter >= 0).count();
      long complete = streams.stream().filter(s -> s.cancelAfter < 0 && s.completeAndOk()).count();
      long answers = streams.stream().mapToLong(s -> s.answered()).sum();
      Tally itemErrors = new Tally();
      streams.forEach(s -> s.itemErrors.snapshot().forEach((code, count) -> {
        for (long i = 0; i < count; i++) {
          itemErrors.add(code);
        }
      }));
      List<ThreadDump.Thread> stuck = dump.stuck();
      figures.add(new Figure("streams", scale.streams() + " x " + scale.itemsPerStream() + " items, "
          + cancelled + " cancelled by the client, --max-in-flight=" + MAX_IN_FLIGHT));
      figures.add(Figure.of("streams completed with every answer", complete));
      figures.add(Figure.of("answers received", answers));
      figures.add(new Figure("item errors", itemErrors.line()));
      figures.add(Figure.of("streams still open at the timeout", hanging.size()));
      figures.add(new Figure("scoring threads idle / all", dump.scoringThreads().stream()
          .filter(ThreadDump.Thread::waitingForWork).count() + " / " + dump.scoringThreads().size()));
      figures.add(Figure.of("threads stuck in project code", stuck.size()));

      for (BatchStream stream : streams) {
        if (stream.cancelAfter < 0 && !stream.completeAndOk()) {
          violations.add("stream " + stream.number + " ended " + stream.outcome() + " with " + stream.answered()
              + " of " + stream.items + " answers");
        }
      }
      if (!hanging.isEmpty()) {
        violations.add(hanging.size() + " streams were still open " + scale.hangTimeout() + " after they started");
      }
      if (dump.scoringThreads().isEmpty()) {
        violations.add("the thread dump shows no churnwire-scoring thread");
      }
      for (ThreadDump.Thread thread : stuck) {
        violations.add("thread " + thread.name() + " (" + thread.state() + ") is stuck at "
            + thread.frames().stream().limit(4).toList());
      }
    }
    return new ScenarioResult(number(), name(), figures, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  /** The dump once nothing should run: streams done (or given up on) and a moment to settle. */
  private static ThreadDump threadDumpOnceIdle(ServerProcess server) throws Exception {
    Thread.sleep(500);
    return server.threadDump();
  }

  /** One client stream: sends its items while the transport is ready, counts answers by item id. */
  private static final class BatchStream implements ClientResponseObserver<PredictBatchRequest, PredictBatchResponse> {
    final int number;
    final int items;
    final int cancelAfter;
    final CountDownLatch done = new CountDownLatch(1);
    final Tally itemErrors = new Tally();
    private final List<PredictRequest> customers;
    private final BitSet answeredItems = new BitSet();
    private final AtomicReference<Status> end = new AtomicReference<>();
    private ClientCallStreamObserver<PredictBatchRequest> requests;
    private int sent;
    private int answers;

    BatchStream(int number, int items, int cancelAfter, List<PredictRequest> customers) {
      this.number = number;
      this.items = items;
      this.cancelAfter = cancelAfter;
      this.customers = customers;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PredictBatchRequest> requestStream) {
      this.requests = requestStream;
      requestStream.setOnReadyHandler(this::sendWhileReady);
    }

    private synchronized void sendWhileReady() {
      while (requests.isReady() && sent < items && end.get() == null) {
        requests.onNext(Customers.item(Integer.toString(sent), customers.get(sent % customers.size())));
        if (++sent == items) {
          requests.onCompleted();
        }
      }
    }

    @Override
    public void onNext(PredictBatchResponse answer) {
      boolean cancel;
      synchronized (this) {
        answeredItems.set(Integer.parseInt(answer.getItemId()));
        answers++;
        if (answer.hasError()) {
          itemErrors.add(Status.fromCodeValue(answer.getError().getCode()).getCode().name());
        }
        cancel = answers == cancelAfter;
      }
      if (cancel) {
        requests.cancel("the campaign cancels this stream", null);
      }
    }

    @Override
    public void onError(Throwable t) {
      end.compareAndSet(null, Status.fromThrowable(t));
      done.countDown();
    }

    @Override
    public void onCompleted() {
      end.compareAndSet(null, Status.OK);
      done.countDown();
    }

    synchronized long answered() {
      return answeredItems.cardinality();
    }

    synchronized boolean completeAndOk() {
      Status status = end.get();
      return status != null && status.isOk() && answeredItems.cardinality() == items && answers == items;
    }

    String outcome() {
      Status status = end.get();
      return status == null ? "not at all (still open)" : status.getCode() + " " + status.getDescription();
    }

    void abandon() {
      if (requests != null) {
        requests.cancel("still open at the campaign's timeout", null);
      }
    }
  }
}
