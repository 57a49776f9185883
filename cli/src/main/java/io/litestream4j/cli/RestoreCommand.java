package io.litestream4j.cli;

import io.litestream4j.FollowOptions;
import io.litestream4j.Follower;
import io.litestream4j.RestoreException;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreOptions.IntegrityCheck;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.cli.TableOrJson.Column;
import io.litestream4j.config.GoDuration;
import io.litestream4j.config.LoggingConfig;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code restore [flags] DB_PATH|REPLICA_URL}: Litestream's restore, flag for flag. Unlike
 * Litestream, {@code -parallelism} really downloads that many files at once (into a staging
 * directory next to the output) before the single merge pass, which streams the largest file
 * (usually the snapshot) itself. Output: silent on success (logs only), {@code -json} prints {@code
 * {"db_path","replica","txid","duration_ms","integrity_check"}}, {@code -dry-run} prints the plan.
 *
 * <p>Its model is built without annotations ({@link CommandOptions}): a restore in a container
 * entrypoint waits for the start-up of this command.
 */
final class RestoreCommand implements Callable<Integer>, SharedFlags.User {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreCommand.class);

  private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("restore");
  private final CommandOptions options = new CommandOptions(spec);
  private final ConfigFlags config = new ConfigFlags();

  private final CommandOptions.Value<Path> output =
      options.option(
          Path.class, "-o", "PATH", "Output path (default: the database's path in the config).");
  private final CommandOptions.Value<String> txid =
      options.option(
          String.class, "-txid", "TXID", "Restore up to this TXID (16 hex digits, inclusive).");
  private final CommandOptions.Value<String> timestamp =
      options.option(
          String.class,
          "-timestamp",
          "TIMESTAMP",
          "Restore the last transaction created before this RFC 3339 time (or \"now\"); a time after"
              + " the newest backup restores the latest state.");
  private final CommandOptions.Value<Integer> parallelism =
      options.option(
          int.class,
          "-parallelism",
          "N",
          "8",
          "Files downloaded concurrently (default: ${DEFAULT-VALUE}).");
  private final CommandOptions.Flag ifDbNotExists =
      options.flag("-if-db-not-exists", "Exit successfully if the output database already exists.");
  private final CommandOptions.Flag ifReplicaExists =
      options.flag(
          "-if-replica-exists",
          "Exit successfully if the replica has no backups (or not the -txid asked for).");
  private final CommandOptions.Flag dryRun =
      options.flag("-dry-run", "Print the restore plan and exit without writing a database.");
  private final CommandOptions.Flag force =
      options.flag("-force", "Overwrite an existing output database and its SQLite sidecar files.");
  private final CommandOptions.Flag json =
      options.flag("-json", "Print a JSON summary (logs go to stderr).");
  private final CommandOptions.Value<String> integrityCheck =
      options.option(
          String.class,
          "-integrity-check",
          "MODE",
          "none",
          "SQLite check of the restored database: none, quick or full (default: ${DEFAULT-VALUE}).");
  private final CommandOptions.Flag follow =
      options.flag(
          "-f",
          "Follow mode: restore, then keep applying new transactions until stopped"
              + " (readers open the output read-only).");
  private final CommandOptions.Value<String> followInterval =
      options.option(
          String.class,
          "-follow-interval",
          "DURATION",
          "How often follow mode polls the replica (default: 1s).");
  private final CommandOptions.Values<String> args =
      options.parameters(String.class, "0..*", "DB_PATH|REPLICA_URL");

  RestoreCommand() {
    spec.usageMessage()
        .description("Restores a database from a replica (latest, -txid or -timestamp).");
  }

  /** The model picocli parses into; its user object is this command. */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public List<SharedFlags> sharedFlags() {
    return List.of(config);
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(new LoggingConfig("info", "text", json.isSet(), false), null);
    config.stdoutIsOutput = json.isSet();
    List<String> positional = args.get();
    if (positional.isEmpty() || positional.getFirst().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "database path or replica URL required");
    }
    if (positional.size() > 1) {
      throw new ParameterException(spec.commandLine(), "too many arguments");
    }
    if (followInterval.get() != null && !follow.isSet()) {
      throw new IllegalArgumentException("-follow-interval requires -f");
    }
    if (follow.isSet() && (txid.get() != null || timestamp.get() != null)) {
      throw new IllegalArgumentException("cannot use follow mode with -txid or -timestamp");
    }
    if (follow.isSet() && dryRun.isSet()) {
      throw new IllegalArgumentException("cannot use -dry-run with follow mode");
    }
    IntegrityCheck check = IntegrityCheck.parse(integrityCheck.get());
    RestoreTarget target = target();
    int downloads = parallelism.get();
    if (downloads < 1) {
      throw new IllegalArgumentException("-parallelism must be at least 1, got " + downloads);
    }
    String source = positional.getFirst();
    Map<String, String> env = System.getenv();
    PrintWriter out = spec.commandLine().getOut();
    if (ReplicaSource.isUrl(source) && output.get() == null) {
      if (config.given()) {
        throw new IllegalArgumentException("cannot specify a replica URL and the -config flag");
      }
      throw new ParameterException(
          spec.commandLine(), "-o is required when restoring from a replica URL");
    }
    ReplicaSource replica = ReplicaSource.resolve(source, config, env, spec.commandLine().getErr());
    try (var client = replica.client()) {
      @Nullable Path given = output.get();
      Path outPath = given != null ? given : replica.db().orElseThrow().path().orElseThrow();
      if (ifDbNotExists.isSet() && Files.exists(outPath)) {
        LOG.info("database already exists, skipping");
        return 0;
      }
      if (force.isSet() && !dryRun.isSet()) {
        DatabaseInUse.refuse(outPath);
      }
      if (follow.isSet()) {
        return follow(client, replica.description(), outPath);
      }
      Restorer restorer = new Restorer(client, replica.description());
      if (dryRun.isSet()) {
        printPlan(out, source, outPath, client.type(), restorer.plan(target));
        return 0;
      }
      ProgressBar bar =
          json.isSet() ? new ProgressBar(null, System::nanoTime) : ProgressBar.forTerminal();
      Logging.beforeEachLine(bar::finish);
      RestoreSignals signals = RestoreSignals.install("restore", outPath);
      RestoreResult result;
      try {
        result =
            restorer.restore(
                RestoreOptions.of(outPath)
                    .withTarget(target)
                    .withParallelism(downloads)
                    .withIntegrityCheck(check)
                    .withForce(force.isSet())
                    .withProgress(bar));
      } catch (IOException | RuntimeException e) {
        if (e instanceof RestoreException re && nothingToRestore(re)) {
          return 0;
        }
        throw signals.explain(e);
      } finally {
        signals.close();
        bar.finish();
      }
      if (json.isSet()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("db_path", outPath.toString());
        m.put("replica", client.type());
        m.put("txid", Txid.format(result.txid()));
        m.put("duration_ms", result.duration().toMillis());
        m.put("integrity_check", check.flagValue());
        out.println(JsonOut.render(m));
        out.flush();
      }
      return 0;
    }
  }

  /**
   * {@code -f}: restore or resume, then apply new transactions until SIGINT/SIGTERM (exit 0) or an
   * error.
   */
  private int follow(ReplicaClient client, String description, Path outPath) throws Exception {
    Duration interval = FollowOptions.DEFAULT_INTERVAL;
    @Nullable String every = followInterval.get();
    if (every != null) {
      try {
        interval = GoDuration.parse(every);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid -follow-interval \""
                + every
                + "\": "
                + e.getMessage()
                + " (use a duration such as 100ms or 1s)");
      }
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("-follow-interval must be positive, got " + every);
      }
    }
    RestoreSignals signals = RestoreSignals.install("restore", outPath);
    try {
      Follower follower;
      try {
        follower =
            Follower.start(
                client,
                description,
                FollowOptions.of(outPath).withInterval(interval).withForce(force.isSet()));
      } catch (IOException | RuntimeException e) {
        if (e instanceof RestoreException re && nothingToRestore(re)) {
          return 0;
        }
        throw signals.explain(e);
      }
      signals.following(follower);
      LOG.atInfo()
          .addKeyValue("db", outPath)
          .addKeyValue("replica", description)
          .log("following every {} ms; stop with Ctrl+C", interval.toMillis());
      try {
        follower.awaitTermination();
      } finally {
        follower.close();
      }
      LOG.atInfo()
          .addKeyValue("db", outPath)
          .addKeyValue("txid", Txid.format(follower.txid()))
          .log("follower stopped ({})", signals.last());
      return 0;
    } finally {
      signals.close();
    }
  }

  /**
   * {@code -if-replica-exists} and a replica without backups, or without the {@code -txid} asked
   * for: not an error (logged), as in Litestream. A {@code -timestamp} outside the replica's
   * history stays an error there too.
   */
  private boolean nothingToRestore(RestoreException e) {
    if (!ifReplicaExists.isSet()) {
      return false;
    }
    if (e.reason() == RestoreException.Reason.NO_BACKUPS) {
      LOG.info("no matching backups found");
      return true;
    }
    if (e.reason() == RestoreException.Reason.TARGET_NOT_AVAILABLE && txid.get() != null) {
      LOG.info("no matching backups found: {}", e.getMessage());
      return true;
    }
    return false;
  }

  private RestoreTarget target() {
    @Nullable String tx = txid.get();
    @Nullable String time = timestamp.get();
    if (tx != null && time != null) {
      throw new IllegalArgumentException("cannot specify both TXID & timestamp to restore");
    }
    if (time != null) {
      try {
        return RestoreTarget.timestamp(
            "now".equals(time) ? java.time.Instant.now() : OffsetDateTime.parse(time).toInstant());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
      }
    }
    if (tx != null) {
      long t;
      try {
        t = Txid.parse(tx);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid -txid value \"" + tx + "\": a TXID is 16 hex digits, e.g. 000000000000002a");
      }
      return t == 0 ? RestoreTarget.latest() : RestoreTarget.txid(t);
    }
    return RestoreTarget.latest();
  }

  private void printPlan(
      PrintWriter out, String source, Path outPath, String type, RestorePlan plan) {
    TableOrJson files =
        new TableOrJson(
            Column.of("level"),
            new Column("name", "file"),
            Column.of("min_txid"),
            Column.of("max_txid"),
            Column.of("size"),
            Column.of("timestamp"));
    for (LtxFileInfo f : plan.files()) {
      files.row(
          f.level(),
          f.name(),
          Txid.format(f.minTxid()),
          Txid.format(f.maxTxid()),
          f.size(),
          Rfc3339.format(f.createdAt()));
    }
    if (json.isSet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", source);
      m.put("target_path", outPath.toString());
      m.put("replica", type);
      m.put("min_txid", Txid.format(plan.minTxid()));
      m.put("max_txid", Txid.format(plan.maxTxid()));
      m.put("files", files.jsonRows());
      out.println(JsonOut.render(m));
      out.flush();
      return;
    }
    out.println("Restore plan:");
    out.println("  source: " + source);
    out.println("  target: " + outPath);
    out.println("  replica: " + type);
    out.println(
        "  txid range: " + Txid.format(plan.minTxid()) + " - " + Txid.format(plan.maxTxid()));
    out.println();
    out.println("Files to fetch:");
    files.print(out, false);
  }
}
