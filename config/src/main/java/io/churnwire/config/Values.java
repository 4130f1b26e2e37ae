package io.churnwire.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A value for every setting of one {@link Settings}, each already checked against its rule. The
 * typed bridge between the declarations and a program's own configuration record.
 */
public final class Values {
  private final Settings settings;
  private final Map<String, Object> byName;

  private Values(Settings settings, Map<String, Object> byName) {
    this.settings = settings;
    this.byName = Map.copyOf(byName);
  }

  /** Every setting at its default. */
  static Values defaults(Settings settings) {
    Map<String, Object> byName = new LinkedHashMap<>();
    for (Setting<?> setting : settings.settings()) {
      byName.put(setting.name(), setting.defaultValue());
    }
    return new Values(settings, byName);
  }

  /** The value of {@code setting}, which must be one of these settings. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) byName.get(declared(setting).name());
  }

  /** A copy with {@code setting} set to {@code value}, checked against its rule. */
  public <T> Values with(Setting<T> setting, T value) {
    Map<String, Object> copy = new LinkedHashMap<>(byName);
    copy.put(declared(setting).name(), setting.check(value));
    return new Values(settings, copy);
  }

  /** A copy with {@code setting} parsed from {@code text}. */
  <T> Values withText(Setting<T> setting, String text) {
    return with(setting, setting.parse(text));
  }

  /** Every setting under its key, in the form a properties file holds it. */
  public Properties toProperties() {
    Properties properties = new Properties();
    for (Setting<?> setting : settings.settings()) {
      properties.setProperty(setting.key(), formatted(setting));
    }
    return properties;
  }

  private <T> String formatted(Setting<T> setting) {
    return setting.format(get(setting));
  }

  private <T> Setting<T> declared(Setting<T> setting) {
    Objects.requireNonNull(setting, "setting");
    if (!settings.settings().contains(setting)) {
      throw new IllegalArgumentException(setting.name() + " is not a setting of " + settings.command());
    }
    return setting;
  }

  @Override
  public String toString() {
    return settings.command() + " " + byName;
  }
}
