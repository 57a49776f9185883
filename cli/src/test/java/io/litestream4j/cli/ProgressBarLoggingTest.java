package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.RestoreProgress;
import io.litestream4j.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A log line written while the restore progress bar is on screen starts on a line of its own. */
class ProgressBarLoggingTest {

  @Test
  void theBarEndsItsLineBeforeALogLineAndIsRedrawnAfterIt() {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      Logging.configure(new LoggingConfig("info", "text", true, false), null);
      AtomicLong now = new AtomicLong();
      ProgressBar bar = new ProgressBar(capture, now::get);
      Logging.beforeEachLine(bar::finish);

      now.addAndGet(2_000_000_000L);
      bar.update(RestoreProgress.Phase.DOWNLOAD, 5, 10);
      LoggerFactory.getLogger(ProgressBarLoggingTest.class).info("a file vanished; listing again");
      now.addAndGet(1_000_000_000L);
      bar.update(RestoreProgress.Phase.DOWNLOAD, 10, 10);
      bar.finish();
    } finally {
      System.setErr(oldErr);
      Logging.configure(LoggingConfig.DEFAULT, null);
    }
    String out = err.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .containsPattern(
            "\\rdownload +\\[#+-+\\]  50%[^\\n]*\\ntime=\\S+ level=INFO msg=\"a file vanished; listing again\"\\n"
                + "\\rdownload +\\[#+\\] 100%[^\\n]*\\n$");
  }
}
