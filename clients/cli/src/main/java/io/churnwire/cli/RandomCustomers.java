package io.churnwire.cli;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoRequests;
import io.churnwire.v1.PredictRequest;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * Customers for load runs: valid ones drawn like the demo model's training data
 * ({@link SyntheticTelcoData}), so the server scores varied, realistic rows rather than one cached
 * path, and, on request, invalid ones that break one or two features the way real callers do (a
 * field left out, a value out of range). Not thread-safe: one issuing thread owns it.
 */
final class RandomCustomers {
  private final SplittableRandom random;
  private final Iterator<double[]> rows;
  private long counter;

  RandomCustomers(SplittableRandom random) {
    this.random = random;
    this.rows = SyntheticTelcoData.rows(random.nextLong());
  }

  PredictRequest valid() {
    return TelcoRequests.of(String.format("LOAD-%08d", ++counter), rows.next());
  }

  PredictRequest invalid() {
    PredictRequest.Builder request = valid().toBuilder();
    switch (random.nextInt(4)) {
      case 0 -> request.clearContract();
      case 1 -> request.setSatisfactionScore(6 + random.nextInt(10));
      case 2 -> request.clearTenureInMonths().clearPaymentMethod();
      default -> request.setTotalRevenue(-1 - random.nextDouble() * 100);
    }
    return request.build();
  }
}
