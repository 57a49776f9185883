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
 * Writes a file so that readers see either nothing or the complete, durable file: the bytes go to
 * a new, uniquely named {@code .tmp} sibling ({@link TempFiles}), which is fsynced, renamed over the target and followed by an fsync of
 * the directory (Litestream issue 1344). On any failure the temp file is removed.
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
  public static void write(Path target, Optional<Set<PosixFilePermission>> mode, Body body) throws IOException {
    writeUnsynced(target, mode, body).publish();
  }

  /**
   * The first half of {@link #write(Path, Optional, Body)}: the content goes to the temp file, with
   * no fsync, and nothing appears under {@code target} until {@link Unsynced#publish()}. For a
   * caller that must not wait for the disk now (the cost is only postponed): after a crash before
   * {@code publish} returns, at most the temp file is left, as after a failed {@code write}.
   */
  public static Unsynced writeUnsynced(Path target, Optional<Set<PosixFilePermission>> mode, Body body)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    TempFiles.Temp temp = TempFiles.createBeside(dir.resolve(target.getFileName()), mode);
    boolean done = false;
    try {
      try (FileChannel ch = temp.channel()) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
        body.writeTo(out);
        out.flush();
      }
      done = true;
      return new Unsynced(temp.path(), target);
    } finally {
      if (!done) {
        Files.deleteIfExists(temp.path());
      }
    }
  }

  /** A complete file written by {@link #writeUnsynced}, not yet durable nor visible under its name. */
  public record Unsynced(Path temp, Path target) {
    /** Fsyncs the content, renames it over the target and fsyncs the directory; on failure the temp file is removed. */
    public void publish() throws IOException {
      boolean done = false;
      try {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        move(temp, target);
        fsyncDirectory(target.toAbsolutePath().getParent());
        done = true;
      } finally {
        if (!done) {
          Files.deleteIfExists(temp);
        }
      }
    }

    /** Removes the temp file. */
    public void discard() throws IOException {
      Files.deleteIfExists(temp);
    }
  }

  /** Renames atomically, replacing the target. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to
          + " atomically (different file systems?)", e);
    }
  }

  /** Makes a rename or create in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
