package io.churnwire.training;

import io.churnwire.model.v1.Tree;
import java.lang.reflect.Field;
import smile.model.cart.DecisionNode;
import smile.model.cart.InternalNode;
import smile.model.cart.Node;
import smile.model.cart.NominalNode;
import smile.model.cart.OrdinalNode;
import smile.model.cart.RegressionNode;

/**
 * Compiles Smile's CART trees into the runtime's flat {@link Tree} arrays, node by node in
 * depth-first order. Smile keeps split values in package-private fields without accessors, so
 * they are read reflectively here, at compile time only; what the runtime receives is plain data.
 */
final class SmileTrees {
  private static final Field ORDINAL_VALUE = field(OrdinalNode.class, "value");
  private static final Field NOMINAL_VALUE = field(NominalNode.class, "value");

  private SmileTrees() {}

  /** What a leaf contributes: the churn probability of a class-count leaf, the output of a regression leaf. */
  @FunctionalInterface
  interface LeafValue {
    double of(Node leaf);
  }

  /** The churn probability Smile's {@code DecisionTree.predict} gives for a class-count leaf. */
  static double churnProbability(Node leaf) {
    return DecisionNode.posteriori(((DecisionNode) leaf).count(), new double[2])[1];
  }

  /** The output of a gradient-boosting regression leaf. */
  static double regressionOutput(Node leaf) {
    return ((RegressionNode) leaf).output();
  }

  /** The tree rooted at {@code root}, with weight {@code weight}. */
  static Tree compile(Node root, double weight, LeafValue leafValue) {
    Tree.Builder tree = Tree.newBuilder().setWeight(weight);
    add(tree, root, leafValue);
    return tree.build();
  }

  /** Appends {@code node} and its subtree; returns its index. */
  private static int add(Tree.Builder tree, Node node, LeafValue leafValue) {
    int index = tree.getFeatureCount();
    tree.addCover(node.size());
    if (node instanceof InternalNode split) {
      tree.addFeature(split.feature()).addValue(0);
      switch (split) {
        case OrdinalNode ordinal -> tree.addThreshold(read(ORDINAL_VALUE, ordinal)).addLevelMask(0);
        case NominalNode nominal -> tree.addThreshold(0).addLevelMask(1L << (int) read(NOMINAL_VALUE, nominal));
        default -> throw new IllegalArgumentException("unknown split " + split.getClass().getName());
      }
      tree.addLeft(-1).addRight(-1);
      int left = add(tree, split.trueChild(), leafValue);
      int right = add(tree, split.falseChild(), leafValue);
      tree.setLeft(index, left).setRight(index, right);
    } else {
      tree.addFeature(-1).addThreshold(0).addLevelMask(0).addLeft(-1).addRight(-1)
          .addValue(leafValue.of(node));
    }
    return index;
  }

  private static double read(Field field, Object node) {
    try {
      return ((Number) field.get(node)).doubleValue();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }

  static Field field(Class<?> type, String name) {
    try {
      Field field = type.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError("Smile " + type.getName() + " has no field " + name
          + "; the compiler needs the Smile version it was written for");
    }
  }
}
