package io.litestream4j.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import io.litestream4j.config.LoggingConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's binding for the command line: a logback context that {@link Logging} configures from the
 * first logger on, in Litestream's default format ({@link LoggingConfig#DEFAULT}, {@code
 * $LOG_LEVEL}) until a command applies its own settings. {@link Main} names it in the {@code
 * slf4j.provider} property, so a command starts without SLF4J's service-loader scan of the class
 * path, logback's search for configuration files and logback's default console layout, which a
 * command replaced at once anyway: together ~25 ms of a small restore's start-up
 * (docs/performance.md, session 13). An application that embeds the library keeps logback's own
 * discovery; this class is only named by the command line's entry points.
 */
public final class CliLoggingProvider implements SLF4JServiceProvider {
  private static final String PROPERTY = "slf4j.provider";

  private final LoggerContext context = new LoggerContext();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new LogbackMDCAdapter();

  /** Called by SLF4J, by reflection. */
  public CliLoggingProvider() {}

  /**
   * Makes SLF4J use this provider in this JVM, unless {@code -Dslf4j.provider} already names one.
   * Must run before the first logger is created. SLF4J reports the choice at its internal INFO
   * level, so that level is raised to WARN unless set too. On the module path nothing changes: this
   * package is not exported to SLF4J, which would report the provider as inaccessible and fall back
   * to its service loader anyway.
   */
  static void install() {
    if (!CliLoggingProvider.class.getModule().isNamed() && System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, CliLoggingProvider.class.getName());
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN");
      }
    }
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return context;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    context.setMDCAdapter(mdc);
    Logging.configure(context, LoggingConfig.DEFAULT, null, false);
    context.start();
  }
}
