package io.litestream4j.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One log event in the shape of a Go {@code log/slog} record, as Litestream writes it: time, level
 * name, message and the key-value attributes in order (SLF4J 2 key-value pairs, then {@code source}
 * and {@code error} when present).
 *
 * @param time when the event happened
 * @param level slog's level name: {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR} ({@code
 *     TRACE} for logback's trace)
 * @param msg the formatted message
 * @param attrs the attributes, keys in the order they were added
 * @param stackTrace the throwable's stack trace, empty when there is none
 */
record SlogRecord(
    Instant time,
    String level,
    String msg,
    List<Map.Entry<String, Object>> attrs,
    String stackTrace) {

  static SlogRecord of(ILoggingEvent event, boolean withSource) {
    List<Map.Entry<String, Object>> attrs = new ArrayList<>();
    List<KeyValuePair> kvs = event.getKeyValuePairs();
    if (kvs != null) {
      for (KeyValuePair kv : kvs) {
        attrs.add(Map.entry(kv.key, kv.value == null ? "<nil>" : kv.value));
      }
    }
    if (withSource) {
      StackTraceElement[] cd = event.getCallerData();
      if (cd != null && cd.length > 0) {
        attrs.add(Map.entry("source", cd[0].getFileName() + ":" + cd[0].getLineNumber()));
      }
    }
    String stack = "";
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      attrs.add(Map.entry("error", t.getMessage() == null ? t.getClassName() : t.getMessage()));
      stack = ThrowableProxyUtil.asString(t);
    }
    return new SlogRecord(
        Instant.ofEpochMilli(event.getTimeStamp()),
        levelName(event.getLevel()),
        event.getFormattedMessage() == null ? "" : event.getFormattedMessage(),
        List.copyOf(attrs),
        stack);
  }

  static String levelName(Level level) {
    return switch (level.toInt()) {
      case Level.TRACE_INT -> "TRACE";
      case Level.DEBUG_INT -> "DEBUG";
      case Level.WARN_INT -> "WARN";
      case Level.ERROR_INT -> "ERROR";
      default -> "INFO";
    };
  }
}
