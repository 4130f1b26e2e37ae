package io.churnwire.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TrainingOptionsTest {

  @Test
  void defaults_comeFromTheParamsFileInTheRepository() throws Exception {
    Properties file = new Properties();
    try (var reader = Files.newBufferedReader(Path.of("params", "default.properties"))) {
      file.load(reader);
    }

    TrainingOptions options = TrainingOptions.defaults();

    assertEquals(TrainingOptions.of(file), options);
    assertEquals(List.of(Algorithm.values()), options.candidates());
    assertEquals(42, options.seed());
    assertEquals(0.85, options.targetRecall());
    assertEquals(5, options.validationFolds());
    assertFalse(options.refitOnAllRows());
  }

  @Test
  void of_overridesOnlyTheGivenKeys() {
    Properties props = new Properties();
    props.setProperty("churnwire.train.algorithm", "gbt");
    props.setProperty("churnwire.gbt.trees", "40");

    TrainingOptions options = TrainingOptions.of(props);

    assertEquals(List.of(Algorithm.GRADIENT_BOOSTING), options.candidates());
    assertEquals(40, options.boosting().trees());
    assertEquals(TrainingOptions.defaults().forest(), options.forest());
  }

  @Test
  void algorithms_acceptsAutoAListAndShortNames() {
    assertEquals(List.of(Algorithm.values()), TrainingOptions.algorithms("auto"));
    assertEquals(List.of(Algorithm.LOGISTIC_REGRESSION, Algorithm.RANDOM_FOREST),
        TrainingOptions.algorithms("logistic, rf"));
  }

  @Test
  void algorithms_unknownName_messageListsKnownNames() {
    var e = assertThrows(IllegalArgumentException.class, () -> TrainingOptions.algorithms("xgboost"));

    assertEquals("unknown algorithm 'xgboost'; known: rf, gbt, logistic or auto", e.getMessage());
  }

  @Test
  void invalidTrees_messageNamesKeyAndValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TrainingOptions.ForestParams(0, 0, 20, 0, 5));

    assertEquals("churnwire.rf.trees must be in [1, 10000], got 0", e.getMessage());
  }

  @Test
  void invalidTargetRecall_messageNamesKeyAndValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> TrainingOptions.defaults().withTargetRecall(1.5));

    assertTrue(e.getMessage().startsWith("churnwire.train.target_recall") && e.getMessage().contains("1.5"),
        e.getMessage());
  }

  @Test
  void properties_roundTrip() {
    TrainingOptions options = TrainingOptions.defaults()
        .withAlgorithms(Algorithm.GRADIENT_BOOSTING, Algorithm.RANDOM_FOREST)
        .withSeed(-3).withFolds(4).withTargetRecall(0.9).withRefitOnAllRows(true)
        .withClassBalance(TrainingOptions.ClassBalance.NONE)
        .withBoosting(new TrainingOptions.BoostingParams(50, 5, 8, 3, 0.2, 0.6));

    assertEquals(options, TrainingOptions.of(options.toProperties()));
  }

  @Test
  void of_badPropertyValue_messageNamesKey() {
    Properties props = new Properties();
    props.setProperty("churnwire.gbt.shrinkage", "fast");

    var e = assertThrows(IllegalArgumentException.class, () -> TrainingOptions.of(props));

    assertEquals("churnwire.gbt.shrinkage must be a number, got 'fast'", e.getMessage());
  }
}
