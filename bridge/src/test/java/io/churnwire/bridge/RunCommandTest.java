package io.churnwire.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {

  @Test
  void run_handsEveryArgumentToTheSettingsUntouched() {
    var commandLine = new CommandLine(new BridgeMain());

    var parsed = commandLine.parseArgs("run", "--max-in-flight", "5", "--group-id=g", "--help");

    var run = (RunCommand) parsed.subcommand().commandSpec().userObject();
    assertEquals(List.of("--max-in-flight", "5", "--group-id=g", "--help"), run.args);
  }
}
