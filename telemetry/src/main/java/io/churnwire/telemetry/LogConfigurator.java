package io.churnwire.telemetry;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration when a process starts: Churnwire's text layout, so every program that
 * includes this module logs alike before it has read its settings (when {@link Logging#configure}
 * applies the chosen format). A file named by {@code -Dlogback.configurationFile} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Logging.configure(context, LogFormat.TEXT, "churnwire");
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
