package io.litestream4j;

import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.internal.ProcessFileLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One replicator per database: a {@link Replication} holds an exclusive lock on its local state
 * directory's lock file from start to shutdown ({@link LocalLtxDir#lockFile()}). The file names the
 * holder ({@code pid@host since …}) for the message the next one gets; the kernel releases the lock
 * when the holder dies, so a restart never waits.
 */
final class StateDirLock implements AutoCloseable {
  private final ProcessFileLock lock;

  private StateDirLock(ProcessFileLock lock) {
    this.lock = lock;
  }

  /**
   * Locks {@code dir}'s lock file, creating the directory if needed.
   *
   * @throws AlreadyReplicatingException when another replicator holds it
   */
  static StateDirLock acquire(LocalLtxDir dir, Path database) throws IOException {
    Path file = dir.lockFile();
    Files.createDirectories(dir.metaDir());
    ProcessFileLock.Attempt attempt = ProcessFileLock.tryAcquire(file);
    if (attempt.lock().isEmpty()) {
      String holder =
          attempt.refusal().orElseThrow() == ProcessFileLock.Refusal.THIS_PROCESS
              ? "another replicator in this process"
              : "another process (" + recordedHolder(file) + ")";
      throw new AlreadyReplicatingException(database, dir.metaDir(), holder);
    }
    ProcessFileLock l = attempt.lock().get();
    try {
      String who =
          ProcessHandle.current().pid() + "@" + hostName() + " since " + Instant.now() + "\n";
      FileChannel ch = l.channel();
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(who.getBytes(StandardCharsets.UTF_8)), 0);
    } catch (IOException e) {
      l.close();
      throw e;
    }
    return new StateDirLock(l);
  }

  private static String recordedHolder(Path file) {
    try {
      String s = Files.readString(file).strip();
      return s.isEmpty() ? "unnamed" : s;
    } catch (IOException | RuntimeException e) {
      return "unnamed";
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() throws IOException {
    lock.close();
  }
}
