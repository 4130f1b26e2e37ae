package io.churnwire.cli;

import com.google.protobuf.ProtocolMessageEnum;
import io.churnwire.config.ValueType;
import io.churnwire.v1.Contract;
import io.churnwire.v1.InternetService;
import io.churnwire.v1.PaymentMethod;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values as people type them: {@code 250ms}, {@code month-to-month}, {@code yes}. */
final class Converters {
  private static final Pattern DURATION_TEXT = Pattern.compile("(\\d+)(ms|s|m)");

  private Converters() {}

  /**
   * {@code 250ms}, {@code 5s}, {@code 2m}, or ISO-8601 such as {@code PT1.5S}; written in the
   * largest of those units that is exact, so help shows {@code 5s} rather than {@code PT5S}.
   */
  static final ValueType<Duration> DURATION =
      new ValueType<>("a duration such as 250ms, 5s or 2m", Converters::duration, Converters::format);

  /** An RFC 3339 time in UTC or with an offset, {@code 2026-12-01T00:00:00Z}; written in UTC. */
  static final ValueType<Instant> TIME =
      new ValueType<>("an RFC 3339 time such as 2026-12-01T00:00:00Z", Converters::time, Instant::toString);

  private static Instant time(String value) {
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + value + "' is not an RFC 3339 time such as 2026-12-01T00:00:00Z", e);
    }
  }

  private static Duration duration(String value) {
    Matcher matcher = DURATION_TEXT.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        default -> Duration.ofMinutes(amount);
      };
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration such as 250ms, 5s or 2m", e);
    }
  }

  private static String format(Duration value) {
    if (value.toNanosPart() % 1_000_000 != 0 || value.isNegative()) {
      return value.toString();
    }
    long millis = value.toMillis();
    if (millis % 60_000 == 0 && millis != 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1_000 == 0 && millis != 0 ? millis / 1_000 + "s" : millis + "ms";
  }

  static final class InternetServiceConverter implements ITypeConverter<InternetService> {
    @Override
    public InternetService convert(String value) {
      return parse(InternetService.values(), "INTERNET_SERVICE_", value);
    }
  }

  static final class ContractConverter implements ITypeConverter<Contract> {
    @Override
    public Contract convert(String value) {
      return parse(Contract.values(), "CONTRACT_", value);
    }
  }

  static final class PaymentMethodConverter implements ITypeConverter<PaymentMethod> {
    @Override
    public PaymentMethod convert(String value) {
      return parse(PaymentMethod.values(), "PAYMENT_METHOD_", value);
    }
  }

  /**
   * Accepts the proto name ({@code CONTRACT_ONE_YEAR}) or its suffix in any case with dashes
   * ({@code one-year}); never the {@code _UNSPECIFIED} value, which means "not given".
   */
  static <E extends Enum<E> & ProtocolMessageEnum> E parse(E[] values, String prefix, String value) {
    String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    String full = name.startsWith(prefix) ? name : prefix + name;
    for (E candidate : values) {
      if (candidate.name().equals(full) && !candidate.name().endsWith("_UNSPECIFIED")
          && !candidate.name().equals("UNRECOGNIZED")) {
        return candidate;
      }
    }
    throw new TypeConversionException("'" + value + "' is not one of " + choices(values, prefix));
  }

  static <E extends Enum<E>> String choices(E[] values, String prefix) {
    return Arrays.stream(values)
        .map(Enum::name)
        .filter(name -> !name.endsWith("_UNSPECIFIED") && !name.equals("UNRECOGNIZED"))
        .map(name -> name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", "));
  }
}
