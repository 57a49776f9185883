package io.litestream4j.ltx.bench;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding a snapshot of {@link #PAGES} pages of SQLite-like content (a low-entropy
 * filled part, then zeros; compresses about 2-3x) against LZ4 alone on the same pages. One
 * operation is the whole file: MB/s of page data = score * PAGES * pageSize / 1e6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {
  static final int PAGES = 256;

  @Param({"4096"})
  int pageSize;

  byte[][] pages;
  byte[] file;
  byte[] compressed;
  int[] compressedSizes;
  byte[] page;
  long post;
  final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
  final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();

  @Setup
  public void setup() throws IOException {
    Random rnd = new Random(1);
    pages = new byte[PAGES][pageSize];
    DatabaseChecksum sum = new DatabaseChecksum(pageSize);
    for (int p = 0; p < PAGES; p++) {
      int filled = pageSize / 2 + rnd.nextInt(pageSize / 2);
      for (int i = 0; i < filled; i++) {
        pages[p][i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt() : 'a' + rnd.nextInt(16));
      }
      sum.setPage(p + 1, pages[p]);
    }
    post = sum.value();
    file = encode(new Sink(true));
    page = new byte[pageSize];
    int bound = compressor.maxCompressedLength(pageSize);
    compressed = new byte[bound * PAGES];
    compressedSizes = new int[PAGES];
    for (int p = 0; p < PAGES; p++) {
      compressedSizes[p] = compressor.compress(pages[p], 0, pageSize, compressed, p * bound, bound);
    }
  }

  private byte[] encode(Sink out) throws IOException {
    try (LtxEncoder enc = new LtxEncoder(out, LtxHeader.snapshot(pageSize, PAGES, 1, 0))) {
      for (int p = 0; p < PAGES; p++) {
        enc.writePage(p + 1, pages[p]);
      }
      enc.finish(post);
    }
    return out.copy == null ? null : out.copy.toByteArray();
  }

  @Benchmark
  public long ltxEncode() throws IOException {
    Sink sink = new Sink(false);
    encode(sink);
    return sink.count;
  }

  @Benchmark
  public long ltxDecode() throws IOException {
    try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file))) {
      long n = 0;
      while (dec.nextPage(page) != 0) {
        n++;
      }
      return n + dec.finish().fileChecksum();
    }
  }

  @Benchmark
  public long lz4CompressOnly() {
    int bound = compressor.maxCompressedLength(pageSize);
    long n = 0;
    for (int p = 0; p < PAGES; p++) {
      n += compressor.compress(pages[p], 0, pageSize, compressed, p * bound, bound);
    }
    return n;
  }

  @Benchmark
  public long lz4DecompressOnly() {
    int bound = compressor.maxCompressedLength(pageSize);
    long n = 0;
    for (int p = 0; p < PAGES; p++) {
      n += decompressor.decompress(compressed, p * bound, compressedSizes[p], page, 0, pageSize);
    }
    return n;
  }

  /** Counts bytes, and keeps them only when asked (the setup's encoding, decoded later). */
  static final class Sink extends OutputStream {
    long count;
    final java.io.ByteArrayOutputStream copy;

    Sink(boolean keep) {
      copy = keep ? new java.io.ByteArrayOutputStream() : null;
    }

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
      if (copy != null) {
        copy.write(b, off, len);
      }
    }
  }
}
