package io.litestream4j.cli;

import io.litestream4j.DirectoryReplication;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.Replicator;
import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.DirectoryEntry;
import io.litestream4j.config.LoadedConfig;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import io.litestream4j.server.DatabaseRegistry;
import io.litestream4j.server.OpsMetrics;
import io.litestream4j.server.OpsServices;
import io.litestream4j.server.ReplicaOperationMetrics;
import io.litestream4j.store.RetentionResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replicate}: runs replication for the databases of a config file, or for one {@code DB_PATH
 * REPLICA_URL} pair, until interrupted (or, with {@code -exec}, until the child exits). Flags and
 * behaviour follow Litestream's.
 */
@Command(name = "replicate", description = "Replicates SQLite databases to their replicas.")
final class ReplicateCommand implements Callable<Integer>, SharedFlags.User {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicateCommand.class);

  @Spec CommandSpec spec;

  final ConfigFlags configFlags = new ConfigFlags();

  @Override
  public List<SharedFlags> sharedFlags() {
    return List.of(configFlags);
  }

  @Option(
      names = "-exec",
      paramLabel = "CMD",
      description = "Run CMD as a child process; stop replicating when it exits.")
  @Nullable String exec;

  @Option(
      names = "-log-level",
      paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error.")
  @Nullable String logLevel;

  @Option(
      names = "-restore-if-db-not-exists",
      description = "Restore a missing database from its replica before replicating.")
  boolean restoreIfDbNotExists;

  @Option(names = "-once", description = "Sync every database once, upload, and exit.")
  boolean once;

  @Option(
      names = "-force-snapshot",
      description = "With -once: also write a snapshot of every database.")
  boolean forceSnapshot;

  @Option(names = "-enforce-retention", description = "With -once: also apply retention.")
  boolean enforceRetention;

  @Parameters(
      paramLabel = "DB_PATH REPLICA_URL",
      arity = "0..*",
      description = "One database and its replica URL, instead of a configuration file.")
  List<String> positional = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    Config config = loadConfig(env);
    if (exec != null && !exec.isBlank()) {
      config = config.withExec(java.util.Optional.of(exec));
    }
    if (config.dbs().isEmpty()) {
      throw new IllegalArgumentException("no databases specified in configuration");
    }
    if (once && config.exec().isPresent()) {
      throw new ParameterException(spec.commandLine(), "cannot specify -once flag with -exec");
    }
    // Checked before anything starts: a command that cannot run is a configuration error.
    List<String> execWords =
        config.exec().isEmpty()
            ? List.of()
            : CommandWords.split(
                config.exec().get(),
                exec != null && !exec.isBlank() ? "-exec" : "the configuration's exec");

    // Signals are handled from the start, so a SIGTERM during start-up is a graceful stop too.
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<Replicator> running = new AtomicReference<>();
    AtomicReference<ChildProcess> childRef = new AtomicReference<>();
    Signals signals = new Signals();
    if (!once) {
      signals.install(
          n -> {
            if (n == 1) {
              LOG.info(
                  "signal received ({}), shutting down; press Ctrl+C again to skip waiting for uploads",
                  signals.last());
              ChildProcess child = childRef.get();
              if (child != null) {
                child.forward(signals.last());
              }
              stop.countDown();
            } else {
              LOG.warn("second signal received, cancelling uploads in flight");
              ChildProcess child = childRef.get();
              if (child != null) {
                child.forward(signals.last()); // an application still shutting down gets it too
              }
              Replicator r = running.get();
              if (r != null) {
                r.abandonShutdownSync();
              }
              if (n == 2) {
                exitIfStillRunningAfter(SECOND_SIGNAL_GRACE, childRef);
              }
            }
          });
    }
    List<DirectoryReplication> directories = new ArrayList<>();
    AtomicReference<Throwable> failed = new AtomicReference<>(); // the first replication to stop
    try (Replicator replicator = Replicator.create()) {
      running.set(replicator);
      PrometheusRegistry prometheus = new PrometheusRegistry();
      Config cfg = config;
      DatabaseRegistry registry =
          new DatabaseRegistry(
              replicator,
              new ReplicaOperationMetrics(prometheus),
              (path, url) ->
                  ReplicationOptions.of(path, url)
                      .withShutdownSync(cfg.shutdownSyncTimeout(), cfg.shutdownSyncInterval())
                      .withStore(StoreOptions.from(cfg).withBackground(true)),
              INVENTORY_MAX_AGE,
              Clock.systemUTC());
      DirectoryReplication.Starter starter =
          db -> {
            Replication r = start(registry, cfg, db);
            r.onFailure(
                f -> {
                  failed.compareAndSet(null, f);
                  stop.countDown();
                });
            return r;
          };
      StartRetries retries = new StartRetries(starter);
      try {
        startInParallel(
            config.dbs().stream().filter(db -> db.path().isPresent()).toList(),
            starter,
            once ? null : retries);
        for (DbConfig db : config.dbs()) {
          if (db.dir().isPresent()) {
            directories.add(
                DirectoryReplication.start(
                    new DirectoryEntry(db.withRestoreIfDbNotExists(false)), replicator, starter));
          }
        }
        if (once) {
          warnNotStartedWithOnce(config);
          return runOnce(replicator, config);
        }
        OpsMetrics metrics =
            new OpsMetrics(prometheus, registry, Clock.systemUTC(), db -> db.stats().fullL0Files());
        Optional<Path> configPath =
            positional.isEmpty() ? Optional.of(configFlags.file(env)) : Optional.empty();
        try (OpsServices ops =
            OpsServices.start(
                config,
                registry,
                metrics,
                new InProcessCommands(),
                configPath,
                VersionCommand.version())) {
          return runUntilStopped(replicator, execWords, retries, stop, childRef, failed);
        }
      } finally {
        retries.close();
        directories.forEach(DirectoryReplication::close);
      }
    }
  }

  /**
   * Starts single-database entries on virtual threads (their first syncs queue on the replicator's
   * permits), so a config with a thousand databases does not start them one by one. A start that
   * fails for a reason worth retrying goes to {@code retries} if given; any other failure is
   * thrown.
   */
  /**
   * How long the daemon waits for the databases' first starts before it goes on (and starts the
   * {@code -exec} application): an object store that is down at boot makes a start wait out the
   * SDK's retries, 15–40 s. A start still running then goes on in the background (see {@link
   * StartRetries#adopt}); under {@code -once} every start is waited for.
   */
  static final Duration FIRST_START_WAIT = Duration.ofSeconds(5);

  private static void startInParallel(
      List<DbConfig> dbs, DirectoryReplication.Starter starter, @Nullable StartRetries retries)
      throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean wentOn = new AtomicBoolean(); // the daemon no longer waits for these starts
    for (DbConfig db : dbs) {
      threads.add(
          Thread.ofVirtual()
              .name("l4j-start-" + db.identifier().getFileName())
              .start(
                  () -> {
                    try {
                      starter.start(db);
                      if (wentOn.get()) {
                        LOG.atInfo()
                            .addKeyValue("db", db.identifier())
                            .log("replication started (after the daemon went on without it)");
                      }
                    } catch (Exception e) {
                      if (retries != null && StartRetries.retryable(e)) {
                        retries.retry(db, e);
                      } else if (wentOn.get()) {
                        LOG.atError()
                            .addKeyValue("db", db.identifier())
                            .log("cannot start replicating, giving up: {}", e.getMessage());
                      } else {
                        failures.add(e);
                      }
                    }
                  }));
    }
    long deadline = System.nanoTime() + FIRST_START_WAIT.toNanos();
    List<Thread> slow = new ArrayList<>();
    for (Thread t : threads) {
      if (retries == null) {
        t.join();
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(Duration.ofNanos(left))) {
        slow.add(t);
      }
    }
    wentOn.set(true);
    if (!slow.isEmpty() && retries != null) {
      slow.forEach(retries::adopt);
      LOG.warn(
          "{} database(s) still starting after {} s (their replica is slow to answer); the others"
              + " and the application go on, and those join in the background",
          slow.size(),
          FIRST_START_WAIT.toSeconds());
    }
    if (!failures.isEmpty()) {
      Exception first = failures.getFirst();
      failures.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  /**
   * The bound on the exit after a second signal. Cancelling interrupts uploads, but a thread
   * blocked in a socket read (a backend that accepts connections and never answers, or start-up
   * still listing such a replica) is not interruptible; the process then exits anyway. Local state
   * is crash-safe (the next start continues from it), so nothing is lost but the pending uploads.
   */
  static final Duration SECOND_SIGNAL_GRACE = Duration.ofSeconds(3);

  /**
   * Exits after {@code grace} if the process is still running then. An {@code -exec} application
   * that has not exited by then is killed first: a supervised application must not outlive its
   * supervisor, and it has ignored two signals.
   */
  private static void exitIfStillRunningAfter(
      Duration grace, AtomicReference<ChildProcess> childRef) {
    Thread.ofPlatform()
        .name("l4j-exit-watchdog")
        .daemon(true)
        .start(
            () -> {
              try {
                Thread.sleep(grace);
              } catch (InterruptedException e) {
                return;
              }
              ChildProcess child = childRef.get();
              if (child != null && child.kill()) {
                LOG.error(
                    "the -exec application did not exit {} s after the second signal; killed it",
                    grace.toSeconds());
              }
              LOG.error(
                  "still running {} s after the second signal (an application or a replica does not"
                      + " respond); exiting now, uploads pending: they continue from the local state"
                      + " on the next start",
                  grace.toSeconds());
              Runtime.getRuntime().halt(1);
            });
  }

  private static void warnNotStartedWithOnce(Config config) {
    config.addr().ifPresent(a -> notStartedWithOnce("addr", "the metrics and status page are"));
    config.mcpAddr().ifPresent(a -> notStartedWithOnce("mcp-addr", "the MCP server is"));
    if (config.socket().enabled()) {
      notStartedWithOnce("socket.enabled", "the control socket is");
    }
    config.heartbeatUrl().ifPresent(a -> notStartedWithOnce("heartbeat-url", "the heartbeat is"));
  }

  private static void notStartedWithOnce(String setting, String what) {
    LOG.atWarn().addKeyValue("setting", setting).log("{} not started with -once", what);
  }

  /** How long metrics and the status page reuse one listing of a replica. */
  private static final Duration INVENTORY_MAX_AGE = Duration.ofSeconds(15);

  private Config loadConfig(Map<String, String> env) throws Exception {
    if (forceSnapshot && !once) {
      throw new ParameterException(
          spec.commandLine(), "cannot specify -force-snapshot flag without -once");
    }
    if (enforceRetention && !once) {
      throw new ParameterException(
          spec.commandLine(), "cannot specify -enforce-retention flag without -once");
    }
    LoadedConfig loaded;
    if (!positional.isEmpty()) {
      if (configFlags.given()) {
        throw new ParameterException(
            spec.commandLine(), "cannot specify a replica URL and the -config flag");
      }
      Config c =
          ConfigLoader.fromArguments(
              positional.getFirst(), positional.subList(1, positional.size()), env);
      loaded = new LoadedConfig(c, List.of());
    } else {
      loaded = configFlags.read(env);
    }
    Logging.configure(loaded.config().logging(), logLevel);
    loaded
        .warnings()
        .forEach(w -> LOG.atWarn().addKeyValue("config", configFlags.file(env)).log(w));
    return loaded.config();
  }

  private Replication start(DatabaseRegistry registry, Config config, DbConfig db)
      throws java.io.IOException {
    Path path = db.path().orElseThrow();
    ReplicaClient client = ReplicaClients.discover().create(db.replica());
    if (restoreIfDbNotExists || db.restoreIfDbNotExists()) {
      try {
        RestoreIfMissing.run(path, client);
      } catch (Exception e) {
        client.close();
        // Fatal, never retried (StartRetries): the application must not start without its data,
        // and a database it created meanwhile would replace the replica's state as the latest.
        throw new IllegalStateException(
            "cannot restore "
                + path
                + " from its replica before replicating it (restore-if-db-not-exists): "
                + e.getMessage(),
            e);
      }
    }
    DbOptions dbOptions =
        new DbOptions(
            db.monitorInterval(),
            db.checkpointInterval(),
            db.minCheckpointPageCount(),
            db.truncatePageN(),
            db.busyTimeout(),
            db.maxSyncWalBytes() <= 0 ? Long.MAX_VALUE : db.maxSyncWalBytes());
    ReplicationOptions options =
        new ReplicationOptions(
            path,
            db.replica().describe(),
            db.resolvedMetaPath(),
            db.replica().syncInterval(),
            dbOptions,
            config.shutdownSyncTimeout(),
            config.shutdownSyncInterval(),
            StoreOptions.from(config).withBackground(!once));
    Replication r =
        registry.add(options, client, () -> ReplicaClients.discover().create(db.replica()));
    LOG.atInfo()
        .addKeyValue("db", path)
        .addKeyValue("replica", db.replica().describe())
        .log("replicating");
    MissingDatabase.warnIfMissing(path);
    return r;
  }

  private int runOnce(Replicator replicator, Config config) throws Exception {
    Duration timeout =
        config.shutdownSyncTimeout().isZero()
            ? Duration.ofSeconds(30)
            : config.shutdownSyncTimeout();
    for (Replication r : replicator.replications()) {
      Path db = r.options().database();
      if (!java.nio.file.Files.exists(db)) {
        if (!restoreIfDbNotExists && !missingAllowed(config, db)) {
          throw new IllegalStateException(
              "database "
                  + db
                  + " does not exist, so -once backed up nothing;"
                  + " check the path (or use -restore-if-db-not-exists to restore it from the replica first)");
        }
        LOG.atWarn()
            .addKeyValue("db", db)
            .log(
                "database does not exist and the replica had no backup to restore; nothing to back up");
        continue;
      }
      long txid = r.syncAndAwait(timeout);
      LOG.atInfo()
          .addKeyValue("db", r.options().database())
          .addKeyValue("txid", io.litestream4j.ltx.Txid.format(txid))
          .log("synced");
      if (forceSnapshot) {
        r.store()
            .snapshotNow(true)
            .ifPresent(
                f ->
                    LOG.atInfo()
                        .addKeyValue("db", r.options().database())
                        .log("wrote snapshot {} ({} bytes)", f.name(), f.size()));
      }
      if (enforceRetention) {
        RetentionResult res = r.store().enforceRetention();
        LOG.atInfo()
            .addKeyValue("db", r.options().database())
            .log(
                "retention deleted {} replica files ({} waiting out the grace period), {} local files",
                res.deleted().size(),
                res.waiting(),
                res.localFilesDeleted());
      }
    }
    return replicator.shutdown() ? 0 : 1;
  }

  /**
   * True when the config entry of {@code db} asks to restore a missing database (so missing is
   * expected).
   */
  private static boolean missingAllowed(Config config, Path db) {
    return config.dbs().stream()
        .anyMatch(
            d ->
                d.restoreIfDbNotExists()
                    && d.path()
                        .map(p -> p.toAbsolutePath().equals(db.toAbsolutePath()))
                        .orElse(false));
  }

  /** How long an -exec application gets to exit after the SIGTERM sent when replication stops. */
  private static final Duration APP_STOP_GRACE = Duration.ofSeconds(10);

  private int runUntilStopped(
      Replicator replicator,
      List<String> execWords,
      StartRetries retries,
      CountDownLatch stop,
      AtomicReference<ChildProcess> childRef,
      AtomicReference<Throwable> failed)
      throws Exception {
    ChildProcess child = null;
    if (!execWords.isEmpty() && stop.getCount() > 0) {
      child = ChildProcess.start(execWords);
      childRef.set(child);
    }
    int exit = 0;
    if (child != null) {
      ChildProcess c = child;
      Thread.ofPlatform()
          .name("l4j-exec-wait")
          .daemon(true)
          .start(
              () -> {
                c.await();
                stop.countDown();
              });
    }
    long pending = retries.pending();
    LOG.info(
        "litestream4j {} started; {} database(s){}",
        VersionCommand.version(),
        replicator.replications().size(),
        pending == 0 ? "" : ", " + pending + " more retried in the background");
    stop.await();
    if (child != null) {
      if (failed.get() != null && child.isAlive()) {
        // Replication cannot go on (e.g. another replicator took the lease over): the application
        // is stopped like at a signal, so that its supervisor sees the failure and restarts both.
        LOG.error("replication stopped; stopping the -exec application (SIGTERM)");
        child.forward("SIGTERM");
        if (!child.await(APP_STOP_GRACE)) {
          LOG.error(
              "the -exec application did not exit {} s after SIGTERM; killed it",
              APP_STOP_GRACE.toSeconds());
          child.kill();
        }
      }
      int code = child.await();
      if (child.exitedOnForwardedSignal(code)) {
        LOG.info("the -exec application exited on the forwarded signal (code {})", code);
      } else if (code != 0) {
        LOG.error("child process exited with code {}", code);
        exit = 1;
      }
    }
    retries.close(); // no database may start while the replicator shuts down
    boolean complete = replicator.shutdown();
    if (complete) {
      LOG.info("litestream4j shut down");
    } else if (failed.get() != null) {
      exit = 1; // the failure that stopped replication is the error reported below
    } else {
      LOG.error(
          "litestream4j shut down with uploads pending: the replica does not hold every synced"
              + " transaction (see the warnings above); they are uploaded at the next start");
      exit = 1;
    }
    Throwable failure = failed.get();
    if (failure != null) {
      throw new IllegalStateException("replication stopped: " + failure.getMessage());
    }
    return exit;
  }
}
