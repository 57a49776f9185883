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
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code restore [flags] DB_PATH|REPLICA_URL}: Litestream's restore, flag for flag. Unlike
 * Litestream, {@code -parallelism} really downloads that many files at once (into a staging
 * directory next to the output) before the single merge pass, which streams the largest file
 * (usually the snapshot) itself. Output: silent on success (logs only), {@code -json} prints {@code
 * {"db_path","replica","txid","duration_ms","integrity_check"}}, {@code -dry-run} prints the plan.
 */
@Command(
    name = "restore",
    description = "Restores a database from a replica (latest, -txid or -timestamp).")
final class RestoreCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreCommand.class);

  @Spec CommandSpec spec;

  @Mixin ConfigFlags config;

  @Option(
      names = "-o",
      paramLabel = "PATH",
      description = "Output path (default: the database's path in the config).")
  @Nullable Path output;

  @Option(
      names = "-txid",
      paramLabel = "TXID",
      description = "Restore up to this TXID (16 hex digits, inclusive).")
  @Nullable String txid;

  @Option(
      names = "-timestamp",
      paramLabel = "TIMESTAMP",
      description =
          "Restore the last transaction created before this RFC 3339 time (or \"now\"); a time after the newest backup restores the latest state.")
  @Nullable String timestamp;

  @Option(
      names = "-parallelism",
      paramLabel = "N",
      defaultValue = "8",
      description = "Files downloaded concurrently (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "-if-db-not-exists",
      description = "Exit successfully if the output database already exists.")
  boolean ifDbNotExists;

  @Option(
      names = "-if-replica-exists",
      description = "Exit successfully if the replica has no backups.")
  boolean ifReplicaExists;

  @Option(
      names = "-dry-run",
      description = "Print the restore plan and exit without writing a database.")
  boolean dryRun;

  @Option(
      names = "-force",
      description = "Overwrite an existing output database and its SQLite sidecar files.")
  boolean force;

  @Option(names = "-json", description = "Print a JSON summary (logs go to stderr).")
  boolean json;

  @Option(
      names = "-integrity-check",
      paramLabel = "MODE",
      defaultValue = "none",
      description =
          "SQLite check of the restored database: none, quick or full (default: ${DEFAULT-VALUE}).")
  String integrityCheck;

  @Option(
      names = "-f",
      description =
          "Follow mode: restore, then keep applying new transactions until stopped"
              + " (readers open the output read-only).")
  boolean follow;

  @Option(
      names = "-follow-interval",
      paramLabel = "DURATION",
      description = "How often follow mode polls the replica (default: 1s).")
  @Nullable String followInterval;

  @Mixin HelpFlag help;

  @Parameters(arity = "0..*", paramLabel = "DB_PATH|REPLICA_URL")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Logging.configure(new LoggingConfig("info", "text", json, false), null);
    config.stdoutIsOutput = json;
    if (args.isEmpty() || args.getFirst().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "database path or replica URL required");
    }
    if (args.size() > 1) {
      throw new ParameterException(spec.commandLine(), "too many arguments");
    }
    if (followInterval != null && !follow) {
      throw new IllegalArgumentException("-follow-interval requires -f");
    }
    if (follow && (txid != null || timestamp != null)) {
      throw new IllegalArgumentException("cannot use follow mode with -txid or -timestamp");
    }
    if (follow && dryRun) {
      throw new IllegalArgumentException("cannot use -dry-run with follow mode");
    }
    IntegrityCheck check = IntegrityCheck.parse(integrityCheck);
    RestoreTarget target = target();
    if (parallelism < 1) {
      throw new IllegalArgumentException("-parallelism must be at least 1, got " + parallelism);
    }
    String source = args.getFirst();
    Map<String, String> env = System.getenv();
    PrintWriter out = spec.commandLine().getOut();
    if (ReplicaSource.isUrl(source) && output == null) {
      if (config.given()) {
        throw new IllegalArgumentException("cannot specify a replica URL and the -config flag");
      }
      throw new ParameterException(
          spec.commandLine(), "-o is required when restoring from a replica URL");
    }
    ReplicaSource replica = ReplicaSource.resolve(source, config, env, spec.commandLine().getErr());
    try (var client = replica.client()) {
      Path outPath = output != null ? output : replica.db().orElseThrow().path().orElseThrow();
      if (ifDbNotExists && Files.exists(outPath)) {
        LOG.info("database already exists, skipping");
        return 0;
      }
      if (follow) {
        return follow(client, replica.description(), outPath);
      }
      Restorer restorer = new Restorer(client, replica.description());
      if (dryRun) {
        printPlan(out, source, outPath, client.type(), restorer.plan(target));
        return 0;
      }
      ProgressBar bar = json ? new ProgressBar(null, System::nanoTime) : ProgressBar.forTerminal();
      Logging.beforeEachLine(bar::finish);
      RestoreResult result;
      try {
        result =
            restorer.restore(
                RestoreOptions.of(outPath)
                    .withTarget(target)
                    .withParallelism(parallelism)
                    .withIntegrityCheck(check)
                    .withForce(force)
                    .withProgress(bar));
      } catch (RestoreException e) {
        if (ifReplicaExists && e.reason() == RestoreException.Reason.NO_BACKUPS) {
          LOG.info("no matching backups found");
          return 0;
        }
        throw e;
      } finally {
        bar.finish();
      }
      if (json) {
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
    if (followInterval != null) {
      try {
        interval = GoDuration.parse(followInterval);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid -follow-interval \""
                + followInterval
                + "\": "
                + e.getMessage()
                + " (use a duration such as 100ms or 1s)");
      }
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException(
            "-follow-interval must be positive, got " + followInterval);
      }
    }
    Follower follower;
    try {
      follower =
          Follower.start(
              client,
              description,
              FollowOptions.of(outPath).withInterval(interval).withForce(force));
    } catch (RestoreException e) {
      if (ifReplicaExists && e.reason() == RestoreException.Reason.NO_BACKUPS) {
        LOG.info("no matching backups found");
        return 0;
      }
      throw e;
    }
    Signals signals = new Signals();
    signals.install(
        n -> {
          try {
            follower.close();
          } catch (java.io.IOException e) {
            LOG.atWarn().addKeyValue("db", outPath).log("closing the follower: {}", e.getMessage());
          }
        });
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
  }

  private RestoreTarget target() {
    if (txid != null && timestamp != null) {
      throw new IllegalArgumentException("cannot specify both TXID & timestamp to restore");
    }
    if (timestamp != null) {
      try {
        return RestoreTarget.timestamp(
            "now".equals(timestamp)
                ? java.time.Instant.now()
                : OffsetDateTime.parse(timestamp).toInstant());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
      }
    }
    if (txid != null) {
      long t;
      try {
        t = Txid.parse(txid);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid -txid value \"" + txid + "\": a TXID is 16 hex digits, e.g. 000000000000002a");
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
    if (json) {
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
