package io.churnwire.training;

import io.churnwire.runtime.ChurnModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * How to train, select and evaluate a {@link ChurnModel}. Every value that influences the learned
 * model is here, so that the same data and the same options give the same model version.
 *
 * <p>The defaults are the bundled params file ({@code training/params/default.properties} in the
 * repository); {@link #of(Properties)} overrides only the keys it is given.
 *
 * @param candidates the algorithms to try; with more than one, the one with the best stratified
 *     k-fold ROC AUC on the training rows is kept
 * @param seed seed for the split, the folds, resampling and every tree
 * @param testFraction fraction of rows held out (stratified) for the reported metrics
 * @param validationFolds folds of the training rows whose out-of-fold probabilities select the
 *     algorithm and choose the decision threshold
 * @param targetRecall the threshold is the highest whose out-of-fold recall reaches this
 * @param classBalance how the class imbalance is handled when fitting
 * @param refitOnAllRows whether the served model is refitted on all rows after evaluation
 * @param leakageAuc single-feature ROC AUC from which a feature is flagged as possible leakage
 * @param forest random-forest hyper-parameters
 * @param boosting gradient-boosting hyper-parameters
 * @param logistic logistic-regression hyper-parameters
 */
public record TrainingOptions(
    List<Algorithm> candidates,
    long seed,
    double testFraction,
    int validationFolds,
    double targetRecall,
    ClassBalance classBalance,
    boolean refitOnAllRows,
    double leakageAuc,
    ForestParams forest,
    BoostingParams boosting,
    LogisticParams logistic) {

  /** Deepest tree allowed; also bounds the object nesting accepted when loading a model. */
  public static final int MAX_TREE_DEPTH = 100;

  /** Classpath location of the bundled params file. */
  public static final String DEFAULTS_RESOURCE = "/io/churnwire/training/default.properties";

  /** How the rarer class is given weight when fitting. */
  public enum ClassBalance {
    /** Fit on the rows as they are. */
    NONE,
    /**
     * Repeat rows of the rarer class until both classes weigh the same, then shift the model's
     * log-odds back by the oversampling ratio (gradient boosting and logistic regression only).
     */
    OVERSAMPLE
  }

  /**
   * Random-forest settings.
   *
   * @param trees number of trees
   * @param mtry features tried at each split; 0 means floor(sqrt(features))
   * @param maxDepth maximum depth of a tree
   * @param maxNodes maximum leaves per tree; 0 means training rows / 5
   * @param nodeSize minimum rows in a leaf
   */
  public record ForestParams(int trees, int mtry, int maxDepth, int maxNodes, int nodeSize) {
    /** Validates ranges; messages name the key and the value. */
    public ForestParams {
      range("churnwire.rf.trees", trees, 1, 10_000);
      range("churnwire.rf.mtry", mtry, 0, 10_000);
      range("churnwire.rf.max_depth", maxDepth, 2, MAX_TREE_DEPTH);
      if (maxNodes != 0 && maxNodes < 2) {
        throw new IllegalArgumentException("churnwire.rf.max_nodes must be 0 (rows / 5) or >= 2, got " + maxNodes);
      }
      range("churnwire.rf.node_size", nodeSize, 1, 1_000_000);
    }
  }

  /**
   * Gradient-boosting settings.
   *
   * @param trees boosting iterations
   * @param maxDepth maximum depth of a tree
   * @param maxNodes maximum leaves per tree
   * @param nodeSize minimum rows in a leaf
   * @param shrinkage learning rate in (0, 1]
   * @param subsample fraction of rows each tree is fitted on, in (0, 1]
   */
  public record BoostingParams(int trees, int maxDepth, int maxNodes, int nodeSize, double shrinkage,
      double subsample) {
    /** Validates ranges; messages name the key and the value. */
    public BoostingParams {
      range("churnwire.gbt.trees", trees, 1, 100_000);
      range("churnwire.gbt.max_depth", maxDepth, 2, MAX_TREE_DEPTH);
      range("churnwire.gbt.max_nodes", maxNodes, 2, 1_000_000);
      range("churnwire.gbt.node_size", nodeSize, 1, 1_000_000);
      if (!(shrinkage > 0 && shrinkage <= 1)) {
        throw new IllegalArgumentException("churnwire.gbt.shrinkage must be in (0, 1], got " + shrinkage);
      }
      if (!(subsample > 0 && subsample <= 1)) {
        throw new IllegalArgumentException("churnwire.gbt.subsample must be in (0, 1], got " + subsample);
      }
    }
  }

  /**
   * Logistic-regression settings.
   *
   * @param lambda L2 regularisation, at least 0
   * @param maxIter maximum L-BFGS iterations
   * @param tolerance convergence tolerance
   */
  public record LogisticParams(double lambda, int maxIter, double tolerance) {
    /** Validates ranges; messages name the key and the value. */
    public LogisticParams {
      if (!(lambda >= 0 && Double.isFinite(lambda))) {
        throw new IllegalArgumentException("churnwire.logistic.lambda must be >= 0, got " + lambda);
      }
      range("churnwire.logistic.max_iter", maxIter, 1, 1_000_000);
      if (!(tolerance > 0 && tolerance < 1)) {
        throw new IllegalArgumentException("churnwire.logistic.tolerance must be in (0, 1), got " + tolerance);
      }
    }
  }

  /** Validates ranges; every message names the key and the bad value. */
  public TrainingOptions {
    Objects.requireNonNull(candidates, "candidates");
    Objects.requireNonNull(classBalance, "classBalance");
    Objects.requireNonNull(forest, "forest");
    Objects.requireNonNull(boosting, "boosting");
    Objects.requireNonNull(logistic, "logistic");
    candidates = List.copyOf(new LinkedHashSet<>(candidates));
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("churnwire.train.algorithm must name at least one algorithm");
    }
    if (!(testFraction > 0 && testFraction <= 0.5)) {
      throw new IllegalArgumentException("churnwire.train.test_fraction must be in (0, 0.5], got " + testFraction);
    }
    range("churnwire.train.folds", validationFolds, 2, 20);
    if (!(targetRecall > 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException("churnwire.train.target_recall must be in (0, 1], got " + targetRecall);
    }
    if (!(leakageAuc > 0.5 && leakageAuc <= 1)) {
      throw new IllegalArgumentException("churnwire.train.leakage_auc must be in (0.5, 1], got " + leakageAuc);
    }
  }

  /** The bundled params file. */
  public static TrainingOptions defaults() {
    return of(new Properties());
  }

  /** The bundled params file as properties. */
  public static Properties defaultProperties() {
    Properties props = new Properties();
    try (InputStream in = TrainingOptions.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
    }
    return props;
  }

  /** Whether more than one algorithm is tried. */
  public boolean selectsAlgorithm() {
    return candidates.size() > 1;
  }

  /** A copy that tries only {@code algorithms}. */
  public TrainingOptions withAlgorithms(Algorithm... algorithms) {
    return new TrainingOptions(List.of(algorithms), seed, testFraction, validationFolds, targetRecall,
        classBalance, refitOnAllRows, leakageAuc, forest, boosting, logistic);
  }

  /** A copy with another random-forest size. */
  public TrainingOptions withTrees(int trees) {
    return withForest(new ForestParams(trees, forest.mtry(), forest.maxDepth(), forest.maxNodes(),
        forest.nodeSize()));
  }

  /** A copy with other random-forest settings. */
  public TrainingOptions withForest(ForestParams newForest) {
    return new TrainingOptions(candidates, seed, testFraction, validationFolds, targetRecall,
        classBalance, refitOnAllRows, leakageAuc, newForest, boosting, logistic);
  }

  /** A copy with other gradient-boosting settings. */
  public TrainingOptions withBoosting(BoostingParams newBoosting) {
    return new TrainingOptions(candidates, seed, testFraction, validationFolds, targetRecall,
        classBalance, refitOnAllRows, leakageAuc, forest, newBoosting, logistic);
  }

  /** A copy with another seed. */
  public TrainingOptions withSeed(long newSeed) {
    return new TrainingOptions(candidates, newSeed, testFraction, validationFolds, targetRecall,
        classBalance, refitOnAllRows, leakageAuc, forest, boosting, logistic);
  }

  /** A copy with another number of validation folds. */
  public TrainingOptions withFolds(int folds) {
    return new TrainingOptions(candidates, seed, testFraction, folds, targetRecall, classBalance,
        refitOnAllRows, leakageAuc, forest, boosting, logistic);
  }

  /** A copy with another target recall. */
  public TrainingOptions withTargetRecall(double recall) {
    return new TrainingOptions(candidates, seed, testFraction, validationFolds, recall, classBalance,
        refitOnAllRows, leakageAuc, forest, boosting, logistic);
  }

  /** A copy with another class-balance rule. */
  public TrainingOptions withClassBalance(ClassBalance balance) {
    return new TrainingOptions(candidates, seed, testFraction, validationFolds, targetRecall, balance,
        refitOnAllRows, leakageAuc, forest, boosting, logistic);
  }

  /** A copy that does or does not refit the served model on all rows. */
  public TrainingOptions withRefitOnAllRows(boolean refit) {
    return new TrainingOptions(candidates, seed, testFraction, validationFolds, targetRecall,
        classBalance, refit, leakageAuc, forest, boosting, logistic);
  }

  /** The options as properties with the keys of the params file; {@link #of} reads them back. */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("churnwire.train.algorithm", String.join(",",
        candidates.stream().map(Algorithm::shortName).toList()));
    p.setProperty("churnwire.train.seed", Long.toString(seed));
    p.setProperty("churnwire.train.test_fraction", Double.toString(testFraction));
    p.setProperty("churnwire.train.folds", Integer.toString(validationFolds));
    p.setProperty("churnwire.train.target_recall", Double.toString(targetRecall));
    p.setProperty("churnwire.train.class_balance", classBalance.name().toLowerCase(Locale.ROOT));
    p.setProperty("churnwire.train.refit_on_all_rows", Boolean.toString(refitOnAllRows));
    p.setProperty("churnwire.train.leakage_auc", Double.toString(leakageAuc));
    p.setProperty("churnwire.rf.trees", Integer.toString(forest.trees()));
    p.setProperty("churnwire.rf.mtry", Integer.toString(forest.mtry()));
    p.setProperty("churnwire.rf.max_depth", Integer.toString(forest.maxDepth()));
    p.setProperty("churnwire.rf.max_nodes", Integer.toString(forest.maxNodes()));
    p.setProperty("churnwire.rf.node_size", Integer.toString(forest.nodeSize()));
    p.setProperty("churnwire.gbt.trees", Integer.toString(boosting.trees()));
    p.setProperty("churnwire.gbt.max_depth", Integer.toString(boosting.maxDepth()));
    p.setProperty("churnwire.gbt.max_nodes", Integer.toString(boosting.maxNodes()));
    p.setProperty("churnwire.gbt.node_size", Integer.toString(boosting.nodeSize()));
    p.setProperty("churnwire.gbt.shrinkage", Double.toString(boosting.shrinkage()));
    p.setProperty("churnwire.gbt.subsample", Double.toString(boosting.subsample()));
    p.setProperty("churnwire.logistic.lambda", Double.toString(logistic.lambda()));
    p.setProperty("churnwire.logistic.max_iter", Integer.toString(logistic.maxIter()));
    p.setProperty("churnwire.logistic.tolerance", Double.toString(logistic.tolerance()));
    return p;
  }

  /**
   * Options from params-file properties; keys not given take the bundled defaults. Keys of other
   * sections (such as {@code churnwire.deploy.*}) are ignored.
   *
   * @throws IllegalArgumentException naming the key if a value does not parse or is out of range
   */
  public static TrainingOptions of(Properties overrides) {
    Properties p = defaultProperties();
    p.putAll(overrides);
    return new TrainingOptions(
        algorithms(required(p, "churnwire.train.algorithm")),
        longValue(p, "churnwire.train.seed"),
        doubleValue(p, "churnwire.train.test_fraction"),
        intValue(p, "churnwire.train.folds"),
        doubleValue(p, "churnwire.train.target_recall"),
        classBalance(required(p, "churnwire.train.class_balance")),
        booleanValue(p, "churnwire.train.refit_on_all_rows"),
        doubleValue(p, "churnwire.train.leakage_auc"),
        new ForestParams(intValue(p, "churnwire.rf.trees"), intValue(p, "churnwire.rf.mtry"),
            intValue(p, "churnwire.rf.max_depth"), intValue(p, "churnwire.rf.max_nodes"),
            intValue(p, "churnwire.rf.node_size")),
        new BoostingParams(intValue(p, "churnwire.gbt.trees"), intValue(p, "churnwire.gbt.max_depth"),
            intValue(p, "churnwire.gbt.max_nodes"), intValue(p, "churnwire.gbt.node_size"),
            doubleValue(p, "churnwire.gbt.shrinkage"), doubleValue(p, "churnwire.gbt.subsample")),
        new LogisticParams(doubleValue(p, "churnwire.logistic.lambda"),
            intValue(p, "churnwire.logistic.max_iter"), doubleValue(p, "churnwire.logistic.tolerance")));
  }

  /**
   * Algorithms from a params value: {@code auto}, one short name, or a comma-separated list.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static List<Algorithm> algorithms(String value) {
    if (value.strip().equalsIgnoreCase("auto")) {
      return List.of(Algorithm.values());
    }
    List<Algorithm> list = new ArrayList<>();
    for (String name : value.split(",")) {
      if (!name.isBlank()) {
        list.add(Algorithm.fromShortName(name));
      }
    }
    return list;
  }

  private static ClassBalance classBalance(String value) {
    try {
      return ClassBalance.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "churnwire.train.class_balance must be oversample or none, got '" + value + "'", e);
    }
  }

  private static void range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  private static String required(Properties props, String key) {
    String value = props.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return value.strip();
  }

  private static int intValue(Properties props, String key) {
    String value = required(props, key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
    }
  }

  private static long longValue(Properties props, String key) {
    String value = required(props, key);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
    }
  }

  private static double doubleValue(Properties props, String key) {
    String value = required(props, key);
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + value + "'", e);
    }
  }

  private static boolean booleanValue(Properties props, String key) {
    String value = required(props, key);
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    };
  }
}
