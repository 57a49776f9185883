package io.litestream4j.replica.file;

import io.litestream4j.restore.v3.V3Names;
import io.litestream4j.restore.v3.V3Snapshot;
import io.litestream4j.restore.v3.V3WalSegment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Litestream 0.3 backups under a file replica's root ({@code generations/<id>/snapshots/…}, {@code
 * generations/<id>/wal/…}); creation times are file modification times, as Litestream 0.3 reads
 * them. Read-only: nothing here writes to the v0.3 layout.
 */
final class FileV3Backups {
  private final Path root;

  FileV3Backups(Path root) {
    this.root = root;
  }

  List<String> generations() throws IOException {
    List<String> out = new ArrayList<>();
    list(
        root.resolve("generations"),
        (p, a) -> {
          if (a.isDirectory() && V3Names.isGeneration(p.getFileName().toString())) {
            out.add(p.getFileName().toString());
          }
        });
    out.sort(Comparator.naturalOrder());
    return out;
  }

  List<V3Snapshot> snapshots(String generation) throws IOException {
    return files(
        generationDir(generation).resolve("snapshots"),
        (name, size, createdAt) -> V3Snapshot.fromName(generation, name, size, createdAt),
        V3Snapshot.BY_INDEX);
  }

  List<V3WalSegment> walSegments(String generation) throws IOException {
    return files(
        generationDir(generation).resolve("wal"),
        (name, size, createdAt) -> V3WalSegment.fromName(generation, name, size, createdAt),
        V3WalSegment.BY_POSITION);
  }

  /** What a v0.3 file's name denotes, given its size and modification time, if anything. */
  private interface FileKind<T> {
    Optional<T> fromName(String name, long size, Instant createdAt);
  }

  private static <T> List<T> files(Path dir, FileKind<T> kind, Comparator<? super T> order)
      throws IOException {
    List<T> out = new ArrayList<>();
    list(
        dir,
        (p, a) -> {
          if (a.isRegularFile()) {
            kind.fromName(p.getFileName().toString(), a.size(), a.lastModifiedTime().toInstant())
                .ifPresent(out::add);
          }
        });
    out.sort(order);
    return out;
  }

  InputStream openSnapshot(V3Snapshot s) throws IOException {
    return open(generationDir(s.generation()).resolve("snapshots").resolve(s.name()));
  }

  InputStream openWalSegment(V3WalSegment s) throws IOException {
    return open(generationDir(s.generation()).resolve("wal").resolve(s.name()));
  }

  private Path generationDir(String generation) {
    if (!V3Names.isGeneration(generation)) {
      throw new IllegalArgumentException("not a Litestream v0.3 generation id: " + generation);
    }
    return root.resolve("generations").resolve(generation);
  }

  private static InputStream open(Path file) throws IOException {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw FileErrors.explain("read replica file", file, e);
    }
  }

  private static void list(Path dir, BiConsumer<Path, BasicFileAttributes> each)
      throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        try {
          each.accept(entry, Files.readAttributes(entry, BasicFileAttributes.class));
        } catch (NoSuchFileException deletedMeanwhile) {
          // gone since the listing
        }
      }
    } catch (NoSuchFileException e) {
      // no v0.3 data
    } catch (IOException e) {
      throw FileErrors.explain("list replica directory", dir, e);
    }
  }
}
