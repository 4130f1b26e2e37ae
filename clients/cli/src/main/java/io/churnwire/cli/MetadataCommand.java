package io.churnwire.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.churnwire.client.ChurnClient;
import io.churnwire.client.ChurnClientException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints what the server says about its model, so a caller can see the schema it validates against. */
@Command(name = "metadata", mixinStandardHelpOptions = true,
    description = "Prints the served model's metadata (version, feature schema, metrics) as JSON.")
final class MetadataCommand implements Callable<Integer> {
  /** Prints false and zero values too: a field missing from the output would look like no answer. */
  private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConnectionOptions connection;

  @Option(names = "--timeout", defaultValue = "5s", converter = Converters.DurationConverter.class,
      description = "Deadline of the call, retries included, e.g. 500ms, 5s, 1m (default ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    try (ChurnClient client = connection.connect(timeout)) {
      spec.commandLine().getOut().println(JSON.print(client.modelMetadata()));
      return 0;
    } catch (ChurnClientException e) {
      spec.commandLine().getErr().println("churnwire: metadata failed: " + e.getMessage());
      return ChurnCli.EXIT_FAILED;
    }
  }
}
