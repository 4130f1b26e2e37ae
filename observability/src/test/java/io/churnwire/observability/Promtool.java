package io.churnwire.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code promtool} with its working directory in {@code observability/prometheus}. */
final class Promtool {
  private Promtool() {}

  /** What one run printed (standard output and error together) and its exit code. */
  record Result(int exitCode, String output) {}

  static Result run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Tools.promtool().toString());
    command.addAll(List.of(arguments));
    Path dir = Tools.prometheusDir();
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("promtool " + String.join(" ", arguments) + " did not end:\n" + output);
    }
    return new Result(process.exitValue(), output);
  }
}
