package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.FaultInjectingClient.EofAfter;
import io.litestream4j.replica.FaultInjectingClient.ErrorAfter;
import io.litestream4j.replica.FaultInjectingClient.FailOpen;
import io.litestream4j.replica.file.FileReplicaClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumableInputStreamTest {

  private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

  @TempDir Path dir;
  FileReplicaClient files;
  FaultInjectingClient client;
  LtxFileInfo file;
  byte[] data;
  final List<Duration> sleeps = new ArrayList<>();
  RetryPolicy policy;

  @BeforeEach
  void setUp() throws IOException {
    files = new FileReplicaClient(dir.resolve("replica"));
    data = TestLtx.bytes(1, 8, T, 300_000);
    file = files.writeLtxFile(1, 1, 8, new ByteArrayInputStream(data));
    client = new FaultInjectingClient(files);
    policy = new RetryPolicy(3, Duration.ofMillis(250), sleeps::add);
  }

  private static long crc(byte[] bytes) {
    var crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void healthyStreamReadsEverythingWithOneConnection() throws IOException {
    try (var in = ResumableInputStream.open(client, file, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
      assertThat(in.offset()).isEqualTo(data.length);
    }
    assertThat(client.openOffsets).containsExactly(0L);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void resumesAtTheCurrentOffsetAfterDroppedConnections() throws IOException {
    client.then(new ErrorAfter(1000)).then(new ErrorAfter(50_000)).then(new EofAfter(70_000));
    byte[] read;
    try (var in = ResumableInputStream.open(client, file, policy)) {
      read = in.readAllBytes();
    }
    assertThat(read).hasSize(data.length);
    assertThat(crc(read)).isEqualTo(crc(data));
    assertThat(read).isEqualTo(data);
    assertThat(client.openOffsets).containsExactly(0L, 1000L, 51_000L, 121_000L);
    // Each failure streak was a single failure followed by progress, so every wait is the first
    // one.
    assertThat(sleeps).containsExactly(ms(250), ms(250), ms(250));
  }

  @Test
  void prematureEndOfStreamIsTreatedAsADrop() throws IOException {
    client.then(new EofAfter(123));
    try (var in = ResumableInputStream.open(client, file, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(client.openOffsets).containsExactly(0L, 123L);
  }

  @Test
  void backsOffExponentiallyWhileReopeningFails() throws IOException {
    client
        .then(new ErrorAfter(10))
        .then(new FailOpen(new IOException("HTTP 503 slow down")))
        .then(new FailOpen(new IOException("HTTP 408 request timeout")));
    try (var in = ResumableInputStream.open(client, file, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(sleeps).containsExactly(ms(250), ms(500), ms(1000));
    assertThat(client.openOffsets).containsExactly(0L, 10L, 10L, 10L);
  }

  @Test
  void initialOpenIsRetriedToo() throws IOException {
    client.then(new FailOpen(new IOException("connection refused")));
    try (var in = ResumableInputStream.open(client, file, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(sleeps).containsExactly(ms(250));
  }

  @Test
  void givesUpAfterTheRetryBudgetWithAClearError() throws IOException {
    client.then(new ErrorAfter(4096));
    for (int i = 0; i < 3; i++) {
      client.then(new FailOpen(new IOException("HTTP 503 slow down")));
    }
    var in = ResumableInputStream.open(client, file, policy);
    byte[] buffer = new byte[8192];
    assertThat(in.readNBytes(buffer, 0, 4096)).isEqualTo(4096);
    assertThatThrownBy(() -> in.read(buffer))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "reading L1/0000000000000001-0000000000000008.ltx on file replica failed at byte 4096")
        .hasMessageContaining("after 3 retries: HTTP 503 slow down");
    assertThat(sleeps).containsExactly(ms(250), ms(500), ms(1000));
    assertThat(client.openOffsets).hasSize(4);
    // The failure is sticky: no further connections are attempted.
    assertThatThrownBy(() -> in.read(buffer)).hasMessageContaining("after 3 retries");
    assertThat(client.openOffsets).hasSize(4);
    in.close();
  }

  @Test
  void endlessDropsWithoutProgressAreBounded() throws IOException {
    client.then(new ErrorAfter(100));
    for (int i = 0; i < 10; i++) {
      client.then(new ErrorAfter(0));
    }
    var in = ResumableInputStream.open(client, file, policy);
    assertThatThrownBy(in::readAllBytes).hasMessageContaining("failed at byte 100 after 3 retries");
    assertThat(client.openOffsets).containsExactly(0L, 100L, 100L, 100L);
  }

  @Test
  void vanishedFileFailsAtOnceSayingSo() throws IOException {
    client.then(new ErrorAfter(5000));
    var in = ResumableInputStream.open(client, file, policy);
    assertThat(in.readNBytes(5000)).isEqualTo(Arrays.copyOf(data, 5000));
    files.deleteLtxFiles(List.of(file));

    assertThatThrownBy(in::read)
        .isInstanceOf(LtxFileNotFoundException.class)
        .hasMessageContaining("vanished from the replica while being read at byte 5000")
        .hasMessageContaining("0000000000000001-0000000000000008.ltx");
    assertThat(sleeps).containsExactly(ms(250));
    in.close();
  }

  @Test
  void missingFileFailsOnOpenWithoutRetrying() throws IOException {
    files.deleteLtxFiles(List.of(file));
    assertThatThrownBy(() -> ResumableInputStream.open(client, file, policy))
        .isInstanceOf(LtxFileNotFoundException.class);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void rangedReadResumesWithinItsRange() throws IOException {
    client.then(new ErrorAfter(1000)).then(new EofAfter(10));
    try (var in = ResumableInputStream.open(client, file, 100_000, 20_000, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 100_000, 120_000));
    }
    assertThat(client.openOffsets).containsExactly(100_000L, 101_000L, 101_010L);
  }

  @Test
  void unknownSizeReadsToEndOfFile() throws IOException {
    var unknownSize =
        new LtxFileInfo(file.level(), file.minTxid(), file.maxTxid(), 0, file.createdAt());
    client.then(new ErrorAfter(77));
    try (var in = ResumableInputStream.open(client, unknownSize, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void interruptDuringBackoffStopsWithInterruptedIoException() throws IOException {
    var interrupting =
        new RetryPolicy(
            3,
            Duration.ofMillis(250),
            d -> {
              throw new InterruptedException("shutdown");
            });
    client.then(new ErrorAfter(10));
    var in = ResumableInputStream.open(client, file, interrupting);
    try {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("interrupted while waiting to resume reading");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
      in.close();
    }
  }

  @Test
  void readAfterCloseFails() throws IOException {
    var in = ResumableInputStream.open(client, file, policy);
    in.close();
    in.close();
    assertThatThrownBy(in::read).hasMessageContaining("is closed");
  }

  @Test
  void defaultPolicyDoublesFrom250Milliseconds() {
    assertThat(RetryPolicy.DEFAULT.maxRetries()).isEqualTo(3);
    assertThat(List.of(0, 1, 2).stream().map(RetryPolicy.DEFAULT::delayBefore))
        .containsExactly(ms(250), ms(500), ms(1000));
  }

  @Test
  void singleByteReadsWork() throws IOException {
    client.then(new ErrorAfter(3));
    try (InputStream in = ResumableInputStream.open(client, file, policy)) {
      for (int i = 0; i < 10; i++) {
        assertThat(in.read()).isEqualTo(data[i] & 0xff);
      }
    }
  }
}
