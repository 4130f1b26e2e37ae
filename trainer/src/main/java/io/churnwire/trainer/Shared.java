package io.churnwire.trainer;

import io.churnwire.datasets.SyntheticTelcoData;
import io.churnwire.datasets.TelcoCsv;
import io.churnwire.datasets.TrainingData;
import io.churnwire.runtime.FeatureSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options and helpers the subcommands share. */
final class Shared {

  private Shared() {}

  /** The {@code --registry} option. */
  static final class RegistryOption {
    @Option(names = "--registry", paramLabel = "<dir>",
        defaultValue = "${env:CHURNWIRE_MODEL_DIR:-models/default}",
        description = "Model registry directory (the server's --model-dir). Default: ${DEFAULT-VALUE}.")
    Path registry;
  }

  /** Reads {@code data} ("synthetic" for the built-in demo data) with the nine Telco features, then keeps {@code features}. */
  static TrainingData load(String data, List<String> features) throws IOException {
    TrainingData loaded = data.equals("synthetic")
        ? SyntheticTelcoData.generate()
        : TelcoCsv.read(Path.of(data), FeatureSchema.telco());
    return features == null || features.isEmpty() ? loaded : loaded.project(loaded.schema().select(features));
  }

  /** The params file's properties, or none. */
  static Properties params(Path file) throws IOException {
    Properties props = new Properties();
    if (file != null) {
      try (Reader reader = Files.newBufferedReader(file)) {
        props.load(reader);
      }
    }
    return props;
  }
}
