package io.litestream4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The official Litestream VFS extension (npm {@code litestream-vfs-linux-amd64@0.5.17}, a Go build
 * of Litestream 0.5.17) as an independent peer: it reads any Litestream replica, and in write mode
 * it produces genuine Litestream LTX files. Tests use it to prove that our replicas are readable by
 * Litestream and that we read what Litestream writes. Installing needs the npm registry; when that
 * fails, {@link #extension()} is empty and tests skip via {@link #assumeAvailable()}.
 *
 * <p><b>Install.</b> {@code npm pack} + {@code tar} into {@code
 * <peers>/litestream-vfs-0.5.17/litestream-vfs.so}, where {@code <peers>} is the system property
 * {@code litestream4j.peers} or {@code target/peers} of the module under test; the layout is the
 * same as {@code scripts/install-peers.sh} produces, so either can fill the cache. A failed install
 * is remembered for five minutes (marker file in {@code <peers>}), so an offline run does not wait
 * on npm once per test.
 *
 * <p><b>How it runs.</b> Each call starts the {@code sqlite3} CLI with {@code .load <so>} and
 * {@code .open file:replica.db?vfs=litestream}, and the environment {@code
 * LITESTREAM_REPLICA_URL=file:///abs/replica/dir} (inherited {@code LITESTREAM_*} variables are
 * removed). {@code LITESTREAM_LOG_FILE} points into a private scratch directory because the
 * extension logs to <em>stdout</em> otherwise, and {@code TMPDIR} points there too because the
 * extension leaves {@code $TMPDIR/litestream-vfs-<random>/} directories behind (with a stale {@code
 * x.db-journal-<hash>} file). The scratch directory is deleted afterwards.
 *
 * <p><b>Read mode</b> (observed with 0.5.17): {@code .open} blocks until the replica holds at least
 * one LTX file — on an empty or missing directory it waits forever, so every call has a timeout.
 * {@code litestream_txid()} returns the replica's max TXID as 16 hex digits; {@code SELECT
 * litestream_set_time('RFC3339')} (returns NULL) switches the connection to the state of the files
 * created before that time, {@code 'LATEST'} switches back. The database is presented in
 * rollback-journal mode ({@code PRAGMA journal_mode} = {@code delete}).
 *
 * <p><b>Write mode</b> ({@code LITESTREAM_WRITE_ENABLED=true}, observed with 0.5.17):
 *
 * <ul>
 *   <li>On an empty replica the first {@code .open} creates a new database (4096-byte pages; {@code
 *       PRAGMA journal_mode=wal} is refused and stays {@code delete}). On a non-empty replica it
 *       continues from the replica's current max TXID.
 *   <li>Committed transactions are buffered locally (dirty pages in {@code
 *       $TMPDIR/litestream-vfs-*}). Every {@code LITESTREAM_SYNC_INTERVAL} (Go duration, default
 *       {@code 1s}) and once more, synchronously, when the connection closes, all pages dirtied
 *       since the last upload become <em>one</em> L0 file {@code <replica>/ltx/0/<txid>-<txid>.ltx}
 *       (16 hex digits each, min = max = previous max TXID + 1), file mode 0600, mtime = the LTX
 *       header timestamp. So several transactions can collapse into one TXID, and a session without
 *       writes uploads nothing. Nothing else is written: no snapshots (L9), no compaction levels,
 *       no other files.
 *   <li>The LTX files have flags 0x2 (no database checksums, pre/post-apply checksum 0), the commit
 *       field = database size in pages, and page 1 as a rollback-journal database (header bytes
 *       18/19 = 1/1), because the VFS presents the database in journal mode.
 *   <li>Conflict: before each upload it checks that the replica's max L0 TXID is still the one it
 *       started from; if another writer uploaded meanwhile it logs {@code level=ERROR ... remote
 *       has newer transactions than expected} on every tick and at close, the buffered changes are
 *       lost, and sqlite3 still exits 0. {@link #write} therefore fails when the log has an ERROR
 *       line.
 * </ul>
 *
 * {@link #write} sets {@code LITESTREAM_SYNC_INTERVAL=1h}, so exactly one L0 file is uploaded per
 * call (at close) when the script changed anything: deterministic TXIDs for tests.
 */
public final class LitestreamVfs {
  /** The Litestream release the extension was built from. */
  public static final String VERSION = "0.5.17";

  /** System property naming the directory that caches installed peers. */
  public static final String PEERS_PROPERTY = "litestream4j.peers";

  private static final String PACKAGE = "litestream-vfs-linux-amd64@" + VERSION;
  private static final String INSTALL_DIRECTORY = "litestream-vfs-" + VERSION;
  private static final String LIBRARY = "litestream-vfs.so";
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

  /**
   * A failed install is not retried for this long, so an offline run skips fast instead of waiting
   * on npm per test.
   */
  private static final Duration FAILURE_MEMORY = Duration.ofMinutes(5);

  private static final String FAILURE_MARKER = ".litestream-vfs-" + VERSION + ".unavailable";
  private static final Object INSTALL_LOCK = new Object();

  private final Path extension;
  private final Duration timeout;

  private LitestreamVfs(Path extension, Duration timeout) {
    this.extension = extension;
    this.timeout = timeout;
  }

  /** The extension's shared library, installed on first use; empty when it cannot be installed. */
  public static Optional<Path> extension() {
    try {
      return Optional.of(install());
    } catch (PeerUnavailableException e) {
      System.err.println("Litestream VFS peer unavailable: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The peer, or a JUnit assumption failure (the test is skipped) saying why it is unavailable. */
  public static LitestreamVfs assumeAvailable() {
    try {
      return using(install());
    } catch (PeerUnavailableException e) {
      return Assumptions.abort(
          "Litestream VFS " + VERSION + " peer unavailable, skipping: " + e.getMessage());
    }
  }

  /** The peer loaded from an already installed shared library. */
  public static LitestreamVfs using(Path extension) {
    if (!Files.isRegularFile(extension)) {
      throw new IllegalArgumentException("no Litestream VFS extension at " + extension);
    }
    return new LitestreamVfs(extension.toAbsolutePath(), SqliteCli.DEFAULT_TIMEOUT);
  }

  /** This peer with another per-call timeout. */
  public LitestreamVfs withTimeout(Duration timeout) {
    return new LitestreamVfs(extension, timeout);
  }

  /** Path of the shared library. */
  public Path extensionPath() {
    return extension;
  }

  /**
   * Runs {@code sql} (statements or shell dot-commands) read-only on the replica; returns stdout.
   */
  public String query(Path replicaDir, String sql) {
    return run(replicaDir, sql, false);
  }

  /**
   * Runs {@code sql} on the replica as it was at {@code timestamp} (RFC 3339, e.g. {@code
   * 2026-01-02T03:04:05Z}, or anything {@code litestream_set_time} accepts).
   */
  public String queryAt(Path replicaDir, String timestamp, String sql) {
    String out =
        run(
            replicaDir,
            "SELECT litestream_set_time('" + timestamp.replace("'", "''") + "');\n" + sql,
            false);
    // litestream_set_time returns NULL, which the shell prints as an empty line
    return out.startsWith("\n") ? out.substring(1) : out;
  }

  /**
   * Runs {@code sql} in write mode: afterwards the replica holds one new L0 file with every change
   * the script made (none if it changed nothing). Fails if the extension logged an error, e.g. a
   * conflict with another writer.
   */
  public String write(Path replicaDir, String sql) {
    return run(replicaDir, sql, true);
  }

  /**
   * Runs {@code sql} read-only on the replica at {@code replicaUrl} (any URL the extension reads,
   * e.g. {@code abs://account@container/path}), with {@code env} added to its environment
   * (credentials, proxy settings); returns stdout.
   */
  public String query(String replicaUrl, Map<String, String> env, String sql) {
    return run(replicaUrl, env, sql, false);
  }

  /**
   * Like {@link #write(Path, String)}, on the replica at {@code replicaUrl} with {@code env} added.
   */
  public String write(String replicaUrl, Map<String, String> env, String sql) {
    return run(replicaUrl, env, sql, true);
  }

  private String run(Path replicaDir, String sql, boolean writeEnabled) {
    Path replica = replicaDir.toAbsolutePath();
    if (!Files.isDirectory(replica)) {
      throw new IllegalArgumentException("replica directory " + replica + " does not exist");
    }
    return run(replica.toUri().toString(), Map.of(), sql, writeEnabled);
  }

  private String run(String replica, Map<String, String> env, String sql, boolean writeEnabled) {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("litestream-vfs-run");
      Path tmp = Files.createDirectory(scratch.resolve("tmp"));
      Path log = scratch.resolve("vfs.log");
      SqliteCli cli =
          SqliteCli.create()
              .withTimeout(timeout)
              .withWorkingDirectory(scratch)
              .withoutEnvPrefix("LITESTREAM_")
              .withEnv("LITESTREAM_REPLICA_URL", replica)
              .withEnv("LITESTREAM_LOG_FILE", log.toString())
              .withEnv("TMPDIR", tmp.toString());
      for (Map.Entry<String, String> e : env.entrySet()) {
        cli = cli.withEnv(e.getKey(), e.getValue());
      }
      if (writeEnabled) {
        cli =
            cli.withEnv("LITESTREAM_WRITE_ENABLED", "true")
                .withEnv("LITESTREAM_SYNC_INTERVAL", "1h");
      }
      String script =
          ".load " + extension + "\n.open file:replica.db?vfs=litestream\n" + sql + "\n";
      SqliteCli.Result result;
      try {
        result = cli.execute(List.of(), script);
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage()
                + "\n--- VFS log ---\n"
                + readLog(log)
                + "\n(in read mode the VFS waits forever while the replica has no LTX files)",
            e);
      }
      String logText = readLog(log);
      if (result.exitCode() != 0 || (writeEnabled && logText.contains("level=ERROR"))) {
        throw new AssertionError(
            "Litestream VFS run failed (exit "
                + result.exitCode()
                + ") on replica "
                + replica
                + "\n"
                + result.describe(script)
                + "\n--- VFS log ---\n"
                + logText);
      }
      return result.stdout();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      TestFiles.deleteRecursively(scratch);
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    } catch (IOException e) {
      return "(cannot read log: " + e.getMessage() + ")";
    }
  }

  /** The directory caching installed peers. */
  static Path peersDirectory() {
    String configured = System.getProperty(PEERS_PROPERTY);
    return (configured == null || configured.isBlank()
            ? Path.of("target", "peers")
            : Path.of(configured))
        .toAbsolutePath();
  }

  /**
   * Installs the extension unless it is already in the cache; safe across threads and processes.
   */
  static Path install() throws PeerUnavailableException {
    Path peers = peersDirectory();
    Path library = peers.resolve(INSTALL_DIRECTORY).resolve(LIBRARY);
    if (Files.isRegularFile(library)) {
      return library;
    }
    synchronized (INSTALL_LOCK) {
      try {
        Files.createDirectories(peers);
        try (FileChannel lockFile =
                FileChannel.open(
                    peers.resolve(".install.lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock ignored = lockFile.lock()) {
          if (!Files.isRegularFile(library)) {
            Path marker = peers.resolve(FAILURE_MARKER);
            if (Files.exists(marker)
                && Files.getLastModifiedTime(marker)
                    .toInstant()
                    .isAfter(Instant.now().minus(FAILURE_MEMORY))) {
              throw new PeerUnavailableException(
                  Files.readString(marker, StandardCharsets.UTF_8)
                      + " (failed less than "
                      + FAILURE_MEMORY.toMinutes()
                      + " minutes ago; delete "
                      + marker
                      + " to retry now)");
            }
            try {
              download(peers, library.getParent());
              Files.deleteIfExists(marker);
            } catch (PeerUnavailableException e) {
              Files.writeString(marker, e.getMessage(), StandardCharsets.UTF_8);
              throw e;
            }
          }
        }
      } catch (IOException e) {
        throw new PeerUnavailableException(
            "cannot install " + PACKAGE + " into " + peers + ": " + e.getMessage());
      }
    }
    return library;
  }

  private static void download(Path peers, Path target)
      throws IOException, PeerUnavailableException {
    Path work = Files.createTempDirectory(peers, ".install-");
    try {
      run(
          work,
          List.of(
              "npm",
              "pack",
              "--loglevel=error",
              "--fetch-retries=1",
              "--fetch-timeout=60000",
              PACKAGE));
      Path tarball;
      try (Stream<Path> files = Files.list(work)) {
        tarball =
            files
                .filter(p -> p.getFileName().toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(
                    () ->
                        new PeerUnavailableException("npm pack " + PACKAGE + " produced no .tgz"));
      }
      run(work, List.of("tar", "-xzf", tarball.toString()));
      Path library = work.resolve("package").resolve(LIBRARY);
      if (!Files.isRegularFile(library)) {
        throw new PeerUnavailableException(PACKAGE + " has no package/" + LIBRARY);
      }
      Path staged = Files.createDirectory(work.resolve("out"));
      Files.move(library, staged.resolve(LIBRARY));
      Files.move(work.resolve("package").resolve("package.json"), staged.resolve("package.json"));
      TestFiles.deleteRecursively(target);
      try {
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staged, target);
      }
    } finally {
      TestFiles.deleteRecursively(work);
    }
  }

  private static void run(Path directory, List<String> command)
      throws IOException, PeerUnavailableException {
    Path output = directory.resolve(".output");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
    } catch (IOException e) {
      throw new PeerUnavailableException(
          "cannot run " + command.getFirst() + ": " + e.getMessage());
    }
    try {
      if (!process.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new PeerUnavailableException(
            String.join(" ", command) + " did not finish within " + NPM_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PeerUnavailableException("interrupted while running " + String.join(" ", command));
    }
    String text = Files.readString(output, StandardCharsets.UTF_8).strip();
    Files.delete(output);
    if (process.exitValue() != 0) {
      throw new PeerUnavailableException(
          String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + (text.isEmpty()
                  ? ""
                  : ": " + text.lines().limit(5).reduce((a, b) -> a + " | " + b).orElse("")));
    }
  }

  /** The peer cannot be installed here (no npm, registry unreachable, unexpected package). */
  static final class PeerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    PeerUnavailableException(String message) {
      super(message);
    }
  }
}
