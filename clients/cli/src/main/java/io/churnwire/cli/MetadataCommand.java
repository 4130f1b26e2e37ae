package io.churnwire.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.churnwire.client.ChurnClient;
import io.churnwire.client.ChurnClientException;
import io.churnwire.config.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** Prints what the server says about its model, so a caller can see the schema it validates against. */
@Command(name = "metadata", mixinStandardHelpOptions = true,
    description = "Prints the served model's metadata (version, feature schema, metrics) as JSON.")
final class MetadataCommand implements Callable<Integer> {
  /** Prints false and zero values too: a field missing from the output would look like no answer. */
  private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

  @Spec
  private CommandSpec spec;

  /** Its settings ({@link CliSettings#METADATA}), listed by {@code --help}. */
  @Unmatched
  private List<String> settings = new ArrayList<>();

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    Optional<Values> values = ChurnCli.resolve(CliSettings.METADATA, settings, spec.commandLine().getErr());
    if (values.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    Optional<ChurnClient> connected =
        ChurnCli.connect(values.get(), values.get().get(CliSettings.TIMEOUT), spec.commandLine().getErr());
    if (connected.isEmpty()) {
      return ChurnCli.EXIT_INVALID;
    }
    try (ChurnClient client = connected.get()) {
      spec.commandLine().getOut().println(JSON.print(client.modelMetadata()));
      return 0;
    } catch (ChurnClientException e) {
      spec.commandLine().getErr().println("churnwire: metadata failed: " + e.getMessage());
      return ChurnCli.EXIT_FAILED;
    }
  }
}
