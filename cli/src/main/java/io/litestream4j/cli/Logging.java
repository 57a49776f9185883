package io.litestream4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.litestream4j.cli.logging.LogTime;
import io.litestream4j.cli.logging.SlogJsonEncoder;
import io.litestream4j.cli.logging.SlogPrettyEncoder;
import io.litestream4j.cli.logging.SlogTextEncoder;
import io.litestream4j.config.LoggingConfig;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Applies Litestream's {@code logging} settings to logback: level, {@code text}/{@code json}/
 * {@code pretty} in Go slog's shapes (see {@code io.litestream4j.cli.logging}), stdout or stderr.
 * Precedence of the level: {@code -log-level} flag, then {@code $LOG_LEVEL}, then the config file.
 * Every command that reads a configuration file applies its {@code logging} section.
 */
final class Logging {
  /**
   * Set while a command runs inside a running {@code replicate} (an MCP tool): the daemon owns the
   * process-wide logback configuration, so such a command must not reset it.
   */
  private Logging() {}

  static void configure(LoggingConfig cfg, @Nullable String flagLevel) {
    configure(cfg, flagLevel, false);
  }

  /**
   * @param forceStderr log to stderr whatever the config says (the command prints its output on
   *     stdout, e.g. {@code -json})
   */
  static void configure(LoggingConfig cfg, @Nullable String flagLevel, boolean forceStderr) {
    if (DaemonScope.inside()) {
      return; // the daemon's configuration stays
    }
    configure((LoggerContext) LoggerFactory.getILoggerFactory(), cfg, flagLevel, forceStderr);
  }

  /**
   * {@link #configure(LoggingConfig, String, boolean)} of {@code ctx}, which may not be bound yet.
   */
  static void configure(
      LoggerContext ctx, LoggingConfig cfg, @Nullable String flagLevel, boolean forceStderr) {
    String level =
        flagLevel != null && !flagLevel.isBlank()
            ? flagLevel
            : System.getenv("LOG_LEVEL") != null ? System.getenv("LOG_LEVEL") : cfg.level();
    ctx.reset();
    boolean stderr = cfg.stderr() || forceStderr;
    LogTime time = LogTime.systemDefault();
    String type = cfg.type().toLowerCase(Locale.ROOT);
    Encoder<ILoggingEvent> encoder =
        switch (type) {
          case "json" -> new SlogJsonEncoder(time, cfg.source());
          case "pretty" -> new SlogPrettyEncoder(time, cfg.source(), Terminal.isInteractive());
          default -> new SlogTextEncoder(time, cfg.source());
        };
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName("console");
    out.setTarget(stderr ? "System.err" : "System.out");
    out.setEncoder(encoder);
    out.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(out);
    root.setLevel(parseLevel(level));
    // Third-party libraries stay quiet unless asked for debug output.
    ctx.getLogger("software.amazon").setLevel(Level.WARN);
    // The Azure SDK's JDK HTTP client warns on every request that it drops the restricted
    // content-length header (the JDK sets it itself): noise, not a problem of the replica.
    ctx.getLogger("com.azure.core.http.jdk.httpclient").setLevel(Level.ERROR);
    if (!type.equals("text") && !type.equals("json") && !type.equals("pretty")) {
      ctx.getLogger(Logging.class)
          .atWarn()
          .addKeyValue("type", cfg.type())
          .log("logging.type is not one of text, json or pretty; using text");
    }
  }

  /**
   * Runs {@code beforeEachLine} before every log line is written (e.g. to end a progress bar's
   * line).
   */
  static void beforeEachLine(Runnable beforeEachLine) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    var console = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("console");
    if (console == null) {
      return;
    }
    console.addFilter(
        new ch.qos.logback.core.filter.Filter<>() {
          @Override
          public ch.qos.logback.core.spi.FilterReply decide(ILoggingEvent event) {
            beforeEachLine.run();
            return ch.qos.logback.core.spi.FilterReply.NEUTRAL;
          }
        });
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
