package io.churnwire.runtime;

import io.churnwire.model.v1.Aggregation;
import io.churnwire.model.v1.CompiledModel;
import io.churnwire.model.v1.Feature;
import io.churnwire.model.v1.LinearModel;
import io.churnwire.model.v1.LinearTerm;
import io.churnwire.model.v1.Transform;
import io.churnwire.model.v1.Tree;
import io.churnwire.model.v1.TreeEnsemble;
import java.util.ArrayList;
import java.util.List;

/**
 * Structural checks of a compiled model before anything scores with it: the version is known, the
 * features form a schema, every index is in range, every tree is a tree (each node reached from the
 * root exactly once, so no cycles and no sharing) within the size and depth limits, and every
 * number that enters the arithmetic is finite. Each failure names the part of the model at fault.
 */
final class CompiledModelValidator {

  /** Most trees in one ensemble. */
  static final int MAX_TREES = 100_000;
  /** Most nodes in one tree. */
  static final int MAX_NODES_PER_TREE = 1 << 22;
  /** Most nodes in all trees together. */
  static final long MAX_TOTAL_NODES = 1L << 25;
  /** Deepest leaf, in edges from the root. */
  static final int MAX_DEPTH = 128;
  /** Most levels of a categorical feature (a level set is a 64-bit mask). */
  static final int MAX_LEVELS = 64;

  private static final List<String> ALGORITHMS = List.of("rf", "gbt", "logistic");

  private CompiledModelValidator() {}

  static FeatureSchema schema(CompiledModel message) throws InvalidModelException {
    if (message.getFormatVersion() != io.churnwire.runtime.CompiledModel.FORMAT_VERSION) {
      throw new InvalidModelException("format_version is " + message.getFormatVersion()
          + "; this runtime reads format " + io.churnwire.runtime.CompiledModel.FORMAT_VERSION);
    }
    if (message.getFeaturesCount() == 0) {
      throw new InvalidModelException("the model has no features");
    }
    List<FeatureSpec> specs = new ArrayList<>();
    for (int j = 0; j < message.getFeaturesCount(); j++) {
      Feature feature = message.getFeatures(j);
      try {
        specs.add(switch (feature.getKind()) {
          case FEATURE_KIND_INTEGER -> FeatureSpec.integer(feature.getName(), integral(feature.getMin()),
              integral(feature.getMax()), feature.getDescription());
          case FEATURE_KIND_REAL -> FeatureSpec.real(feature.getName(), feature.getMin(), feature.getMax(),
              feature.getDescription());
          case FEATURE_KIND_CATEGORICAL -> {
            if (feature.getLevelsCount() > MAX_LEVELS) {
              throw new IllegalArgumentException("has " + feature.getLevelsCount() + " levels, at most "
                  + MAX_LEVELS + " are supported");
            }
            yield FeatureSpec.categorical(feature.getName(), feature.getLevelsList(), feature.getDescription());
          }
          default -> throw new IllegalArgumentException("has no kind");
        });
      } catch (IllegalArgumentException e) {
        throw new InvalidModelException("feature " + j + " ('" + feature.getName() + "'): " + e.getMessage(), e);
      }
    }
    try {
      return new FeatureSchema(specs);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("features: " + e.getMessage(), e);
    }
  }

  private static long integral(double bound) {
    if (bound != Math.rint(bound) || Math.abs(bound) > 1e15) {
      throw new IllegalArgumentException("integer bound " + bound + " is not a whole number");
    }
    return (long) bound;
  }

  static ModelScorer scorer(CompiledModel message, FeatureSchema schema) throws InvalidModelException {
    if (!ALGORITHMS.contains(message.getAlgorithm())) {
      throw new InvalidModelException("algorithm is '" + message.getAlgorithm() + "', expected one of " + ALGORITHMS);
    }
    double threshold = message.getDecisionThreshold();
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new InvalidModelException("decision_threshold " + threshold + " is not in [0, 1]");
    }
    finite("log_odds_offset", message.getLogOddsOffset());
    boolean[] categorical = new boolean[schema.size()];
    for (int j = 0; j < categorical.length; j++) {
      categorical[j] = schema.get(j).isCategorical();
    }
    return switch (message.getPredictorCase()) {
      case TREE_ENSEMBLE -> {
        TreeEnsemble ensemble = message.getTreeEnsemble();
        boolean forest = ensemble.getAggregation() == Aggregation.AGGREGATION_WEIGHTED_MEAN_PROBABILITY;
        String expected = forest ? "rf" : "gbt";
        if (!message.getAlgorithm().equals(expected)) {
          throw new InvalidModelException("algorithm '" + message.getAlgorithm() + "' does not match a tree ensemble with "
              + ensemble.getAggregation());
        }
        int depth = checkEnsemble(ensemble, schema);
        if (forest && message.getLogOddsOffset() != 0) {
          throw new InvalidModelException("log_odds_offset must be 0 for a probability average");
        }
        yield new TreeEnsembleScorer(ensemble, schema, categorical, depth, message.getLogOddsOffset());
      }
      case LINEAR_MODEL -> {
        if (!message.getAlgorithm().equals("logistic")) {
          throw new InvalidModelException("algorithm '" + message.getAlgorithm() + "' does not match a linear model");
        }
        checkLinear(message.getLinearModel(), schema);
        yield new LinearScorer(message.getLinearModel(), categorical, message.getLogOddsOffset());
      }
      case PREDICTOR_NOT_SET -> throw new InvalidModelException("the model has no predictor (tree_ensemble or linear_model)");
    };
  }

  /** Checks every tree; returns the depth of the deepest leaf. */
  private static int checkEnsemble(TreeEnsemble ensemble, FeatureSchema schema) throws InvalidModelException {
    Aggregation aggregation = ensemble.getAggregation();
    if (aggregation != Aggregation.AGGREGATION_WEIGHTED_MEAN_PROBABILITY
        && aggregation != Aggregation.AGGREGATION_BOOSTED_LOG_ODDS) {
      throw new InvalidModelException("tree_ensemble.aggregation is " + aggregation);
    }
    boolean forest = aggregation == Aggregation.AGGREGATION_WEIGHTED_MEAN_PROBABILITY;
    int trees = ensemble.getTreesCount();
    if (trees == 0 || trees > MAX_TREES) {
      throw new InvalidModelException("tree_ensemble has " + trees + " trees; 1 to " + MAX_TREES + " are accepted");
    }
    if (!forest) {
      finite("tree_ensemble.base_score", ensemble.getBaseScore());
      finite("tree_ensemble.learning_rate", ensemble.getLearningRate());
      finite("tree_ensemble.margin_scale", ensemble.getMarginScale());
    }
    long total = 0;
    double weights = 0;
    int depth = 0;
    for (int t = 0; t < trees; t++) {
      Tree tree = ensemble.getTrees(t);
      total += tree.getFeatureCount();
      if (total > MAX_TOTAL_NODES) {
        throw new InvalidModelException("the trees have more than " + MAX_TOTAL_NODES + " nodes together");
      }
      double weight = tree.getWeight();
      if (forest && !(Double.isFinite(weight) && weight >= 0)) {
        throw new InvalidModelException("tree " + t + ": weight " + weight + " is not a finite non-negative number");
      }
      weights += weight;
      depth = Math.max(depth, checkTree(tree, "tree " + t, schema, forest));
    }
    if (forest && !(weights > 0 && Double.isFinite(weights))) {
      throw new InvalidModelException("the tree weights add up to " + weights + ", not a positive number");
    }
    return depth;
  }

  private static int checkTree(Tree tree, String where, FeatureSchema schema, boolean probabilities)
      throws InvalidModelException {
    int n = tree.getFeatureCount();
    if (n == 0 || n > MAX_NODES_PER_TREE) {
      throw new InvalidModelException(where + " has " + n + " nodes; 1 to " + MAX_NODES_PER_TREE + " are accepted");
    }
    if (tree.getThresholdCount() != n || tree.getLevelMaskCount() != n || tree.getLeftCount() != n
        || tree.getRightCount() != n || tree.getValueCount() != n || tree.getCoverCount() != n) {
      throw new InvalidModelException(where + ": the node arrays differ in length (feature " + n
          + ", threshold " + tree.getThresholdCount() + ", level_mask " + tree.getLevelMaskCount()
          + ", left " + tree.getLeftCount() + ", right " + tree.getRightCount() + ", value "
          + tree.getValueCount() + ", cover " + tree.getCoverCount() + ")");
    }
    int[] depthOf = new int[n];
    boolean[] reached = new boolean[n];
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = 0;
    reached[0] = true;
    int deepest = 0;
    while (head < tail) {
      int node = queue[head++];
      String at = where + " node " + node;
      int feature = tree.getFeature(node);
      int left = tree.getLeft(node);
      int right = tree.getRight(node);
      double cover = tree.getCover(node);
      if (!(Double.isFinite(cover) && cover > 0)) {
        throw new InvalidModelException(at + ": cover " + cover + " is not a finite positive number");
      }
      if (feature == -1) {
        if (left != -1 || right != -1) {
          throw new InvalidModelException(at + ": a leaf (feature -1) must have children -1, has " + left + " and " + right);
        }
        double value = tree.getValue(node);
        if (!Double.isFinite(value) || (probabilities && !(value >= 0 && value <= 1))) {
          throw new InvalidModelException(at + ": leaf value " + value + " is not "
              + (probabilities ? "a probability" : "finite"));
        }
        continue;
      }
      if (feature < 0 || feature >= schema.size()) {
        throw new InvalidModelException(at + ": feature " + feature + " is not in [0, " + schema.size() + ")");
      }
      FeatureSpec spec = schema.get(feature);
      if (spec.isCategorical()) {
        long mask = tree.getLevelMask(node);
        int levels = spec.levels().size();
        if (mask == 0 || (levels < 64 && (mask >>> levels) != 0)) {
          throw new InvalidModelException(at + ": level_mask " + Long.toHexString(mask)
              + " is empty or names levels beyond the " + levels + " of " + spec.name());
        }
      } else if (!Double.isFinite(tree.getThreshold(node))) {
        throw new InvalidModelException(at + ": threshold " + tree.getThreshold(node) + " is not finite");
      }
      int childDepth = depthOf[node] + 1;
      if (childDepth > MAX_DEPTH) {
        throw new InvalidModelException(at + ": the tree is deeper than " + MAX_DEPTH);
      }
      for (int child : new int[] {left, right}) {
        if (child <= 0 || child >= n) {
          throw new InvalidModelException(at + ": child " + child + " is not in [1, " + n + ")");
        }
        if (reached[child]) {
          throw new InvalidModelException(at + ": child " + child + " is reached twice (a cycle or a shared node)");
        }
        reached[child] = true;
        depthOf[child] = childDepth;
        deepest = Math.max(deepest, childDepth);
        queue[tail++] = child;
      }
    }
    if (tail != n) {
      throw new InvalidModelException(where + ": " + (n - tail) + " of its " + n + " nodes are not reachable from the root");
    }
    return deepest;
  }

  private static void checkLinear(LinearModel model, FeatureSchema schema) throws InvalidModelException {
    if (model.getTermsCount() != schema.size()) {
      throw new InvalidModelException("linear_model has " + model.getTermsCount() + " terms for "
          + schema.size() + " features");
    }
    finite("linear_model.intercept", model.getIntercept());
    for (int j = 0; j < schema.size(); j++) {
      LinearTerm term = model.getTerms(j);
      FeatureSpec spec = schema.get(j);
      String where = "linear_model term " + j + " (" + spec.name() + ")";
      int columns = spec.isCategorical() ? spec.levels().size() - 1 : 1;
      if (term.getWeightsCount() != columns || term.getColumnMeansCount() != columns) {
        throw new InvalidModelException(where + " has " + term.getWeightsCount() + " weights and "
            + term.getColumnMeansCount() + " column means, expected " + columns + " of each");
      }
      for (int k = 0; k < columns; k++) {
        finite(where + " weight " + k, term.getWeights(k));
        finite(where + " column mean " + k, term.getColumnMeans(k));
      }
      if (!spec.isCategorical()) {
        if (term.getTransform() != Transform.TRANSFORM_IDENTITY && term.getTransform() != Transform.TRANSFORM_LOG1P) {
          throw new InvalidModelException(where + " has transform " + term.getTransform());
        }
        finite(where + " center", term.getCenter());
        if (!(term.getScale() > 0 && Double.isFinite(term.getScale()))) {
          throw new InvalidModelException(where + ": scale " + term.getScale() + " is not a positive finite number");
        }
      }
    }
  }

  static List<FeatureReference> reference(CompiledModel message, FeatureSchema schema) throws InvalidModelException {
    int count = message.getTrainingReferenceCount();
    if (count == 0) {
      return List.of();
    }
    if (count != schema.size()) {
      throw new InvalidModelException("training_reference has " + count + " entries for " + schema.size() + " features");
    }
    List<FeatureReference> result = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      var entry = message.getTrainingReference(j);
      FeatureSpec spec = schema.get(j);
      String where = "training_reference of " + spec.name();
      double[] edges = entry.getBinEdgesList().stream().mapToDouble(Double::doubleValue).toArray();
      double[] frequencies = entry.getFrequenciesList().stream().mapToDouble(Double::doubleValue).toArray();
      int bins = spec.isCategorical() ? spec.levels().size() : edges.length + 1;
      if (spec.isCategorical() && edges.length != 0) {
        throw new InvalidModelException(where + ": a categorical feature has no bin edges");
      }
      for (int i = 0; i < edges.length; i++) {
        finite(where + " edge " + i, edges[i]);
        if (i > 0 && !(edges[i] > edges[i - 1])) {
          throw new InvalidModelException(where + ": bin edges must ascend strictly");
        }
      }
      if (frequencies.length != bins) {
        throw new InvalidModelException(where + " has " + frequencies.length + " frequencies for " + bins + " bins");
      }
      double sum = 0;
      for (double f : frequencies) {
        if (!(f >= 0 && f <= 1)) {
          throw new InvalidModelException(where + ": frequency " + f + " is not in [0, 1]");
        }
        sum += f;
      }
      if (Math.abs(sum - 1) > 1e-6) {
        throw new InvalidModelException(where + ": frequencies add up to " + sum + ", not 1");
      }
      result.add(new FeatureReference(edges, frequencies, entry.getRows()));
    }
    return List.copyOf(result);
  }

  private static void finite(String what, double value) throws InvalidModelException {
    if (!Double.isFinite(value)) {
      throw new InvalidModelException(what + " is " + value + ", not a finite number");
    }
  }
}
