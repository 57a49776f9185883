package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.replica.TestLtx;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Numbers for the record, on loopback against in-memory s3proxy (so they measure this client and
 * the SDK, not a network): small-PUT latency, multipart upload and download throughput. Run with
 * {@code -Pslow -Dtest=S3Measurements}.
 */
@Tag("slow")
class S3Measurements {

  @Test
  void measure() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("perf");
      try (S3ReplicaClient client =
          S3ReplicaClient.create(server.settings("perf", "db").withConcurrency(4))) {
        byte[] small = TestLtx.bytes(1, 1, Instant.now(), 200);
        for (int i = 0; i < 50; i++) {
          client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(small));
        }
        int n = 300;
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          client.writeLtxFile(
              0,
              i + 1,
              i + 1,
              new ByteArrayInputStream(TestLtx.bytes(i + 1, i + 1, Instant.now(), 200)));
          nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf(
            "small PUT (300 B): p50 %.2f ms, p99 %.2f ms%n",
            nanos[n / 2] / 1e6, nanos[n * 99 / 100] / 1e6);

        int size = 64 << 20;
        byte[] big = TestLtx.bytes(1, 1000, Instant.now(), size - 100);
        long t0 = System.nanoTime();
        LtxFileInfo info = client.writeLtxFile(9, 1, 1000, new ByteArrayInputStream(big));
        double up = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "multipart PUT 64 MiB (5 MiB parts, concurrency 4): %.2f s, %.0f MiB/s%n", up, 64 / up);

        t0 = System.nanoTime();
        long read = 0;
        try (InputStream in = ResumableInputStream.open(client, info, RetryPolicy.DEFAULT)) {
          byte[] buf = new byte[1 << 16];
          for (int k; (k = in.read(buf)) > 0; ) {
            read += k;
          }
        }
        double down = (System.nanoTime() - t0) / 1e9;
        assertThat(read).isEqualTo(size);
        System.out.printf("GET 64 MiB: %.2f s, %.0f MiB/s%n", down, 64 / down);

        t0 = System.nanoTime();
        var files = client.ltxFilesWithExactTimestamps(0, 0);
        System.out.printf(
            "list + %d parallel HEADs: %.0f ms%n", files.size(), (System.nanoTime() - t0) / 1e6);
      }
    }
  }
}
