package io.churnwire.training;

import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic stratified partitions of row indices: each class is shuffled separately with a
 * {@link Random} (whose algorithm the JDK specifies, so the partition is the same on every JVM)
 * and then cut, which keeps the churn rate of every part close to the overall rate.
 */
final class StratifiedSplit {

  /** Row indices of a train/test split, each in ascending order. */
  record Holdout(int[] train, int[] test) {}

  private StratifiedSplit() {}

  /**
   * Puts {@code round(testFraction * classSize)} rows of each class into the test part.
   *
   * @throws IllegalArgumentException if a part would lack either class
   */
  static Holdout holdout(int[] labels, double testFraction, long seed) {
    int[][] byClass = shuffledByClass(labels, seed);
    int[] test = new int[0];
    int[] train = new int[0];
    for (int[] members : byClass) {
      int testCount = (int) Math.round(testFraction * members.length);
      if (testCount == 0 || testCount == members.length) {
        throw new IllegalArgumentException("a class with " + members.length
            + " rows cannot be split " + testFraction + " / " + (1 - testFraction)
            + " with both parts non-empty");
      }
      test = concat(test, Arrays.copyOfRange(members, 0, testCount));
      train = concat(train, Arrays.copyOfRange(members, testCount, members.length));
    }
    Arrays.sort(test);
    Arrays.sort(train);
    return new Holdout(train, test);
  }

  /**
   * Assigns every row a fold in {@code [0, folds)} so that each class is spread evenly.
   *
   * @throws IllegalArgumentException if a class has fewer rows than there are folds
   */
  static int[] folds(int[] labels, int folds, long seed) {
    int[] fold = new int[labels.length];
    for (int[] members : shuffledByClass(labels, seed)) {
      if (members.length < folds) {
        throw new IllegalArgumentException(
            "a class with " + members.length + " rows cannot be spread over " + folds + " folds");
      }
      for (int i = 0; i < members.length; i++) {
        fold[members[i]] = i % folds;
      }
    }
    return fold;
  }

  /** Indices of label 0, then of label 1, each shuffled. */
  private static int[][] shuffledByClass(int[] labels, long seed) {
    int positives = 0;
    for (int label : labels) {
      if (label != 0 && label != 1) {
        throw new IllegalArgumentException("labels must be 0 or 1, got " + label);
      }
      positives += label;
    }
    int[][] byClass = {new int[labels.length - positives], new int[positives]};
    int[] filled = new int[2];
    for (int i = 0; i < labels.length; i++) {
      byClass[labels[i]][filled[labels[i]]++] = i;
    }
    Random random = new Random(seed);
    for (int[] members : byClass) {
      for (int i = members.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = members[i];
        members[i] = members[j];
        members[j] = swap;
      }
    }
    return byClass;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
