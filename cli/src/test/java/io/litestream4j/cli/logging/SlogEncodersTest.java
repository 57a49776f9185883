package io.litestream4j.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.litestream4j.testing.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * Litestream's log shapes (Go slog text and JSON) for events with key-values, quotes and errors.
 */
class SlogEncodersTest {
  private final LoggerContext ctx = new LoggerContext();
  private final Logger logger = ctx.getLogger("test");

  private LoggingEvent event(Level level, String msg, Throwable t, Object... args) {
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, msg, t, args);
    e.setTimeStamp(Instant.parse("2026-12-05T12:00:00.123Z").toEpochMilli());
    return e;
  }

  @Test
  void textIsGoSlogsKeyValueLineWithQuotesEscaped() {
    LoggingEvent e = event(Level.INFO, "restored {} to \"{}\"", null, "a.db", "x");
    e.addKeyValuePair(new KeyValuePair("db", "/data/my app.db"));
    e.addKeyValuePair(new KeyValuePair("txid", "00000000000000a1"));
    e.addKeyValuePair(new KeyValuePair("replica", "s3://bucket/app"));
    String line =
        new String(
            new SlogTextEncoder(LogTime.in(ZoneOffset.UTC), false).encode(e),
            StandardCharsets.UTF_8);
    assertThat(line)
        .isEqualTo(
            "time=2026-12-05T12:00:00.123Z level=INFO msg=\"restored a.db to \\\"x\\\"\""
                + " db=\"/data/my app.db\" txid=00000000000000a1 replica=s3://bucket/app\n");
  }

  @Test
  void textQuotesOnlyWhatNeedsIt() {
    LoggingEvent e = event(Level.WARN, "synced", null);
    e.addKeyValuePair(new KeyValuePair("empty", ""));
    e.addKeyValuePair(new KeyValuePair("eq", "a=b"));
    e.addKeyValuePair(new KeyValuePair("nl", "one\ntwo"));
    String line =
        new String(
            new SlogTextEncoder(LogTime.in(ZoneOffset.UTC), false).encode(e),
            StandardCharsets.UTF_8);
    assertThat(line)
        .isEqualTo(
            "time=2026-12-05T12:00:00.123Z level=WARN msg=synced empty=\"\" eq=\"a=b\" nl=\"one\\ntwo\"\n");
    assertThat(line.lines()).hasSize(1);
  }

  @Test
  void jsonIsOneObjectPerLineWithTimeLevelMsgAndTheKeyValues() {
    LoggingEvent e =
        event(
            Level.ERROR,
            "upload failed: {}",
            new IOException("boom \"quoted\"\nsecond line"),
            "a \"quoted\" reason\twith\u0001control");
    e.addKeyValuePair(new KeyValuePair("db", "/data/app.db"));
    e.addKeyValuePair(new KeyValuePair("pages", 42L));
    e.addKeyValuePair(new KeyValuePair("complete", false));
    String line =
        new String(
            new SlogJsonEncoder(LogTime.in(ZoneOffset.UTC), false).encode(e),
            StandardCharsets.UTF_8);
    assertThat(line).endsWith("}\n");
    assertThat(line.strip().lines()).hasSize(1);
    Map<String, Object> o = Json.object(line.strip());
    assertThat(o.keySet()).startsWith("time", "level", "msg");
    assertThat(o)
        .containsEntry("time", "2026-12-05T12:00:00.123Z")
        .containsEntry("level", "ERROR")
        .containsEntry("msg", "upload failed: a \"quoted\" reason\twith\u0001control")
        .containsEntry("db", "/data/app.db")
        .containsEntry("pages", new BigDecimal(42))
        .containsEntry("complete", false)
        .containsEntry("error", "boom \"quoted\"\nsecond line");
    assertThat((String) o.get("stack")).contains("java.io.IOException", "SlogEncodersTest");
  }

  @Test
  void prettyIsTimeOfDayLevelMessageAndAttributesWithoutColourOffATerminal() {
    LoggingEvent e = event(Level.DEBUG, "checkpoint", null);
    e.addKeyValuePair(new KeyValuePair("db", "/data/app.db"));
    String line =
        new String(
            new SlogPrettyEncoder(LogTime.in(ZoneOffset.UTC), false, false).encode(e),
            StandardCharsets.UTF_8);
    assertThat(line).isEqualTo("12:00:00.123 DBG checkpoint db=/data/app.db\n");
  }
}
