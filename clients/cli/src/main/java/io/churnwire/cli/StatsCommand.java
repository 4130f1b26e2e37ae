package io.churnwire.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.churnwire.client.ChurnClient;
import io.churnwire.client.ChurnClientException;
import io.churnwire.client.FieldViolation;
import io.churnwire.client.InvalidRequestException;
import io.churnwire.config.Values;
import io.churnwire.v1.GetPredictionStatsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Prints the server's statistics over its recorded predictions, so an operator can see from the
 * shell how many customers were scored and how many are at risk, without a REST gateway.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Prints the statistics of the recorded predictions (count, churn rate, per risk band and model "
        + "version) as JSON.")
final class StatsCommand implements Callable<Integer> {
  /** Prints zero counts too: a band with no churn would otherwise look like a missing answer. */
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().preservingProtoFieldNames();

  @Spec
  private CommandSpec spec;

  /** Its settings ({@link CliSettings#STATS}), listed by {@code --help}. */
  @Unmatched
  private List<String> settings = new ArrayList<>();

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    Optional<Values> values = ChurnCli.resolve(CliSettings.STATS, settings, spec.commandLine().getErr());
    if (values.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    GetPredictionStatsRequest.Builder request = GetPredictionStatsRequest.newBuilder();
    values.get().get(CliSettings.START_TIME).ifPresent(start -> request.setStartTime(timestamp(start)));
    values.get().get(CliSettings.END_TIME).ifPresent(end -> request.setEndTime(timestamp(end)));
    Optional<ChurnClient> connected =
        ChurnCli.connect(values.get(), values.get().get(CliSettings.TIMEOUT), spec.commandLine().getErr());
    if (connected.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    try (ChurnClient client = connected.get()) {
      spec.commandLine().getOut().println(JSON.print(client.insights().predictionStats(request.build())));
      return 0;
    } catch (InvalidRequestException e) {
      spec.commandLine().getErr().println("churnwire: the server refused the request as invalid:");
      for (FieldViolation violation : e.violations()) {
        spec.commandLine().getErr().println("  " + violation.field() + ": " + violation.description());
      }
      return ChurnCli.EXIT_INVALID;
    } catch (ChurnClientException e) {
      spec.commandLine().getErr().println("churnwire: stats failed: " + e.getMessage());
      return ChurnCli.EXIT_FAILED;
    }
  }

  private static Timestamp timestamp(Instant time) {
    return Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()).build();
  }
}
