package io.churnwire.training;

import io.churnwire.runtime.Explanation;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.measure.Measure;
import smile.data.measure.NominalScale;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.data.type.StructType;
import smile.data.vector.DoubleVector;
import smile.data.vector.IntVector;
import smile.data.vector.ValueVector;
import smile.model.cart.SplitRule;
import smile.util.IntSet;
import smile.validation.ClassificationMetrics;

/**
 * Smile's random forest: builds data frames from rows (also for gradient boosting), fits
 * reproducible forests, and scores and explains rows.
 *
 * <p>Reproducibility: Smile 6.3 grows trees in a parallel stream but, when
 * {@code RandomForest.Options.seeds} is given, calls {@code MathEx.setSeed(seeds[i])} at the start
 * of tree {@code i} on whichever worker runs it, and {@code MathEx} keeps its generator in a
 * {@code ThreadLocal}. A tree draws random numbers for its bootstrap sample and, when {@code mtry}
 * is below the feature count, for the features tried at each node, which it then searches
 * sequentially; only with {@code mtry} equal to the feature count does the split search run in
 * parallel, and then it draws no random numbers. So no other tree can run on a thread between a
 * tree's seeding and its last draw, and each tree depends only on its seed and its data, not on
 * scheduling (checked with 1, 2 and 8 worker threads). The forest also stores wall-clock fit and
 * score times in its out-of-bag metrics; {@link #fit} zeroes them so that the serialized bytes,
 * and hence the model version, depend only on what was learned.
 */
final class SmileForest {

  /** Name of the label column in the training frame; feature names are lower_snake_case. */
  static final String LABEL = "Churned";

  /** Class values of the label column: index 1 is churn. */
  private static final NominalScale LABEL_SCALE = new NominalScale("No", "Yes");

  private SmileForest() {}

  /**
   * Fits a forest on the rows {@code index} of {@code rows}, with per-tree seeds drawn from
   * {@code (seed, stream)} so that different fits of one training run use different trees.
   */
  static RandomForest fit(FeatureSchema schema, double[][] rows, int[] labels, int[] index,
      TrainingOptions.ForestParams options, long seed, int stream) {
    requireBothClasses(labels, index);
    if (options.mtry() > schema.size()) {
      throw new IllegalArgumentException(
          "mtry " + options.mtry() + " exceeds the number of features " + schema.size());
    }
    DataFrame frame = frame(schema, rows, labels, index);
    var smileOptions = new RandomForest.Options(options.trees(), options.mtry(), SplitRule.GINI,
        options.maxDepth(), options.maxNodes(), options.nodeSize(), 1.0, null,
        treeSeeds(seed, stream, options.trees()), null);
    RandomForest forest = RandomForest.fit(Formula.lhs(LABEL), frame, smileOptions);
    return withoutTimings(forest);
  }

  /** Throws unless the rows {@code index} hold both classes. */
  static void requireBothClasses(int[] labels, int[] index) {
    int churned = 0;
    for (int i : index) {
      churned += labels[i];
    }
    if (churned == 0 || churned == index.length) {
      throw new IllegalArgumentException("cannot fit on " + index.length + " rows with "
          + churned + " churned: both classes are needed");
    }
  }

  /** The training frame: numeric features as doubles, categorical ones as nominal ints. */
  static DataFrame frame(FeatureSchema schema, double[][] rows, int[] labels, int[] index) {
    List<ValueVector> columns = new ArrayList<>();
    for (int j = 0; j < schema.size(); j++) {
      FeatureSpec feature = schema.get(j);
      if (feature.isCategorical()) {
        int[] values = new int[index.length];
        for (int i = 0; i < index.length; i++) {
          values[i] = (int) rows[index[i]][j];
        }
        columns.add(new IntVector(new StructField(feature.name(), DataTypes.IntType,
            new NominalScale(feature.levels())), values));
      } else {
        double[] values = new double[index.length];
        for (int i = 0; i < index.length; i++) {
          values[i] = rows[index[i]][j];
        }
        columns.add(new DoubleVector(new StructField(feature.name(), DataTypes.DoubleType), values));
      }
    }
    int[] y = new int[index.length];
    for (int i = 0; i < index.length; i++) {
      y[i] = labels[index[i]];
    }
    columns.add(new IntVector(new StructField(LABEL, DataTypes.IntType, LABEL_SCALE), y));
    return new DataFrame(columns.toArray(ValueVector[]::new));
  }

  /** {@code count} distinct tree seeds derived from {@code (seed, stream)}. */
  static long[] treeSeeds(long seed, int stream, int count) {
    Random random = new Random(seed * 0x9E3779B97F4A7C15L + stream);
    long[] seeds = new long[count];
    for (int i = 0; i < count; i++) {
      seeds[i] = random.nextLong();
    }
    return seeds;
  }

  /** A copy of {@code forest} whose out-of-bag metrics carry no wall-clock times. */
  static RandomForest withoutTimings(RandomForest forest) {
    RandomForest.Model[] models = forest.models();
    RandomForest.Model[] clean = new RandomForest.Model[models.length];
    for (int i = 0; i < models.length; i++) {
      clean[i] = new RandomForest.Model(models[i].tree(), withoutTimings(models[i].metrics()),
          models[i].weight());
    }
    return new RandomForest(forest.formula(), forest.numClasses(), clean,
        withoutTimings(forest.metrics()), forest.importance(), new IntSet(forest.classes()));
  }

  private static ClassificationMetrics withoutTimings(ClassificationMetrics m) {
    return new ClassificationMetrics(0, 0, m.size(), m.error(), m.accuracy(), m.sensitivity(),
        m.specificity(), m.precision(), m.f1(), m.mcc(), m.auc(), m.logloss(), m.crossEntropy());
  }

  /**
   * Why a tree model with inputs {@code predictors} cannot score rows of {@code schema}, or null if
   * it can: the predictors must be the schema's features, in order, with the same encoding and
   * levels, and the model must be a binary classifier with classes 0 and 1.
   */
  static String incompatibility(StructType predictors, int numClasses, int[] classes, FeatureSchema schema) {
    if (numClasses != 2 || !Arrays.equals(classes, new int[] {0, 1})) {
      return "the model predicts classes " + Arrays.toString(classes) + ", expected [0, 1]";
    }
    if (predictors.length() != schema.size()) {
      return "the model has " + predictors.length() + " inputs, the schema " + schema.size();
    }
    for (int j = 0; j < schema.size(); j++) {
      FeatureSpec feature = schema.get(j);
      StructField field = predictors.field(j);
      if (!field.name().equals(feature.name())) {
        return "input " + j + " of the model is '" + field.name() + "', the schema says '"
            + feature.name() + "'";
      }
      Measure measure = field.measure();
      if (feature.isCategorical()) {
        if (!(measure instanceof NominalScale scale)
            || !Arrays.asList(scale.levels()).equals(feature.levels())) {
          return "input " + feature.name() + " of the model has levels " + measure
              + ", the schema says " + feature.levels();
        }
      } else if (measure != null || !field.dtype().equals(DataTypes.DoubleType)) {
        return "input " + feature.name() + " of the model is " + field
            + ", the schema says a numeric feature";
      }
    }
    return null;
  }

  /** Scores rows with a forest; thread-safe, allocating only a few small objects per call. */
  static final class Scorer implements io.churnwire.training.Scorer {
    private final RandomForest forest;
    private final StructType predictors;
    private final RandomForest.Model[] members;
    private final double totalWeight;

    Scorer(RandomForest forest) {
      this.forest = forest;
      this.predictors = forest.schema();
      this.members = forest.models();
      double sum = 0;
      for (RandomForest.Model member : members) {
        sum += member.weight();
      }
      this.totalWeight = sum;
      // Smile caches the formula binding per schema instance on first use; establish it here,
      // before the scorer is shared, rather than racing to it from many request threads.
      probability(new double[predictors.length()]);
    }

    @Override
    public double probability(double[] row) {
      double[] posteriori = new double[2];
      forest.predict(new RowTuple(predictors, row), posteriori);
      return Math.min(1.0, Math.max(0.0, posteriori[1]));
    }

    /**
     * The forest's probability is the weight-averaged probability of its trees, so the SHAP
     * values of the forest are the weight-averaged per-tree SHAP values of class 1 (Smile's
     * {@code CART.shap} returns them interleaved by class).
     */
    @Override
    public Explanation explain(double[] row) {
      Tuple x = forest.formula().x(new RowTuple(predictors, row));
      int p = predictors.length();
      double[] phi = new double[p];
      for (RandomForest.Model member : members) {
        double[] treePhi = member.tree().shap(x);
        for (int j = 0; j < p; j++) {
          phi[j] += member.weight() * treePhi[2 * j + 1];
        }
      }
      double sum = 0;
      for (int j = 0; j < p; j++) {
        phi[j] /= totalWeight;
        sum += phi[j];
      }
      double output = probability(row);
      return new Explanation(output - sum, phi, output, Explanation.Scale.PROBABILITY);
    }

    @Override
    public void compileInto(io.churnwire.model.v1.CompiledModel.Builder model) {
      var ensemble = io.churnwire.model.v1.TreeEnsemble.newBuilder()
          .setAggregation(io.churnwire.model.v1.Aggregation.AGGREGATION_WEIGHTED_MEAN_PROBABILITY);
      for (RandomForest.Model member : members) {
        ensemble.addTrees(SmileTrees.compile(member.tree().root(), member.weight(), SmileTrees::churnProbability));
      }
      model.setAlgorithm(Algorithm.RANDOM_FOREST.shortName()).setLogOddsOffset(0).setTreeEnsemble(ensemble);
    }

  }

  /**
   * A row seen through Smile's {@link Tuple} interface without boxing. The schema instance is
   * always the forest's own, which lets Smile reuse its cached formula binding.
   */
  record RowTuple(StructType schema, double[] row) implements Tuple {
    @Override
    public Object get(int i) {
      return schema.field(i).measure() instanceof NominalScale ? (Object) (int) row[i] : row[i];
    }

    @Override
    public boolean isNullAt(int i) {
      return false;
    }

    @Override
    public double getDouble(int i) {
      return row[i];
    }

    @Override
    public int getInt(int i) {
      return (int) row[i];
    }
  }
}
