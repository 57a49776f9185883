package io.litestream4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Points log output of the inspection and restore commands where Litestream puts it: INFO and
 * above, to stdout normally, to stderr when stdout carries JSON (or anything else meant for a
 * program). Without this, logback's default would print DEBUG lines into stdout.
 */
final class CommandLogging {
  private CommandLogging() {}

  static void configure(boolean toStderr) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: leave its configuration alone
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("time=%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level msg=\"%msg\"%n");
    encoder.start();
    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget(toStderr ? "System.err" : "System.out");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
  }
}
