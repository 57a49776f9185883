package io.litestream4j.store;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.replica.LtxFileInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica files retention has found deletable ("tombstones"), each with the time it was first
 * found so. A file is deleted only once it has been a candidate for its level's wait, continuously:
 * a file that stops being deletable (or disappears) is forgotten, and its wait starts over.
 *
 * <p>The set is kept in a small text file in the local state directory (written atomically), so the
 * wait survives restarts and spans one-shot runs ({@code replicate -once -enforce-retention}). A
 * file is identified by level, TXID range and creation time, so a later file of the same name (a
 * replica rebuilt from scratch) never inherits an old candidate's wait. A missing or unreadable
 * state file only means waits start now: the store is never less careful because of it.
 *
 * <p>Not thread-safe: used by the store's job thread only.
 */
final class DeletionCandidates {
  private static final Logger LOG = LoggerFactory.getLogger(DeletionCandidates.class);
  private static final String HEADER =
      "# litestream4j deletion candidates v1: level min max createdAtMillis firstSeenMillis";

  private record Key(int level, long min, long max, long createdAt) {
    static Key of(LtxFileInfo f) {
      return new Key(f.level(), f.minTxid(), f.maxTxid(), f.createdAt().toEpochMilli());
    }
  }

  private final @Nullable Path file;
  private final Map<Key, Long> firstSeen = new HashMap<>();
  private boolean dirty;

  private DeletionCandidates(@Nullable Path file) {
    this.file = file;
  }

  /** Candidates persisted at {@code file} (null: kept in memory only). */
  static DeletionCandidates load(@Nullable Path file) {
    DeletionCandidates c = new DeletionCandidates(file);
    if (file == null) {
      return c;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" ");
        if (f.length != 5) {
          throw new IOException("malformed line '" + line + "'");
        }
        c.firstSeen.put(
            new Key(
                Integer.parseInt(f[0]),
                Long.parseLong(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3])),
            Long.parseLong(f[4]));
      }
    } catch (NoSuchFileException e) {
      // first run
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "ignoring unreadable retention state {} ({}); deletion waits start over",
          file,
          e.getMessage());
      c.firstSeen.clear();
    }
    return c;
  }

  /**
   * Records that, of {@code level}, exactly {@code eligible} are deletable now: new ones start
   * waiting at {@code now}, the others of that level are forgotten.
   */
  void update(int level, List<LtxFileInfo> eligible, long now) {
    Set<Key> keep = new HashSet<>();
    for (LtxFileInfo f : eligible) {
      Key k = Key.of(f);
      keep.add(k);
      if (firstSeen.putIfAbsent(k, now) == null) {
        dirty = true;
      }
    }
    if (firstSeen.keySet().removeIf(k -> k.level() == level && !keep.contains(k))) {
      dirty = true;
    }
  }

  private boolean matured(LtxFileInfo f, long waitMillis, long now) {
    Long seen = firstSeen.get(Key.of(f));
    return seen != null && now - seen >= waitMillis;
  }

  /** The longest prefix of {@code eligible} whose files have all waited {@code waitMillis}. */
  List<LtxFileInfo> maturePrefix(List<LtxFileInfo> eligible, long waitMillis, long now) {
    List<LtxFileInfo> out = new ArrayList<>();
    for (LtxFileInfo f : eligible) {
      if (!matured(f, waitMillis, now)) {
        break;
      }
      out.add(f);
    }
    return out;
  }

  /** The files of {@code eligible} that have waited {@code waitMillis}. */
  List<LtxFileInfo> mature(List<LtxFileInfo> eligible, long waitMillis, long now) {
    return eligible.stream().filter(f -> matured(f, waitMillis, now)).toList();
  }

  /** Forgets deleted files. */
  void forget(Collection<LtxFileInfo> deleted) {
    for (LtxFileInfo f : deleted) {
      if (firstSeen.remove(Key.of(f)) != null) {
        dirty = true;
      }
    }
  }

  /**
   * When the first waiting candidate matures, given each level's wait ({@link Long#MAX_VALUE}
   * leaves a level out); empty when none waits.
   */
  OptionalLong earliestMaturity(IntToLongFunction waitOfLevel) {
    OptionalLong earliest = OptionalLong.empty();
    for (var e : firstSeen.entrySet()) {
      long wait = waitOfLevel.applyAsLong(e.getKey().level());
      if (wait == Long.MAX_VALUE) {
        continue;
      }
      long at = e.getValue() + wait;
      if (earliest.isEmpty() || at < earliest.getAsLong()) {
        earliest = OptionalLong.of(at);
      }
    }
    return earliest;
  }

  int size() {
    return firstSeen.size();
  }

  int size(int level) {
    return (int) firstSeen.keySet().stream().filter(k -> k.level() == level).count();
  }

  /** Writes the set if it changed since the last save. */
  void save() throws IOException {
    if (!dirty || file == null) {
      return;
    }
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (var e : firstSeen.entrySet()) {
      Key k = e.getKey();
      sb.append(k.level())
          .append(' ')
          .append(k.min())
          .append(' ')
          .append(k.max())
          .append(' ')
          .append(k.createdAt())
          .append(' ')
          .append(e.getValue())
          .append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(bytes));
    dirty = false;
  }
}
