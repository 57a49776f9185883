package io.litestream4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.litestream4j.config.LoggingConfig;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies Litestream's {@code logging} settings (level, text or json, stdout or stderr) to
 * logback. Precedence of the level: {@code -log-level} flag, then {@code $LOG_LEVEL}, then the
 * config file.
 */
final class Logging {
  /**
   * Set while a command runs inside a running {@code replicate} (an MCP tool): the daemon owns the
   * process-wide logback configuration, so such a command must not reset it.
   */
  private static final ThreadLocal<Boolean> EMBEDDED = ThreadLocal.withInitial(() -> false);

  private Logging() {}

  /** Runs {@code body} with {@link #configure} turned into a no-op on this thread. */
  static <T> T keepingDaemonConfiguration(java.util.function.Supplier<T> body) {
    EMBEDDED.set(true);
    try {
      return body.get();
    } finally {
      EMBEDDED.remove();
    }
  }

  static void configure(LoggingConfig cfg, String flagLevel) {
    if (EMBEDDED.get()) {
      return;
    }
    String level = flagLevel != null && !flagLevel.isBlank() ? flagLevel
        : System.getenv("LOG_LEVEL") != null ? System.getenv("LOG_LEVEL") : cfg.level();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    Encoder<ILoggingEvent> encoder;
    if ("json".equalsIgnoreCase(cfg.type())) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(ctx);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(ctx);
      text.setPattern(cfg.source()
          ? "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level msg=\"%msg\" source=%logger{0}:%line%n%ex"
          : "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level msg=\"%msg\"%n%ex");
      text.start();
      encoder = text;
    }
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName("console");
    out.setTarget(cfg.stderr() ? "System.err" : "System.out");
    out.setEncoder(encoder);
    out.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(out);
    root.setLevel(parseLevel(level));
    // Third-party libraries stay quiet unless asked for debug output.
    ctx.getLogger("software.amazon").setLevel(Level.WARN);
  }

  static Level parseLevel(String level) {
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.TRACE;
      case "debug" -> Level.DEBUG;
      case "warn", "warning" -> Level.WARN;
      case "error" -> Level.ERROR;
      default -> Level.INFO;
    };
  }
}
