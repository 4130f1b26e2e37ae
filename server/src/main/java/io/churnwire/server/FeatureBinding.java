package io.churnwire.server;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.rpc.BadRequest.FieldViolation;
import io.churnwire.runtime.FeatureSchema;
import io.churnwire.runtime.FeatureSpec;
import io.churnwire.runtime.FeatureType;
import io.churnwire.v1.PredictRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Binds a model's feature schema to the fields of {@link PredictRequest}: each model feature is
 * the request field of the same name, and each categorical level is the enum value named after it
 * ({@code "Month-to-Month"} is {@code CONTRACT_MONTH_TO_MONTH}).
 *
 * <p>The binding is made once per model, when it is loaded, so a model whose schema the contract
 * cannot express is rejected before it serves; per request it only validates and copies values.
 */
public final class FeatureBinding {
  /** Longest id a request or item may carry ({@code request_id}, {@code customer_id}, {@code item_id}). */
  static final int MAX_ID_LENGTH = 256;
  private static final FieldDescriptor REQUEST_ID =
      PredictRequest.getDescriptor().findFieldByNumber(PredictRequest.REQUEST_ID_FIELD_NUMBER);
  private static final FieldDescriptor CUSTOMER_ID =
      PredictRequest.getDescriptor().findFieldByNumber(PredictRequest.CUSTOMER_ID_FIELD_NUMBER);

  private final List<Feature> features;

  private FeatureBinding(List<Feature> features) {
    this.features = features;
  }

  /**
   * Binds {@code schema} to the request message.
   *
   * @throws IllegalArgumentException naming the first feature or level the contract lacks
   */
  public static FeatureBinding bind(FeatureSchema schema) {
    List<Feature> features = new ArrayList<>();
    for (FeatureSpec spec : schema.features()) {
      FieldDescriptor field = PredictRequest.getDescriptor().findFieldByName(spec.name());
      if (field == null) {
        throw new IllegalArgumentException(
            "model feature '" + spec.name() + "' is not a field of churnwire.v1.PredictRequest");
      }
      boolean categorical = spec.type() == FeatureType.CATEGORICAL;
      if (categorical != (field.getJavaType() == FieldDescriptor.JavaType.ENUM)) {
        throw new IllegalArgumentException("model feature '" + spec.name() + "' is " + spec.type()
            + " but the request field has type " + field.getJavaType());
      }
      features.add(new Feature(spec, field, categorical ? levelIndexByEnumNumber(spec, field) : Map.of(),
          FieldReader.of(field)));
    }
    return new FeatureBinding(List.copyOf(features));
  }

  /** The enum value name that carries {@code level} of {@code spec} on the wire. */
  public static String enumValueName(FeatureSpec spec, String level) {
    EnumDescriptor type = PredictRequest.getDescriptor().findFieldByName(spec.name()).getEnumType();
    return enumPrefix(type) + level.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }

  /**
   * Validates {@code request} and returns its features in model order.
   *
   * @param fieldPrefix path of the request inside the enclosing message, e.g. {@code "request."},
   *                    so violations name the field as the caller sent it
   * @throws InvalidRequestException listing every field that is missing or out of range
   */
  public double[] extract(PredictRequest request, String fieldPrefix) throws InvalidRequestException {
    List<FieldViolation> violations = new ArrayList<>();
    checkIdLength(request.getRequestId(), REQUEST_ID, fieldPrefix, violations);
    checkIdLength(request.getCustomerId(), CUSTOMER_ID, fieldPrefix, violations);
    double[] row = new double[features.size()];
    for (int i = 0; i < features.size(); i++) {
      Feature feature = features.get(i);
      String problem = feature.read(request, row, i);
      if (problem != null) {
        violations.add(FieldViolation.newBuilder()
            .setField(fieldPrefix + feature.spec.name())
            .setDescription(problem)
            .build());
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidRequestException(violations);
    }
    return row;
  }

  /**
   * The value of model feature {@code index} as {@code request} carries it: the enum value name of
   * a categorical feature, the number as text otherwise.
   */
  public String sentValue(PredictRequest request, int index) {
    Feature feature = features.get(index);
    Object value = request.getField(feature.field);
    if (value instanceof EnumValueDescriptor enumValue) {
      return enumValue.getName();
    }
    if (value instanceof Double number) {
      return java.math.BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
    }
    return value.toString();
  }

  private static void checkIdLength(
      String value, FieldDescriptor field, String prefix, List<FieldViolation> violations) {
    if (value.length() > MAX_ID_LENGTH) {
      violations.add(FieldViolation.newBuilder()
          .setField(prefix + field.getName())
          .setDescription("must be at most " + MAX_ID_LENGTH + " characters, got " + value.length())
          .build());
    }
  }

  private static Map<Integer, Integer> levelIndexByEnumNumber(FeatureSpec spec, FieldDescriptor field) {
    EnumDescriptor type = field.getEnumType();
    Map<Integer, Integer> indexByNumber = new HashMap<>();
    for (int level = 0; level < spec.levels().size(); level++) {
      String name = enumValueName(spec, spec.levels().get(level));
      EnumValueDescriptor value = type.findValueByName(name);
      if (value == null) {
        throw new IllegalArgumentException("level '" + spec.levels().get(level) + "' of model feature '"
            + spec.name() + "' has no enum value " + name + " in " + type.getFullName());
      }
      indexByNumber.put(value.getNumber(), level);
    }
    return Map.copyOf(indexByNumber);
  }

  private static String enumPrefix(EnumDescriptor type) {
    return type.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_";
  }

  /** One model feature and the request field it is read from. */
  private record Feature(FeatureSpec spec, FieldDescriptor field, Map<Integer, Integer> levelIndexByNumber,
      FieldReader reader) {

    /** Stores the value in {@code row[index]}; returns why it is unacceptable, or null. */
    String read(PredictRequest request, double[] row, int index) {
      if (spec.type() == FeatureType.CATEGORICAL) {
        int number = reader.enumNumber(request);
        Integer level = levelIndexByNumber.get(number);
        if (level == null) {
          return (number == 0 ? "is required" : "has unknown value " + number) + "; one of " + allowedNames();
        }
        row[index] = level;
        return null;
      }
      if (!reader.present(request)) {
        return "is required; a number from " + format(spec.min()) + " to " + format(spec.max());
      }
      double value = reader.number(request);
      if (!Double.isFinite(value)) {
        return "must be a finite number, got " + value;
      }
      if (value < spec.min() || value > spec.max()) {
        return "must be from " + format(spec.min()) + " to " + format(spec.max()) + ", got " + format(value);
      }
      row[index] = value;
      return null;
    }

    private String allowedNames() {
      return spec.levels().stream()
          .map(level -> enumValueName(spec, level))
          .collect(Collectors.joining(", "));
    }

    private static String format(double value) {
      return value == Math.rint(value) && Math.abs(value) < 1e15
          ? Long.toString((long) value)
          : Double.toString(value);
    }
  }

  /**
   * Reads one request field through its generated accessor. The generic descriptor path
   * ({@code hasField}, {@code getField}) goes through reflection and boxes every value, once per
   * feature of every request; it remains for a field this table does not know.
   */
  private interface FieldReader {
    /** Whether the field was sent (always true for an enum, whose 0 means "not given"). */
    boolean present(PredictRequest request);

    /** The field's number. */
    double number(PredictRequest request);

    /** The field's enum number, unknown numbers included. */
    int enumNumber(PredictRequest request);

    static FieldReader of(FieldDescriptor field) {
      return switch (field.getNumber()) {
        case PredictRequest.INTERNET_SERVICE_FIELD_NUMBER -> enumField(PredictRequest::getInternetServiceValue);
        case PredictRequest.CONTRACT_FIELD_NUMBER -> enumField(PredictRequest::getContractValue);
        case PredictRequest.PAYMENT_METHOD_FIELD_NUMBER -> enumField(PredictRequest::getPaymentMethodValue);
        case PredictRequest.NUMBER_DEPENDENTS_FIELD_NUMBER ->
            numberField(PredictRequest::hasNumberDependents, PredictRequest::getNumberDependents);
        case PredictRequest.NUMBER_REFERRALS_FIELD_NUMBER ->
            numberField(PredictRequest::hasNumberReferrals, PredictRequest::getNumberReferrals);
        case PredictRequest.SATISFACTION_SCORE_FIELD_NUMBER ->
            numberField(PredictRequest::hasSatisfactionScore, PredictRequest::getSatisfactionScore);
        case PredictRequest.TENURE_IN_MONTHS_FIELD_NUMBER ->
            numberField(PredictRequest::hasTenureInMonths, PredictRequest::getTenureInMonths);
        case PredictRequest.TOTAL_LONG_DISTANCE_CHARGES_FIELD_NUMBER ->
            numberField(PredictRequest::hasTotalLongDistanceCharges, PredictRequest::getTotalLongDistanceCharges);
        case PredictRequest.TOTAL_REVENUE_FIELD_NUMBER ->
            numberField(PredictRequest::hasTotalRevenue, PredictRequest::getTotalRevenue);
        default -> reflective(field);
      };
    }

    private static FieldReader enumField(ToIntFunction<PredictRequest> number) {
      return new Typed(request -> true, number::applyAsInt);
    }

    private static FieldReader numberField(Predicate<PredictRequest> has, ToDoubleFunction<PredictRequest> value) {
      return new Typed(has, value);
    }

    /** A field read through generated accessors: whether it was sent, and its value (an enum's number). */
    record Typed(Predicate<PredictRequest> has, ToDoubleFunction<PredictRequest> value) implements FieldReader {
      @Override
      public boolean present(PredictRequest request) {
        return has.test(request);
      }

      @Override
      public double number(PredictRequest request) {
        return value.applyAsDouble(request);
      }

      @Override
      public int enumNumber(PredictRequest request) {
        return (int) value.applyAsDouble(request);
      }
    }

    private static FieldReader reflective(FieldDescriptor field) {
      return new FieldReader() {
        @Override
        public boolean present(PredictRequest request) {
          return request.hasField(field);
        }

        @Override
        public double number(PredictRequest request) {
          return ((Number) request.getField(field)).doubleValue();
        }

        @Override
        public int enumNumber(PredictRequest request) {
          return ((EnumValueDescriptor) request.getField(field)).getNumber();
        }
      };
    }
  }
}
