package io.churnwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The {@code churnwire} command: one customer scored from the shell, the model described, or a load run. */
@Command(
    name = "churnwire",
    mixinStandardHelpOptions = true,
    versionProvider = ChurnCli.Version.class,
    description = "Calls a Churnwire server over gRPC.",
    subcommands = {PredictCommand.class, MetadataCommand.class, LoadCommand.class,
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
    return new CommandLine(new ChurnCli()).setCaseInsensitiveEnumValuesAllowed(true);
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
