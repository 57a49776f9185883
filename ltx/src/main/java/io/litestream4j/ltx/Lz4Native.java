package io.litestream4j.ltx;

import java.util.concurrent.atomic.AtomicBoolean;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * lz4-java's fastest codec (its native library where that loads), loaded at most once per JVM and,
 * for decoding, without making a decoder wait: loading it (reflection inside {@code LZ4Factory},
 * extracting the library to a temporary file, a {@code SecureRandom} for its name, dlopen) took ~28
 * ms of a restore's main thread, about a tenth of a 100 MiB restore from the command line. A
 * decoder asks for it in the background ({@link #loadInBackground}) and keeps decoding with {@link
 * Lz4Block} until {@link #decompressorIfLoaded} has it.
 *
 * <p>Invariants: the codec is created once, by the holder's class initialisation, on whichever
 * thread first needs it; {@link #loaded} is written once, at the end of that initialisation, and is
 * true from then on; if the initialisation fails, {@link #decompressorIfLoaded} stays null
 * (decoders keep the pure-Java decoder) and {@link #compressor} throws the failure.
 */
final class Lz4Native {
  static final String THREAD_NAME = "ltx-lz4-load";

  private static volatile boolean loaded;
  private static final AtomicBoolean loading = new AtomicBoolean();

  private Lz4Native() {}

  private static final class Holder {
    static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

    static {
      loaded = true;
    }
  }

  /** Starts loading the codec on a daemon thread of its own, unless it is loaded or loading. */
  static void loadInBackground() {
    if (!loaded && loading.compareAndSet(false, true)) {
      Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(Lz4Native::load);
    }
  }

  private static void load() {
    try {
      java.util.Objects.requireNonNull(Holder.DECOMPRESSOR);
    } catch (RuntimeException | LinkageError e) {
      // Nothing to report here: decoders keep Lz4Block; a compressor meets the error itself.
    }
  }

  /** The decompressor if loaded, else null (without waiting or starting anything). */
  static LZ4SafeDecompressor decompressorIfLoaded() {
    return loaded ? Holder.DECOMPRESSOR : null;
  }

  /** The compressor, loading the codec on this thread if need be. */
  static LZ4Compressor compressor() {
    return Holder.COMPRESSOR;
  }
}
