package io.churnwire.benchmarks;

import io.churnwire.client.BatchSummary;
import io.churnwire.client.ChurnClient;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictBatchRequest;
import io.churnwire.v1.PredictRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Items per second through one {@code PredictBatch} stream of a running server, driven by the Java
 * client's flow-controlled helper ({@link ChurnClient#predictBatch}), so the figure is what a caller
 * of the project's own client gets. A warm-up stream runs first and is not counted; the measured
 * stream's figures are printed and, with {@code --json}, written as one JSON object:
 * {@code {"items":..,"seconds":..,"items_per_second":..,"errors":..}}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.churnwire.benchmarks.StreamThroughput \
 *     --target localhost:50051 --items 1000000 [--warmup 200000] [--window 64] [--json FILE]
 * </pre>
 *
 * <p>Items are valid customers drawn from a fixed pool of distinct ones, each with its own item id,
 * so the server validates, scores and records every one; {@code errors} counts items answered with
 * an error instead of a prediction.
 */
public final class StreamThroughput {
  private static final int POOL = 4_096;

  private StreamThroughput() {}

  /** What one run measures. */
  record Options(String target, long items, long warmup, int window, Path json) {
    Options {
      if (target == null || target.isBlank()) {
        throw new IllegalArgumentException("--target HOST:PORT is required");
      }
      if (items < 1 || warmup < 0 || window < 1) {
        throw new IllegalArgumentException(
            "--items and --window must be positive and --warmup not negative, got " + items + ", " + window
                + " and " + warmup);
      }
    }

    static Options parse(String[] args) {
      String target = null;
      long items = 1_000_000;
      long warmup = 200_000;
      int window = 64;
      Path json = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--target" -> target = value;
          case "--items" -> items = Long.parseLong(value);
          case "--warmup" -> warmup = Long.parseLong(value);
          case "--window" -> window = Integer.parseInt(value);
          case "--json" -> json = Path.of(value);
          default -> throw new IllegalArgumentException("unknown flag " + flag
              + " (expected --target, --items, --warmup, --window, --json)");
        }
      }
      return new Options(target, items, warmup, window, json);
    }
  }

  /** One measured stream. */
  record Result(long items, double seconds, long errors, double clientCpuSeconds) {
    double itemsPerSecond() {
      return items / seconds;
    }

    String json() {
      return String.format(Locale.ROOT, "{\"items\":%d,\"seconds\":%.3f,\"items_per_second\":%.1f,\"errors\":%d}",
          items, seconds, itemsPerSecond(), errors);
    }
  }

  public static void main(String[] args) throws IOException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("StreamThroughput: " + e.getMessage());
      System.exit(2);
      return;
    }
    PredictBatchRequest[] pool = pool(new Random(42));
    Result result;
    try (ChurnClient client = ChurnClient.builder(options.target()).batchWindow(options.window()).build()) {
      if (options.warmup() > 0) {
        stream(client, pool, options.warmup());
      }
      result = stream(client, pool, options.items());
    }
    System.out.printf(Locale.ROOT,
        "%,d items in %.3f s: %,.0f items/s on one stream (window %d), %d errors; client CPU %.2f µs per item%n",
        result.items(), result.seconds(), result.itemsPerSecond(), options.window(), result.errors(),
        result.clientCpuSeconds() * 1e6 / result.items());
    if (options.json() != null) {
      Files.writeString(options.json(), result.json() + "\n", StandardCharsets.UTF_8);
    }
  }

  private static Result stream(ChurnClient client, PredictBatchRequest[] pool, long count) {
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    BatchSummary summary = client.predictBatch(items(pool, count), result -> {});
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(summary.items(), seconds, summary.failed(), (processCpuNanos() - cpu) / 1e9);
  }

  /**
   * CPU time this process has used, every thread included; on a shared machine it says what the
   * client costs per item when the wall-clock rate only says how busy the neighbours were.
   */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  private static Iterator<PredictBatchRequest> items(PredictBatchRequest[] pool, long count) {
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public PredictBatchRequest next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        return pool[(int) (next++ % pool.length)];
      }
    };
  }

  /** Distinct valid customers, each an item with its own id. */
  private static PredictBatchRequest[] pool(Random random) {
    InternetService[] internet = {InternetService.INTERNET_SERVICE_YES, InternetService.INTERNET_SERVICE_NO};
    Contract[] contracts = {Contract.CONTRACT_MONTH_TO_MONTH, Contract.CONTRACT_ONE_YEAR, Contract.CONTRACT_TWO_YEAR};
    PaymentMethod[] payments = {PaymentMethod.PAYMENT_METHOD_BANK_WITHDRAWAL, PaymentMethod.PAYMENT_METHOD_CREDIT_CARD,
        PaymentMethod.PAYMENT_METHOD_MAILED_CHECK};
    PredictBatchRequest[] pool = new PredictBatchRequest[POOL];
    for (int i = 0; i < POOL; i++) {
      int tenure = 1 + random.nextInt(72);
      double monthly = 20 + random.nextDouble() * 100;
      PredictRequest customer = PredictRequest.newBuilder()
          .setCustomerId(SyntheticPredictions.customerId(i))
          .setInternetService(internet[random.nextInt(internet.length)])
          .setNumberDependents(random.nextInt(4))
          .setNumberReferrals(random.nextInt(6))
          .setSatisfactionScore(1 + random.nextInt(5))
          .setTenureInMonths(tenure)
          .setTotalLongDistanceCharges(Math.round(random.nextDouble() * 30 * tenure * 100) / 100.0)
          .setTotalRevenue(Math.round(monthly * tenure * 100) / 100.0)
          .setContract(contracts[random.nextInt(contracts.length)])
          .setPaymentMethod(payments[random.nextInt(payments.length)])
          .build();
      pool[i] = PredictBatchRequest.newBuilder().setItemId("item-" + i).setRequest(customer).build();
    }
    return pool;
  }
}
