package io.litestream4j.sftp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends JSch's log messages to SLF4J (logger {@code com.jcraft.jsch}), at debug level at most: JSch
 * reports routine protocol steps as INFO, which would flood the application log.
 */
enum JschLogging implements com.jcraft.jsch.Logger {
  INSTANCE;

  private static final Logger LOG = LoggerFactory.getLogger("com.jcraft.jsch");

  @Override
  public boolean isEnabled(int level) {
    return level >= WARN ? LOG.isDebugEnabled() : LOG.isTraceEnabled();
  }

  @Override
  public void log(int level, String message) {
    if (level >= WARN) {
      LOG.debug(message);
    } else {
      LOG.trace(message);
    }
  }
}
