package io.litestream4j.server;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.Replicator;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases a running replicator manages, and the one place that starts, stops, registers and
 * unregisters them at run time (the control socket's verbs). A stopped database stays known (and
 * can be started again with a fresh replica client); an unregistered one is forgotten. Every
 * replica client is wrapped in a {@link MeteredReplicaClient} so storage operations are counted.
 *
 * <p>Thread-safe: the map is guarded by {@code this}; a database's start/stop/sync is serialized on
 * its entry, so a slow final upload of one database never blocks the others or the readers ({@link
 * #statuses()} reads volatile fields only).
 */
public final class DatabaseRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseRegistry.class);

  private final Replicator replicator;
  private final ReplicaOperations ops;
  private final BiFunction<Path, String, ReplicationOptions> registeredOptions;
  private final Duration inventoryMaxAge;
  private final Clock clock;
  private final Map<Path, Entry> entries = new LinkedHashMap<>();

  private static final class Entry {
    final ReplicationOptions options;
    final ReplicaClientSource source;
    volatile Replication replication;
    volatile ReplicaClient client;
    volatile ReplicaInventory inventory;

    Entry(ReplicationOptions options, ReplicaClientSource source) {
      this.options = options;
      this.source = source;
    }
  }

  /**
   * @param registeredOptions options of a database added with {@code register} (path, replica URL)
   * @param inventoryMaxAge how long a replica listing is reused by metrics and the status page
   */
  public DatabaseRegistry(
      Replicator replicator,
      ReplicaOperations ops,
      BiFunction<Path, String, ReplicationOptions> registeredOptions,
      Duration inventoryMaxAge,
      Clock clock) {
    this.replicator = replicator;
    this.ops = ops;
    this.registeredOptions = registeredOptions;
    this.inventoryMaxAge = inventoryMaxAge;
    this.clock = clock;
  }

  public Replicator replicator() {
    return replicator;
  }

  /** Normalizes a path the way requests name databases ({@code ~} expanded, absolute). */
  public static Path normalize(String path) {
    String p = path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    return Path.of(p).toAbsolutePath().normalize();
  }

  /**
   * Adds and starts a database with a client that was already made (and maybe used, e.g. for
   * restore-if-missing); {@code source} makes the clients of later restarts.
   */
  public Replication add(
      ReplicationOptions options, ReplicaClient client, ReplicaClientSource source)
      throws IOException {
    Path path = options.database().toAbsolutePath().normalize();
    Entry e = new Entry(options, source);
    synchronized (this) {
      if (entries.containsKey(path)) {
        throw new AlreadyRegistered(path);
      }
      entries.put(path, e);
    }
    try {
      synchronized (e) {
        return launch(e, client);
      }
    } catch (IOException | RuntimeException ex) {
      synchronized (this) {
        entries.remove(path);
      }
      throw ex;
    }
  }

  /** A database that is already managed was added again. */
  static final class AlreadyRegistered extends IllegalArgumentException {
    AlreadyRegistered(Path path) {
      super("database " + path + " is configured twice");
    }
  }

  private Replication launch(Entry e, ReplicaClient raw) throws IOException {
    // Files of a file replica get the database's mode; applied before metering hides the type.
    ReplicaClient base =
        raw instanceof io.litestream4j.replica.file.FileReplicaClient f
            ? f.withModeOf(e.options.database().toAbsolutePath())
            : raw;
    ReplicaClient metered = MeteredReplicaClient.wrap(base, ops);
    Replication r = replicator.add(e.options, metered);
    e.client = metered;
    e.inventory = new ReplicaInventory(metered, inventoryMaxAge, clock);
    e.replication = r;
    return r;
  }

  private Entry entry(Path path) {
    synchronized (this) {
      Entry e = entries.get(path);
      if (e == null) {
        throw new NoSuchDatabaseException(path);
      }
      return e;
    }
  }

  public ControlResult start(Path path) throws IOException {
    Entry e = entry(path);
    synchronized (e) {
      Replication r = e.replication;
      if (r != null && r.running()) {
        return ControlResult.of("already_running", path, r.position().txid());
      }
      if (r != null) {
        replicator.remove(r); // failed by itself: release what is left before starting afresh
      }
      r = launch(e, e.source.create());
      LOG.atInfo().addKeyValue("db", path).log("started through the control socket");
      return ControlResult.of("started", path, r.position().txid());
    }
  }

  /** Closes the database with a final sync and upload; it stays registered. */
  public ControlResult stop(Path path) {
    Entry e = entry(path);
    synchronized (e) {
      Replication r = e.replication;
      if (r == null) {
        return ControlResult.of("already_stopped", path, 0);
      }
      boolean complete = replicator.remove(r);
      long txid = r.position().txid();
      e.replication = null;
      LOG.atInfo()
          .addKeyValue("db", path)
          .log("stopped through the control socket{}", complete ? "" : " with uploads pending");
      return ControlResult.of("stopped", path, txid);
    }
  }

  public ControlResult register(Path path, String replicaUrl) throws IOException {
    synchronized (this) {
      if (entries.containsKey(path)) {
        return ControlResult.of("already_registered", path, 0);
      }
    }
    ReplicaClient client = ReplicaClients.discover().create(replicaUrl);
    try {
      add(
          registeredOptions.apply(path, replicaUrl),
          client,
          () -> ReplicaClients.discover().create(replicaUrl));
    } catch (AlreadyRegistered ex) {
      client.close();
      return ControlResult.of("already_registered", path, 0);
    } catch (IOException | RuntimeException ex) {
      client.close();
      throw ex;
    }
    LOG.atInfo()
        .addKeyValue("db", path)
        .log("registered through the control socket, replicating to {}", replicaUrl);
    return ControlResult.of("registered", path, 0);
  }

  public ControlResult unregister(Path path) {
    Entry e;
    synchronized (this) {
      e = entries.get(path);
      if (e == null) {
        return ControlResult.of("already_unregistered", path, 0);
      }
    }
    ControlResult stopped = stop(path);
    synchronized (this) {
      entries.remove(path);
    }
    LOG.atInfo().addKeyValue("db", path).log("unregistered through the control socket");
    return ControlResult.of("unregistered", path, stopped.txid());
  }

  /**
   * Syncs the WAL into local L0 files now; with {@code wait}, returns only once the replica holds
   * everything synced (so the commit is restorable).
   *
   * @throws IllegalStateException when the database is stopped
   * @throws TimeoutException when the replica does not catch up within {@code timeout}
   */
  public ControlResult sync(Path path, boolean wait, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    Entry e = entry(path);
    Replication r = e.replication;
    if (r == null || !r.running()) {
      throw new IllegalStateException(
          "database " + path + " is not open (start it with `litestream4j start`)");
    }
    long before = r.position().txid();
    long txid = r.sync();
    if (wait) {
      r.awaitReplicated(txid, timeout);
      return new ControlResult("synced", path, txid, r.replicatedTxid());
    }
    return new ControlResult(
        txid == before ? "no_change" : "synced_local", path, txid, r.replicatedTxid());
  }

  public OptionalLong txid(Path path) {
    Entry e;
    synchronized (this) {
      e = entries.get(path);
    }
    if (e == null) {
      return OptionalLong.empty();
    }
    Replication r = e.replication;
    return OptionalLong.of(r == null ? 0 : r.position().txid());
  }

  /** The running replications (for the heartbeat). */
  public List<Replication> running() {
    List<Replication> out = new ArrayList<>();
    for (Entry e : snapshot()) {
      Replication r = e.replication;
      if (r != null && r.running()) {
        out.add(r);
      }
    }
    return out;
  }

  private synchronized List<Entry> snapshot() {
    return new ArrayList<>(entries.values());
  }

  /**
   * Every managed database, in registration order; {@code withReplica} adds the replica listing.
   */
  public List<DatabaseStatus> statuses(boolean withReplica) {
    List<DatabaseStatus> out = new ArrayList<>();
    for (Entry e : snapshot()) {
      out.add(status(e, withReplica));
    }
    return out;
  }

  private DatabaseStatus status(Entry e, boolean withReplica) {
    Path path = e.options.database().toAbsolutePath().normalize();
    Replication r = e.replication;
    ReplicaClient client = e.client;
    String type = client == null ? "" : client.type();
    if (r == null) {
      return new DatabaseStatus(
          path,
          e.options.replicaUrl(),
          type,
          "stopped",
          0,
          0,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          Optional.empty(),
          null,
          null,
          Optional.empty());
    }
    Optional<String> error =
        r.failure()
            .map(t -> "replication stopped: " + t.getMessage())
            .or(() -> r.replicaError().map(t -> "upload failed: " + t.getMessage()))
            .or(() -> r.store().stats().lastFailure().map(m -> "store: " + m));
    long lastSync = r.stats().lastSuccessMillis();
    return new DatabaseStatus(
        path,
        e.options.replicaUrl(),
        type,
        r.running() ? "replicating" : "stopped",
        r.position().txid(),
        r.replicatedTxid(),
        r.oldestUnreplicatedSince(),
        r.lastUploadTime(),
        lastSync == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastSync)),
        error,
        r.failure().isPresent() || r.replicaError().isPresent(),
        withReplica && r.running()
            ? Optional.of(e.inventory.summary(r.replicatedTxid()))
            : Optional.empty(),
        r.stats(),
        r.store().stats(),
        r.store().lastL0RetentionScan());
  }
}
