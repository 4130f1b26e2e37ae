package io.churnwire.model;

import java.util.Locale;
import java.util.Properties;

/**
 * How to train and evaluate a {@link ChurnModel}. Every value that influences the learned model
 * is here, so that the same data and the same options give the same model version.
 *
 * @param trees number of trees in the random forest; prediction latency grows faster than
 *     linearly beyond about 100 on small-cache machines
 * @param seed seed for the split, the folds and every tree
 * @param testFraction fraction of rows held out (stratified) for the reported metrics
 * @param validationFolds folds of the training split whose out-of-fold probabilities choose the
 *     decision threshold
 * @param mtry features tried at each split; 0 means floor(sqrt(number of features))
 * @param maxDepth maximum depth of a tree, at most {@link #MAX_TREE_DEPTH}
 * @param maxNodes maximum number of leaves per tree; 0 means Smile's default of rows / 5
 * @param nodeSize minimum number of rows in a leaf
 * @param refitOnAllRows whether the served model is refitted on all rows after evaluation; when
 *     false the served model is exactly the one the metrics describe
 */
public record TrainingOptions(
    int trees,
    long seed,
    double testFraction,
    int validationFolds,
    int mtry,
    int maxDepth,
    int maxNodes,
    int nodeSize,
    boolean refitOnAllRows) {

  /** Deepest tree allowed; also bounds the object nesting accepted when loading a model. */
  public static final int MAX_TREE_DEPTH = 100;

  /** Prefix of the keys used by {@link #toProperties()} and {@link #of(Properties)}. */
  public static final String PREFIX = "churnwire.model.";

  /** Validates ranges; every message names the option and the bad value. */
  public TrainingOptions {
    if (trees < 1 || trees > 10_000) {
      throw new IllegalArgumentException("trees must be in [1, 10000], got " + trees);
    }
    if (!(testFraction > 0 && testFraction <= 0.5)) {
      throw new IllegalArgumentException("testFraction must be in (0, 0.5], got " + testFraction);
    }
    if (validationFolds < 2 || validationFolds > 20) {
      throw new IllegalArgumentException("validationFolds must be in [2, 20], got " + validationFolds);
    }
    if (mtry < 0) {
      throw new IllegalArgumentException("mtry must be >= 0 (0 = sqrt of feature count), got " + mtry);
    }
    if (maxDepth < 2 || maxDepth > MAX_TREE_DEPTH) {
      throw new IllegalArgumentException(
          "maxDepth must be in [2, " + MAX_TREE_DEPTH + "], got " + maxDepth);
    }
    if (maxNodes != 0 && maxNodes < 2) {
      throw new IllegalArgumentException("maxNodes must be 0 (rows / 5) or >= 2, got " + maxNodes);
    }
    if (nodeSize < 1) {
      throw new IllegalArgumentException("nodeSize must be >= 1, got " + nodeSize);
    }
  }

  /** Defaults for everything except the forest size and the seed. */
  public TrainingOptions(int trees, long seed) {
    this(trees, seed, 0.2, 3, 0, 20, 0, 5, false);
  }

  /** 100 trees, seed 42, 20% held out, 3 validation folds, Smile's tree defaults, no refit. */
  public static TrainingOptions defaults() {
    return new TrainingOptions(100, 42);
  }

  /** A copy with another number of trees. */
  public TrainingOptions withTrees(int newTrees) {
    return new TrainingOptions(newTrees, seed, testFraction, validationFolds, mtry, maxDepth,
        maxNodes, nodeSize, refitOnAllRows);
  }

  /** A copy with another seed. */
  public TrainingOptions withSeed(long newSeed) {
    return new TrainingOptions(trees, newSeed, testFraction, validationFolds, mtry, maxDepth,
        maxNodes, nodeSize, refitOnAllRows);
  }

  /** A copy that does or does not refit the served model on all rows. */
  public TrainingOptions withRefitOnAllRows(boolean refit) {
    return new TrainingOptions(trees, seed, testFraction, validationFolds, mtry, maxDepth,
        maxNodes, nodeSize, refit);
  }

  /** The options as {@code churnwire.model.*} properties; {@link #of(Properties)} reads them back. */
  public Properties toProperties() {
    Properties props = new Properties();
    props.setProperty(PREFIX + "trees", Integer.toString(trees));
    props.setProperty(PREFIX + "seed", Long.toString(seed));
    props.setProperty(PREFIX + "test_fraction", Double.toString(testFraction));
    props.setProperty(PREFIX + "validation_folds", Integer.toString(validationFolds));
    props.setProperty(PREFIX + "mtry", Integer.toString(mtry));
    props.setProperty(PREFIX + "max_depth", Integer.toString(maxDepth));
    props.setProperty(PREFIX + "max_nodes", Integer.toString(maxNodes));
    props.setProperty(PREFIX + "node_size", Integer.toString(nodeSize));
    props.setProperty(PREFIX + "refit_on_all_rows", Boolean.toString(refitOnAllRows));
    return props;
  }

  /**
   * Options from {@code churnwire.model.*} properties; missing keys take their default.
   *
   * @throws IllegalArgumentException naming the key if a value does not parse or is out of range
   */
  public static TrainingOptions of(Properties props) {
    TrainingOptions d = defaults();
    return new TrainingOptions(
        intValue(props, "trees", d.trees),
        longValue(props, "seed", d.seed),
        doubleValue(props, "test_fraction", d.testFraction),
        intValue(props, "validation_folds", d.validationFolds),
        intValue(props, "mtry", d.mtry),
        intValue(props, "max_depth", d.maxDepth),
        intValue(props, "max_nodes", d.maxNodes),
        intValue(props, "node_size", d.nodeSize),
        booleanValue(props, "refit_on_all_rows", d.refitOnAllRows));
  }

  private static int intValue(Properties props, String key, int fallback) {
    String value = props.getProperty(PREFIX + key);
    try {
      return value == null ? fallback : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + key + " must be an integer, got '" + value + "'", e);
    }
  }

  private static long longValue(Properties props, String key, long fallback) {
    String value = props.getProperty(PREFIX + key);
    try {
      return value == null ? fallback : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + key + " must be an integer, got '" + value + "'", e);
    }
  }

  private static double doubleValue(Properties props, String key, double fallback) {
    String value = props.getProperty(PREFIX + key);
    try {
      return value == null ? fallback : Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + key + " must be a number, got '" + value + "'", e);
    }
  }

  private static boolean booleanValue(Properties props, String key, boolean fallback) {
    String value = props.getProperty(PREFIX + key);
    if (value == null) {
      return fallback;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(
          PREFIX + key + " must be true or false, got '" + value + "'");
    };
  }
}
