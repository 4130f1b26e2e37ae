package io.churnwire.server;

import io.churnwire.history.CustomerFeatures;
import io.churnwire.history.PredictionRecord;
import io.churnwire.v1.PredictRequest;
import io.churnwire.v1.Prediction;
import java.time.Instant;

/** Turns an answered request into the history's {@link PredictionRecord}: the features exactly as sent. */
final class PredictionRecords {
  private PredictionRecords() {}

  static PredictionRecord of(Predictor.Prepared prepared, Prediction prediction, Instant at) {
    PredictRequest request = prepared.request();
    return new PredictionRecord(at, prepared.requestId(), request.getCustomerId(), prediction.getModelVersion(),
        prediction.getChurnProbability(), prediction.getWillChurn(), prediction.getRiskBand().name(),
        prepared.origin().channel().name(), prepared.origin().method().name(), features(request));
  }

  static CustomerFeatures features(PredictRequest request) {
    return new CustomerFeatures(
        request.getInternetService().name(),
        request.hasNumberDependents() ? request.getNumberDependents() : null,
        request.hasNumberReferrals() ? request.getNumberReferrals() : null,
        request.hasSatisfactionScore() ? request.getSatisfactionScore() : null,
        request.hasTenureInMonths() ? request.getTenureInMonths() : null,
        request.hasTotalLongDistanceCharges() ? request.getTotalLongDistanceCharges() : null,
        request.hasTotalRevenue() ? request.getTotalRevenue() : null,
        request.getContract().name(),
        request.getPaymentMethod().name());
  }
}
