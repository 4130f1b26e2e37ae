package io.churnwire.server;

import com.google.protobuf.Timestamp;
import io.churnwire.history.CustomerFeatures;
import io.churnwire.history.StoredPrediction;
import io.churnwire.history.Summary;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import io.churnwire.v1.PredictionInterface;
import io.churnwire.v1.PredictionMethod;
import io.churnwire.v1.PredictionSummary;
import io.churnwire.v1.RiskBand;
import java.time.Instant;

/** The history's values as {@code churnwire.v1} messages. */
final class HistoryProtos {
  private HistoryProtos() {}

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  static PredictionSummary summary(Summary summary) {
    return PredictionSummary.newBuilder()
        .setPredictionCount(summary.count())
        .setPredictedChurnCount(summary.churnCount())
        .setPredictedChurnRate(summary.churnRate())
        .setMeanChurnProbability(summary.meanProbability())
        .build();
  }

  static io.churnwire.v1.PredictionRecord record(StoredPrediction stored) {
    io.churnwire.history.PredictionRecord record = stored.record();
    return io.churnwire.v1.PredictionRecord.newBuilder()
        .setPredictTime(timestamp(record.predictedAt()))
        .setRequestId(record.requestId())
        .setCustomerId(record.customerId())
        .setModelVersion(record.modelVersion())
        .setChurnProbability(record.probability())
        .setWillChurn(record.willChurn())
        .setRiskBand(named(RiskBand.class, record.riskBand(), RiskBand.RISK_BAND_UNSPECIFIED))
        .setInterface(named(PredictionInterface.class, record.interfaceName(),
            PredictionInterface.PREDICTION_INTERFACE_UNSPECIFIED))
        .setMethod(named(PredictionMethod.class, record.method(), PredictionMethod.PREDICTION_METHOD_UNSPECIFIED))
        .setFeatures(features(record.features()))
        .build();
  }

  private static io.churnwire.v1.CustomerFeatures features(CustomerFeatures features) {
    io.churnwire.v1.CustomerFeatures.Builder proto = io.churnwire.v1.CustomerFeatures.newBuilder()
        .setInternetService(named(InternetService.class, features.internetService(),
            InternetService.INTERNET_SERVICE_UNSPECIFIED))
        .setContract(named(Contract.class, features.contract(), Contract.CONTRACT_UNSPECIFIED))
        .setPaymentMethod(named(PaymentMethod.class, features.paymentMethod(),
            PaymentMethod.PAYMENT_METHOD_UNSPECIFIED));
    if (features.numberDependents() != null) {
      proto.setNumberDependents(features.numberDependents());
    }
    if (features.numberReferrals() != null) {
      proto.setNumberReferrals(features.numberReferrals());
    }
    if (features.satisfactionScore() != null) {
      proto.setSatisfactionScore(features.satisfactionScore());
    }
    if (features.tenureInMonths() != null) {
      proto.setTenureInMonths(features.tenureInMonths());
    }
    if (features.totalLongDistanceCharges() != null) {
      proto.setTotalLongDistanceCharges(features.totalLongDistanceCharges());
    }
    if (features.totalRevenue() != null) {
      proto.setTotalRevenue(features.totalRevenue());
    }
    return proto.build();
  }

  /** The enum value named {@code name}; {@code unknown} for a name this build does not know. */
  static <E extends Enum<E>> E named(Class<E> type, String name, E unknown) {
    if (name == null || "UNRECOGNIZED".equals(name)) {
      return unknown;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      return unknown;
    }
  }
}
