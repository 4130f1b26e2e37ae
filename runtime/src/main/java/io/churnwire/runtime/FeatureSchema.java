package io.churnwire.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ordered list of model inputs. A scoring row holds one value per feature in this order, so
 * the schema travels with every saved model and the server validates requests against it.
 *
 * @param features the features in row order; names are unique
 */
public record FeatureSchema(List<FeatureSpec> features) {

  /** Validates that the schema is non-empty and its names are unique. */
  public FeatureSchema {
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    if (features.isEmpty()) {
      throw new IllegalArgumentException("a feature schema needs at least one feature");
    }
    Set<String> names = new HashSet<>();
    for (FeatureSpec feature : features) {
      if (!names.add(feature.name())) {
        throw new IllegalArgumentException("duplicate feature name: " + feature.name());
      }
    }
  }

  /**
   * The nine seed features of the IBM Telco extended data set, with the IBM spellings of the
   * categories. Bounds are generous sanity limits, not the ranges seen in the data.
   */
  public static FeatureSchema telco() {
    return new FeatureSchema(List.of(
        FeatureSpec.categorical("internet_service", List.of("Yes", "No"),
            "Whether the customer subscribes to internet service."),
        FeatureSpec.integer("number_dependents", 0, 50,
            "Number of dependents living with the customer."),
        FeatureSpec.integer("number_referrals", 0, 1000,
            "Number of times the customer has referred a friend."),
        FeatureSpec.integer("satisfaction_score", 1, 5,
            "Customer satisfaction rating from 1 (very unsatisfied) to 5 (very satisfied)."),
        FeatureSpec.integer("tenure_in_months", 0, 1200,
            "Months the customer has been with the company."),
        FeatureSpec.real("total_long_distance_charges", 0, 1e9,
            "Total long-distance charges over the tenure, in dollars."),
        FeatureSpec.real("total_revenue", 0, 1e9,
            "Total revenue from the customer over the tenure, in dollars."),
        FeatureSpec.categorical("contract", List.of("Month-to-Month", "One Year", "Two Year"),
            "The customer's current contract type."),
        FeatureSpec.categorical("payment_method",
            List.of("Bank Withdrawal", "Credit Card", "Mailed Check"),
            "How the customer pays the bill.")));
  }

  /**
   * The subset of this schema with the given names, in this schema's order (not the order of
   * {@code names}); repeated names count once.
   *
   * @throws IllegalArgumentException if {@code names} is empty or names an unknown feature
   */
  public FeatureSchema select(List<String> names) {
    Set<String> wanted = new LinkedHashSet<>(names);
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("select needs at least one feature name");
    }
    List<String> unknown = new ArrayList<>();
    for (String name : wanted) {
      if (indexOf(name) < 0) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown feature(s) " + unknown + "; known: " + names());
    }
    return new FeatureSchema(features.stream().filter(f -> wanted.contains(f.name())).toList());
  }

  /** The number of features, which is the length of every scoring row. */
  public int size() {
    return features.size();
  }

  /** The feature at row position {@code index}. */
  public FeatureSpec get(int index) {
    return features.get(index);
  }

  /** The feature called {@code name}, if any. */
  public Optional<FeatureSpec> find(String name) {
    int index = indexOf(name);
    return index < 0 ? Optional.empty() : Optional.of(features.get(index));
  }

  /** The row position of the feature called {@code name}, or -1 if there is none. */
  public int indexOf(String name) {
    for (int i = 0; i < features.size(); i++) {
      if (features.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The feature names in row order. */
  public List<String> names() {
    return features.stream().map(FeatureSpec::name).toList();
  }
}
