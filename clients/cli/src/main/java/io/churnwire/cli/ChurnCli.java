package io.churnwire.cli;

import io.churnwire.client.ChurnClient;
import io.churnwire.config.Settings;
import io.churnwire.config.Values;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code churnwire} command: one customer scored from the shell, the model described, the
 * statistics of the recorded predictions, or a load run.
 */
@Command(
    name = "churnwire",
    mixinStandardHelpOptions = true,
    versionProvider = ChurnCli.Version.class,
    description = "Calls a Churnwire server over gRPC.",
    subcommands = {PredictCommand.class, MetadataCommand.class, StatsCommand.class, LoadCommand.class,
        CommandLine.HelpCommand.class})
public final class ChurnCli implements Runnable {
  /** Exit code when the server refused the request as invalid; usage errors share it. */
  static final int EXIT_INVALID = 2;
  /** Exit code when the call failed for any other reason. */
  static final int EXIT_FAILED = 1;

  @Spec
  private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests execute it with their own output writers. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new ChurnCli()).setCaseInsensitiveEnumValuesAllowed(true);
    listSettings(commandLine.getSubcommands().get("predict"), CliSettings.PREDICT);
    listSettings(commandLine.getSubcommands().get("metadata"), CliSettings.METADATA);
    listSettings(commandLine.getSubcommands().get("stats"), CliSettings.STATS);
    listSettings(commandLine.getSubcommands().get("load"), CliSettings.LOAD);
    return commandLine;
  }

  /**
   * A subcommand's settings from the arguments picocli left to them and the environment; empty,
   * after saying why on stderr, when one is unknown or bad.
   */
  static Optional<Values> resolve(Settings settings, List<String> args, PrintWriter err) {
    try {
      return Optional.of(settings.resolve(args.toArray(String[]::new), System.getenv()));
    } catch (IllegalArgumentException e) {
      err.println("churnwire: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * A client for the connection settings among {@code values}; empty, after saying why on stderr,
   * when they contradict each other or a file they name cannot be read.
   */
  static Optional<ChurnClient> connect(Values values, Duration timeout, PrintWriter err) {
    try {
      return Optional.of(ConnectionOptions.from(values).connect(timeout));
    } catch (IllegalArgumentException e) {
      err.println("churnwire: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Appends the settings table to a subcommand's usage, which picocli prints for its own options;
   * rendered as is, since picocli would wrap its lines.
   */
  private static void listSettings(CommandLine subcommand, Settings settings) {
    String footer = """

        Settings: each is a flag, an environment variable and a key in an optional properties file
        (--config=<file> or %s).
        Flags win over the environment, which wins over the file, which wins over the defaults.

        %s
        """.formatted(settings.configVariable(), settings.table());
    subcommand.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> footer);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar manifest, so it cannot drift from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ChurnCli.class.getPackage().getImplementationVersion();
      return new String[] {"churnwire " + (version == null ? "(development build)" : version)};
    }
  }
}
