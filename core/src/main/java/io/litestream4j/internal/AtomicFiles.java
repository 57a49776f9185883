package io.litestream4j.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a file so that readers see either nothing or the complete, durable file: the bytes go to a
 * new, uniquely named {@code .tmp} sibling ({@link TempFiles}), which is fsynced, renamed over the
 * target and followed by an fsync of the directory (Litestream issue 1344). On any failure the temp
 * file is removed.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Produces the file's content. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(Path target, Body body) throws IOException {
    write(target, Optional.empty(), body);
  }

  /** {@link #write(Path, Body)} creating the file with permissions {@code mode} (when present). */
  public static void write(Path target, Optional<Set<PosixFilePermission>> mode, Body body)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    TempFiles.Temp temp = TempFiles.createBeside(dir.resolve(target.getFileName()), mode);
    Path tmp = temp.path();
    boolean done = false;
    try {
      try (FileChannel ch = temp.channel()) {
        // The body may close the stream it is given; the channel must stay open for the fsync.
        OutputStream out =
            new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024) {
              @Override
              public void close() throws IOException {
                flush();
              }
            };
        body.writeTo(out);
        out.flush();
        ch.force(true);
      }
      move(tmp, target);
      fsyncDirectory(dir);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Renames atomically, replacing the target. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot rename " + from + " to " + to + " atomically (different file systems?)", e);
    }
  }

  /** Makes a rename or create in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
