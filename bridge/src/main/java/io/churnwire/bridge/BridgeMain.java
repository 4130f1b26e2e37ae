package io.churnwire.bridge;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code churnwire-bridge} command: {@code run} the bridge, {@code simulate} a stream of
 * customers into the request topic, or {@code read} the predictions as they arrive.
 */
@Command(name = "churnwire-bridge", mixinStandardHelpOptions = true, version = "churnwire-bridge 0.1.0",
    description = "Kafka bridge for Churnwire churn scoring.",
    subcommands = {RunCommand.class, SimulateCommand.class, ReadCommand.class})
public final class BridgeMain implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    quietKafkaLogs();
    System.exit(new CommandLine(new BridgeMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  /**
   * Logging defaults for slf4j-simple, each overridable with {@code -D}: Kafka clients log every
   * config at INFO, so they stay at WARN; lines carry a timestamp so incidents can be lined up.
   * Public for the other processes that run a bridge, such as the benchmark.
   */
  public static void quietKafkaLogs() {
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
