package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Failing requests are reported while they are retried, not only once the retries give up. */
class RetryNoticeTest {
  private final Logger log = (Logger) LoggerFactory.getLogger(RetryNotice.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void release() {
    log.detachAppender(logged);
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void theFirstRetriedFailureIsLoggedThenAtMostOncePerInterval() {
    AtomicLong now = new AtomicLong(1_000);
    RetryNotice notice =
        new RetryNotice("s3://b/db", "http://127.0.0.1:9", 10, Duration.ofSeconds(30), now::get);
    SdkClientException refused =
        SdkClientException.create(
            "Unable to execute HTTP request", new ConnectException("Connection refused"));

    notice.retrying(refused);
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    notice.retrying(refused);
    notice.retrying(refused);
    assertThat(warnings())
        .containsExactly(
            "s3 request failed (Connection refused); retrying, up to 10 attempts per request");
    assertThat(logged.list.get(0).getKeyValuePairs().toString())
        .contains("replica=\"s3://b/db\"", "endpoint=\"http://127.0.0.1:9\"");

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    notice.retrying(refused);
    assertThat(warnings())
        .hasSize(2)
        .last()
        .asString()
        .endsWith("(2 more failed attempts since the last warning)");
  }

  @Test
  void aRefusedConnectionIsReportedBeforeTheRequestGivesUp() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    S3Settings settings =
        S3Settings.of(
            "bucket",
            "db",
            "http://127.0.0.1:" + port,
            new S3Credentials("access", "secret-value", "test"));
    S3Tuning fast = S3Tuning.DEFAULTS.withRetries(3, Duration.ofMillis(10), Duration.ofMillis(20));
    try (S3ReplicaClient client = S3ReplicaClient.create(settings, fast)) {
      assertThatThrownBy(() -> client.ltxFiles(0, 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Connection refused");
    }
    assertThat(warnings())
        .singleElement()
        .asString()
        .startsWith("s3 request failed (Connection refused); retrying, up to 3 attempts");
  }
}
