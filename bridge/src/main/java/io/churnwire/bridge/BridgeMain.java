package io.churnwire.bridge;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code churnwire-bridge} command: {@code run} the bridge, {@code simulate} a stream of
 * customers into the request topic, {@code read} the predictions as they arrive, or publish
 * {@code outcomes} from a CSV to the outcomes topic.
 */
@Command(name = "churnwire-bridge", mixinStandardHelpOptions = true, version = "churnwire-bridge 0.1.0",
    description = "Kafka bridge for Churnwire churn scoring.",
    subcommands = {RunCommand.class, SimulateCommand.class, ReadCommand.class, OutcomesCommand.class})
public final class BridgeMain implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BridgeMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
