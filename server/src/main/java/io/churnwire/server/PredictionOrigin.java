package io.churnwire.server;

import io.churnwire.v1.PredictionInterface;
import io.churnwire.v1.PredictionMethod;
import io.grpc.Metadata;
import java.util.Locale;

/**
 * Where a prediction came from, as the history records it: the interface its caller used and the
 * {@code ChurnService} method that scored it. A gRPC call says it came through another interface
 * with the {@code x-churnwire-interface} header: Envoy sets {@code rest} on the calls it transcodes
 * from REST/JSON, and the Kafka bridge sends {@code kafka} on its streams.
 */
public record PredictionOrigin(PredictionInterface channel, PredictionMethod method) {
  /** The header naming the interface a call came through. */
  public static final Metadata.Key<String> INTERFACE_HEADER =
      Metadata.Key.of("x-churnwire-interface", Metadata.ASCII_STRING_MARSHALLER);

  /** A direct gRPC call to {@code method}. */
  public static PredictionOrigin grpc(PredictionMethod method) {
    return new PredictionOrigin(PredictionInterface.PREDICTION_INTERFACE_GRPC, method);
  }

  /** The interface {@code header} names ({@code rest}, {@code kafka}); gRPC for none or any other. */
  static PredictionInterface interfaceNamed(String header) {
    if (header == null) {
      return PredictionInterface.PREDICTION_INTERFACE_GRPC;
    }
    return switch (header.strip().toLowerCase(Locale.ROOT)) {
      case "rest" -> PredictionInterface.PREDICTION_INTERFACE_REST;
      case "kafka" -> PredictionInterface.PREDICTION_INTERFACE_KAFKA;
      default -> PredictionInterface.PREDICTION_INTERFACE_GRPC;
    };
  }

  /** The origin of a call to {@code method}, through the interface its record names, if any. */
  static PredictionOrigin ofCall(PredictionMethod method) {
    return new PredictionOrigin(CallRecord.current().map(CallRecord::channel)
        .orElse(PredictionInterface.PREDICTION_INTERFACE_GRPC), method);
  }
}
