package io.churnwire.trainer;

import io.churnwire.runtime.InvalidModelException;
import io.churnwire.runtime.PromotionRefusedException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code churnwire-model} command line: how a data scientist trains, compares, inspects,
 * promotes and rolls back models without writing code. Every subcommand works on a model
 * registry directory, the same one the server's {@code --model-dir} points at.
 */
@Command(name = "churnwire-model", mixinStandardHelpOptions = true, version = "churnwire-model 0.1.0",
    description = "Trains, evaluates and manages churn models in a model registry, and scores customer files with them.",
    subcommands = {InitCommand.class, TrainCommand.class, EvaluateCommand.class, ListCommand.class, PromoteCommand.class,
        RollbackCommand.class, CompileCommand.class, ScoreCommand.class, CommandLine.HelpCommand.class})
public final class TrainerMain {

  /** Exit status for a refused or failed operation (bad data, deploy check, nothing to roll back). */
  static final int FAILED = 1;

  /** Exit status for a command line that cannot run as given (picocli's own for bad options). */
  static final int USAGE = 2;

  private TrainerMain() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    System.setProperty("java.awt.headless", "true");
    CommandLine commandLine = new CommandLine(TrainerMain.class);
    commandLine.setOut(out);
    commandLine.setErr(err);
    CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((e, given) -> {
      if (!(e.getCommandLine().getCommand() instanceof ScoreCommand)) {
        return usage.handleParseException(e, given);
      }
      e.getCommandLine().getErr().println("error: " + e.getMessage() + " (see: churnwire-model score --help)");
      return USAGE;
    });
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean expected = e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof InvalidModelException || e instanceof PromotionRefusedException
          || e instanceof java.io.IOException;
      if (!expected) {
        throw e;
      }
      cmd.getErr().println("error: " + e.getMessage());
      return FAILED;
    });
    return commandLine.execute(args);
  }
}
