package io.churnwire.training;

import io.churnwire.runtime.ChurnModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The learners a {@link ChurnModel} can be trained with. Each has a short name for the command
 * line and params files, and the Smile class that the metadata names, so a saved model says which
 * reader it needs.
 */
public enum Algorithm {
  /** Smile's random forest of classification trees, scored by weighted vote. */
  RANDOM_FOREST("rf", "smile.classification.RandomForest"),
  /** Smile's gradient tree boosting with logistic loss. */
  GRADIENT_BOOSTING("gbt", "smile.classification.GradientTreeBoost"),
  /** Smile's L2-regularised binomial logistic regression on standardised, one-hot features. */
  LOGISTIC_REGRESSION("logistic", "smile.classification.LogisticRegression");

  private final String shortName;
  private final String className;

  Algorithm(String shortName, String className) {
    this.shortName = shortName;
    this.className = className;
  }

  /** The name used on the command line and in params files: rf, gbt or logistic. */
  public String shortName() {
    return shortName;
  }

  /** The Smile class recorded as the model's algorithm in its metadata. */
  public String className() {
    return className;
  }

  /**
   * The algorithm with short name {@code name}, case-insensitive.
   *
   * @throws IllegalArgumentException listing the known names
   */
  public static Algorithm fromShortName(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(a -> a.shortName.equals(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown algorithm '" + name + "'; known: "
            + Arrays.stream(values()).map(Algorithm::shortName).collect(Collectors.joining(", "))
            + " or auto"));
  }

  /**
   * The algorithm whose Smile class is {@code className}, as recorded in metadata.
   *
   * @throws IllegalArgumentException if no algorithm has that class
   */
  public static Algorithm fromClassName(String className) {
    return Arrays.stream(values())
        .filter(a -> a.className.equals(className))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown algorithm class '" + className + "'"));
  }
}
