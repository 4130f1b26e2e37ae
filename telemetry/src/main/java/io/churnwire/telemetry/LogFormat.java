package io.churnwire.telemetry;

/** How log lines are written: for a person at a terminal, or for a log pipeline. */
public enum LogFormat {
  /** One human-readable line per event, the request id when there is one. */
  TEXT,
  /** One JSON object per line (Logstash's field names), every MDC entry a field of its own. */
  JSON
}
