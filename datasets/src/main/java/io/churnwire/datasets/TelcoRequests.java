package io.churnwire.datasets;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
import io.churnwire.v1.PredictRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a row in {@link FeatureSchema#telco()} order into the {@link PredictRequest} that carries
 * it, so generated or file data reaches the server as the model would see it.
 *
 * <p>Each feature is the request field of the same name, and a categorical level is the enum value
 * named as the server binds it: the enum's name in upper snake case, then the level upper-cased
 * with every run of other characters as one {@code _} ("Month-to-Month" is
 * {@code CONTRACT_MONTH_TO_MONTH}).
 */
public final class TelcoRequests {
  private static final FeatureSchema SCHEMA = FeatureSchema.telco();
  private static final List<Field> FIELDS = bind(SCHEMA);

  private TelcoRequests() {}

  /**
   * The request for customer {@code customerId} with the features of {@code row}.
   *
   * @param row values in {@link FeatureSchema#telco()} order, categorical values as level index
   * @throws IllegalArgumentException if {@code row} has the wrong length or a value the schema
   *     does not accept
   */
  public static PredictRequest of(String customerId, double[] row) {
    Objects.requireNonNull(customerId, "customerId");
    if (row.length != SCHEMA.size()) {
      throw new IllegalArgumentException(
          "a telco row has " + SCHEMA.size() + " values, got " + row.length);
    }
    PredictRequest.Builder request = PredictRequest.newBuilder().setCustomerId(customerId);
    for (int j = 0; j < row.length; j++) {
      FeatureSpec feature = SCHEMA.get(j);
      if (!feature.accepts(row[j])) {
        throw new IllegalArgumentException(
            "feature " + feature.name() + ": " + row[j] + " is not " + feature.domain());
      }
      FIELDS.get(j).set(request, row[j]);
    }
    return request.build();
  }

  /** The name of the value of enum {@code type} that carries {@code level}. */
  static String enumValueName(EnumDescriptor type, String level) {
    String prefix = type.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    return prefix + "_" + level.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  private static List<Field> bind(FeatureSchema schema) {
    List<Field> fields = new ArrayList<>(schema.size());
    for (FeatureSpec feature : schema.features()) {
      FieldDescriptor field = PredictRequest.getDescriptor().findFieldByName(feature.name());
      if (field == null) {
        throw new IllegalStateException(
            "feature " + feature.name() + " is not a field of churnwire.v1.PredictRequest");
      }
      boolean categorical = feature.type() == FeatureType.CATEGORICAL;
      if (categorical != (field.getJavaType() == FieldDescriptor.JavaType.ENUM)) {
        throw new IllegalStateException("feature " + feature.name() + " is " + feature.type()
            + " but the request field has type " + field.getJavaType());
      }
      List<EnumValueDescriptor> levels = new ArrayList<>();
      if (categorical) {
        EnumDescriptor type = field.getEnumType();
        for (String level : feature.levels()) {
          EnumValueDescriptor value = type.findValueByName(enumValueName(type, level));
          if (value == null) {
            throw new IllegalStateException("level '" + level + "' of feature " + feature.name()
                + " has no value " + enumValueName(type, level) + " in " + type.getFullName());
          }
          levels.add(value);
        }
      }
      fields.add(new Field(field, List.copyOf(levels)));
    }
    return List.copyOf(fields);
  }

  /** One request field and, for an enum field, its value for each level in schema order. */
  private record Field(FieldDescriptor descriptor, List<EnumValueDescriptor> levels) {

    void set(PredictRequest.Builder request, double value) {
      Object wire = switch (descriptor.getJavaType()) {
        case ENUM -> levels.get((int) value);
        case INT -> (int) value;
        case DOUBLE -> value;
        default -> throw new IllegalStateException(
            "request field " + descriptor.getName() + " has type " + descriptor.getJavaType());
      };
      request.setField(descriptor, wire);
    }
  }
}
