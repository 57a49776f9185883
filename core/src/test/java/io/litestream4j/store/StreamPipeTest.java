package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StreamPipeTest {
  @Test
  void deliversEveryByteInOrder() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(3).nextBytes(data);
    try (StreamPipe.Reader in =
        StreamPipe.start(
            "test-producer",
            out -> {
              for (int off = 0; off < data.length; off += 1000) {
                out.write(data, off, Math.min(1000, data.length - off));
              }
              out.write(7);
            })) {
      byte[] got = in.readAllBytes();
      in.finish();
      assertThat(got).hasSize(data.length + 1);
      assertThat(java.util.Arrays.copyOf(got, data.length)).isEqualTo(data);
      assertThat(got[data.length]).isEqualTo((byte) 7);
    }
  }

  @Test
  void aFailingProducerIsAnErrorNotTheEndOfTheStream() throws Exception {
    try (StreamPipe.Reader in =
        StreamPipe.start(
            "test-producer",
            out -> {
              out.write(new byte[100_000]);
              throw new IOException("disk on fire");
            })) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("disk on fire");
      assertThatThrownBy(in::finish).hasMessageContaining("disk on fire");
    }
  }

  @Test
  void abortingTheReaderStopsTheProducer() throws Exception {
    CountDownLatch wrote = new CountDownLatch(1);
    AtomicReference<Throwable> producerError = new AtomicReference<>();
    StreamPipe.Reader in =
        StreamPipe.start(
            "test-producer",
            out -> {
              try {
                byte[] chunk = new byte[64 * 1024];
                while (true) {
                  out.write(chunk);
                  wrote.countDown();
                }
              } catch (IOException e) {
                producerError.set(e);
                throw e;
              }
            });
    assertThat(wrote.await(10, TimeUnit.SECONDS)).isTrue();
    in.read(new byte[10]);
    long start = System.nanoTime();
    in.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(producerError.get()).hasMessageContaining("stopped reading");
    InputStream closed = in;
    assertThatThrownBy(closed::read).isInstanceOf(IOException.class);
  }
}
