package io.litestream4j.ltx.bench;

import io.litestream4j.ltx.Crc64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CRC-64/ISO throughput (the cost floor of every LTX checksum), against the JDK's intrinsic CRC32C
 * as a reference for what hardware-assisted CRC reaches. Scores are operations per second; MB/s =
 * score * size / 1e6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Crc64Benchmark {
  @Param({"4096", "1048576"})
  int size;

  byte[] data;
  final CRC32C crc32c = new CRC32C();

  @Setup
  public void setup() {
    data = new byte[size];
    new Random(1).nextBytes(data);
  }

  @Benchmark
  public long crc64() {
    return Crc64.of(data);
  }

  @Benchmark
  public long crc32cReference() {
    crc32c.reset();
    crc32c.update(data, 0, data.length);
    return crc32c.getValue();
  }
}
