package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litestream4j.ltx.Txid;
import io.litestream4j.server.Json;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code replicate} process with metrics, status page, control socket and MCP server all
 * enabled, checked from the outside: metric names and labels against Litestream's, the lag metric
 * rising while the replica is unreachable and falling after, the status page in headless Chromium,
 * every socket verb with {@code -json}, {@code sync -wait} giving a restorable replica, and MCP
 * initialize / tools/list / tools/call.
 */
class OperationsEndToEndTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private Path db;
  private Path replica;
  private Path socket;
  private int addrPort;
  private int mcpPort;

  @BeforeEach
  void startReplicate() throws Exception {
    db = dir.resolve("app.db");
    replica = dir.resolve("replica");
    socket = dir.resolve("l4j.sock");
    sqlite.run(
        db,
        "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('a');");
    addrPort = freePort();
    mcpPort = freePort();
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        addr: "127.0.0.1:%d"
        mcp-addr: "127.0.0.1:%d"
        l0-retention-check-interval: 1s
        socket:
          enabled: true
          path: %s
        dbs:
          - path: %s
            checkpoint-interval: 1s
            replica:
              url: %s
              sync-interval: 100ms
        """
            .formatted(addrPort, mcpPort, socket, db, replica.toUri()));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "replicate",
                "-config",
                config.toString()));
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("replicate.log").toFile())
            .start();
    Await.until(
        () -> Files.exists(socket) && get("/metrics").statusCode() == 200,
        Duration.ofSeconds(60),
        "replicate to serve metrics and the socket; log:\n" + log());
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.destroy();
      boolean exited = process.waitFor(60, TimeUnit.SECONDS);
      process.destroyForcibly();
      assertThat(exited).as("replicate exits on SIGTERM").isTrue();
      assertThat(process.exitValue()).as(log()).isZero();
      assertThat(socket).as("socket file removed on shutdown").doesNotExist();
    }
  }

  @Test
  void metricsLagStatusPageSocketVerbsAndMcp() throws Exception {
    // sync -wait: returns once the replica holds the commit; the replica restores to the source.
    sqlite.run(db, "INSERT INTO t(v) VALUES ('b'), ('c');");
    CliRun sync = CliRun.of("sync", "-wait", "-json", "-socket", socket, db);
    assertThat(sync.exitCode()).as(sync.toString()).isZero();
    Map<String, Object> s = Json.parseObject(sync.out().strip());
    assertThat(s).containsOnlyKeys("db_path", "txid", "replica_txid", "duration_ms");
    assertThat(s.get("replica_txid")).isEqualTo(s.get("txid"));
    L0Restore.assertReplicaEquals(replica, db);

    assertMetricsMatchLitestream();
    assertLagRisesWhileReplicaUnreachableAndFallsAfter();
    assertStatusPageInChromium();
    assertSocketVerbs();
    assertMcp();
  }

  private void assertMetricsMatchLitestream() throws Exception {
    String m = get("/metrics").body();
    String label = "{db=\"" + db + "\"}";
    for (String gauge :
        List.of(
            "litestream_db_size",
            "litestream_wal_size",
            "litestream_txid",
            "litestream_disk_full",
            "litestream_replication_lag_seconds",
            "litestream_replication_lag_txids",
            "litestream_replica_txid",
            "litestream_last_upload_timestamp_seconds")) {
      assertThat(m).contains("# TYPE " + gauge + " gauge\n").contains("\n" + gauge + label + " ");
    }
    for (String counter :
        List.of(
            "litestream_total_wal_bytes",
            "litestream_sync_count",
            "litestream_sync_error_count",
            "litestream_sync_seconds",
            "litestream_compaction_verify_error_count")) {
      assertThat(m)
          .contains("# TYPE " + counter + " counter\n")
          .contains("\n" + counter + label + " ")
          .doesNotContain(counter + "_total");
    }
    assertThat(m)
        .contains("# TYPE litestream_replica_operation_total counter")
        .containsPattern(
            "litestream_replica_operation_total\\{operation=\"PUT\",replica_type=\"file\"} [1-9]")
        .containsPattern(
            "litestream_replica_operation_bytes\\{operation=\"PUT\",replica_type=\"file\"} [1-9]")
        .contains("# TYPE litestream_replica_operation_duration_seconds histogram")
        .contains(
            "litestream_replica_operation_duration_seconds_bucket{operation=\"PUT\",replica_type=\"file\",le=\"0.01\"}")
        .containsPattern(
            "litestream_replica_level_bytes\\{db=\""
                + Pattern.quote(db.toString())
                + "\",level=\"0\"} [1-9]")
        .contains("litestream_restorable_newest_timestamp_seconds" + label)
        .contains("litestream_restorable_oldest_timestamp_seconds" + label);
    assertThat(metric(m, "litestream_sync_count" + label)).isPositive();
    String passive = "litestream_checkpoint_count{db=\"" + db + "\",mode=\"PASSIVE\"}";
    assertThat(m)
        .contains(
            "# TYPE litestream_checkpoint_count counter\n",
            "# TYPE litestream_checkpoint_seconds counter\n",
            "litestream_checkpoint_error_count{db=\"" + db + "\",mode=\"PASSIVE\"} 0");
    // A time-based checkpoint needs a sync at least 1s after the previous one: keep committing
    // until it runs.
    Await.until(
        () -> {
          sqlite.run(db, "INSERT INTO t(v) VALUES ('checkpoint');");
          return metric(get("/metrics").body(), passive) >= 1;
        },
        Duration.ofSeconds(60),
        "a PASSIVE checkpoint (checkpoint-interval 1s) to be counted");
    assertThat(metric(get("/metrics").body(), "litestream_total_wal_bytes" + label))
        .as("the INSERTs went through the WAL into L0 files; log:\n%s", log())
        .isPositive();
    Await.until(
        () ->
            get("/metrics")
                .body()
                .contains(
                    "litestream_l0_retention_files_total{db=\"app.db\",status=\"not_compacted\"} "),
        Duration.ofSeconds(30),
        "an L0 retention pass (every 1s) to be reported");

    // Per-database loops are virtual threads (not in a platform thread dump); the socket's is not.
    assertThat(get("/debug/threads").body()).contains("\"l4j-control-socket\"", "\"main\"");
    assertThat(get("/txid?path=" + dir.resolve("nope.db")).statusCode()).isEqualTo(404);
    var txid = get("/txid?path=" + db);
    assertThat(txid.statusCode()).isEqualTo(200);
    assertThat(((Number) Json.parseObject(txid.body()).get("txid")).doubleValue())
        .isEqualTo(metric(get("/metrics").body(), "litestream_txid" + label));
  }

  private void assertLagRisesWhileReplicaUnreachableAndFallsAfter() throws Exception {
    String label = "{db=\"" + db + "\"}";
    // As root, permissions do not stop writes: put a regular file where the replica directory was.
    Path away = dir.resolve("replica.away");
    Files.move(replica, away);
    Files.writeString(replica, "not a directory");
    sqlite.run(db, "INSERT INTO t(v) VALUES ('during outage');");
    Await.until(
        () -> metric(get("/metrics").body(), "litestream_replication_lag_txids" + label) >= 1,
        Duration.ofSeconds(30),
        "lag in TXIDs while the replica is unreachable");
    double first = metric(get("/metrics").body(), "litestream_replication_lag_seconds" + label);
    Await.until(
        () ->
            metric(get("/metrics").body(), "litestream_replication_lag_seconds" + label)
                > first + 1.0,
        Duration.ofSeconds(30),
        "lag in seconds to keep rising during the outage");
    String page = get("/").body();
    assertThat(page).contains("upload failed");
    CliRun failing = CliRun.of("sync", "-wait", "-timeout", "1", "-json", "-socket", socket, db);
    assertThat(failing.exitCode())
        .as("sync -wait cannot succeed while the replica is down")
        .isEqualTo(1);
    assertThat(failing.err()).contains("timed out");

    Files.delete(replica);
    Files.move(away, replica);
    Await.until(
        () ->
            metric(get("/metrics").body(), "litestream_replication_lag_seconds" + label) == 0
                && metric(get("/metrics").body(), "litestream_replication_lag_txids" + label) == 0,
        Duration.ofSeconds(90),
        "lag back to 0 after the replica is reachable again");
    L0Restore.assertReplicaEquals(replica, db);
  }

  private void assertStatusPageInChromium() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assumeTrue(
        Files.isExecutable(chromium),
        "Debian package chromium is not installed: status page browser check skipped");
    String url = "http://127.0.0.1:" + addrPort + "/";
    Path artifacts = Path.of("target", "status-page");
    Files.createDirectories(artifacts);
    Path screenshot = artifacts.resolve("status-page.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    String dom = chromium(List.of("--dump-dom", url), profile);
    long localTxid =
        Long.parseLong(Json.parseObject(get("/txid?path=" + db).body()).get("txid").toString());
    assertThat(dom)
        .contains("litestream4j")
        .contains(db.toString())
        .contains("replicating")
        .contains(Txid.format(localTxid))
        .contains("http-equiv=\"refresh\"")
        .contains("L0:")
        .contains("<td class=\"ok\">replicating</td>")
        .contains("<td class=\"lag \">0.0 s (0 TXIDs)</td>")
        .contains("<td class=\"window\">")
        .as("the listing follows the replica's TXID: L0 holds every file up to the local TXID")
        .contains("L0: " + localTxid + " files");
    chromium(List.of("--screenshot=" + screenshot, "--window-size=1400,500", url), profile);
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(1000);
  }

  private String chromium(List<String> args, Path profile) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "/usr/bin/chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--user-data-dir=" + profile));
    cmd.addAll(args);
    Path out = Files.createTempFile(dir, "chromium", ".out");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finishes").isTrue();
    assertThat(p.exitValue()).isZero();
    return Files.readString(out);
  }

  private void assertSocketVerbs() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");

    Map<String, Object> info = json(CliRun.of("info", "-json", "-socket", socket));
    assertThat(info)
        .containsOnlyKeys("version", "pid", "uptime_seconds", "started_at", "database_count");
    assertThat(info.get("pid")).isEqualTo(process.pid());
    assertThat(info.get("database_count")).isEqualTo(1L);

    CliRun infoText = CliRun.of("info", "-socket", socket);
    assertThat(infoText.out())
        .startsWith("Litestream v")
        .contains(
            "\nPID: " + process.pid() + "\n", "\nUptime: ", "\nStarted at: ", "\nDatabases: 1\n");
    CliRun syncText = CliRun.of("sync", "-wait", "-socket", socket, db);
    assertThat(syncText.out())
        .matches(
            "db_path: "
                + Pattern.quote(db.toString())
                + "\ntxid: (\\d+)\nreplica_txid: \\1\nduration_ms: \\d+\n");
    Map<String, Object> list = json(CliRun.of("list", "-json", "-socket", socket));
    assertThat(list.get("databases").toString())
        .contains("path=" + db, "status=replicating", "last_sync_at=");

    Map<String, Object> stop = json(CliRun.of("stop", "-json", "-socket", socket, db));
    assertThat(stop).containsOnlyKeys("status", "db_path", "state", "txid", "socket");
    assertThat(stop).containsEntry("status", "stopped").containsEntry("state", "stopped");
    assertThat(json(CliRun.of("stop", "-json", "-socket", socket, db)))
        .containsEntry("status", "already_stopped");
    CliRun notOpen = CliRun.of("sync", "-json", "-socket", socket, db);
    assertThat(notOpen.exitCode()).isEqualTo(1);
    assertThat(notOpen.err()).contains("not open");

    sqlite.run(db, "INSERT INTO t(v) VALUES ('while stopped');");
    Map<String, Object> start = json(CliRun.of("start", "-json", "-socket", socket, db));
    assertThat(start).containsEntry("status", "started").containsEntry("state", "running");
    assertThat(json(CliRun.of("start", "-json", "-socket", socket, db)))
        .containsEntry("status", "already_running");
    json(CliRun.of("sync", "-wait", "-json", "-socket", socket, db));
    L0Restore.assertReplicaEquals(replica, db);

    Path other = dir.resolve("other.db");
    Path otherReplica = dir.resolve("other-replica");
    sqlite.run(other, "PRAGMA journal_mode=wal; CREATE TABLE o(x); INSERT INTO o VALUES (1);");
    Map<String, Object> reg =
        json(
            CliRun.of(
                "register", "-json", "-socket", socket, "-replica", otherReplica.toUri(), other));
    assertThat(reg)
        .containsOnlyKeys("status", "db_path", "replica", "socket")
        .containsEntry("status", "registered");
    assertThat(
            json(
                CliRun.of(
                    "register",
                    "-json",
                    "-socket",
                    socket,
                    "-replica",
                    otherReplica.toUri(),
                    other)))
        .containsEntry("status", "already_registered");
    Map<String, Object> otherSync =
        json(CliRun.of("sync", "-wait", "-json", "-socket", socket, other));
    assertThat(otherSync.get("replica_txid")).isEqualTo(otherSync.get("txid"));
    L0Restore.assertReplicaEquals(otherReplica, other);
    CliRun again =
        CliRun.of("register", "-socket", socket, "-replica", otherReplica.toUri(), other);
    assertThat(again.out())
        .isEqualTo(
            "status: already registered\ndb_path: "
                + other
                + "\nreplica: "
                + otherReplica.toUri()
                + "\nsocket: "
                + socket
                + "\n");
    CliRun text = CliRun.of("list", "-socket", socket);
    assertThat(text.out()).contains(other + " [replicating] (last sync: ");

    Map<String, Object> unreg = json(CliRun.of("unregister", "-json", "-socket", socket, other));
    assertThat(unreg)
        .containsOnlyKeys("status", "db_path", "final_txid", "socket")
        .containsEntry("status", "unregistered");
    assertThat(json(CliRun.of("unregister", "-json", "-socket", socket, other)))
        .containsEntry("status", "already_unregistered");
    assertThat(json(CliRun.of("info", "-json", "-socket", socket)).get("database_count"))
        .isEqualTo(1L);

    CliRun unknown = CliRun.of("start", "-socket", socket, dir.resolve("nope.db"));
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("database not found");
    CliRun noSocket = CliRun.of("info", "-socket", dir.resolve("missing.sock"));
    assertThat(noSocket.exitCode()).isEqualTo(1);
    assertThat(noSocket.err()).contains("does not exist");
  }

  private void assertMcp() throws Exception {
    Map<String, Object> init =
        mcp(
            """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},
         "clientInfo":{"name":"test","version":"1"}}}""");
    assertThat(init.toString()).contains("protocolVersion=2025-03-26", "tools=");
    assertThat(
            post(mcpPort, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .statusCode())
        .isEqualTo(202);
    Map<String, Object> tools = mcp("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assertThat(tools.toString())
        .contains(
            "litestream_info",
            "litestream_databases",
            "litestream_status",
            "litestream_ltx",
            "litestream_restore",
            "litestream_reset",
            "litestream_version");

    Map<String, Object> version =
        mcp(
            """
        {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"litestream_version","arguments":{}}}""");
    assertThat(version.toString()).contains("isError=false", "text=v");
    Map<String, Object> ltx =
        mcp(
            """
        {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"litestream_ltx","arguments":{"path":"%s"}}}"""
                .formatted(db));
    assertThat(ltx.toString()).contains("isError=false", "min_txid");

    // Booleans are real flags: restoring over an existing file is skipped with if_db_not_exists:
    // true ...
    Path out = dir.resolve("restored.db");
    Files.writeString(out, "existing");
    Map<String, Object> skipped =
        mcp(
            """
        {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"litestream_restore",
         "arguments":{"path":"%s","o":"%s","if_db_not_exists":true}}}"""
                .formatted(replica.toUri(), out));
    assertThat(skipped.toString()).contains("isError=false");
    assertThat(Files.readString(out)).isEqualTo("existing");
    // ... and false leaves the flag out, so the restore refuses to overwrite.
    Map<String, Object> refused =
        mcp(
            """
        {"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"litestream_restore",
         "arguments":{"path":"%s","o":"%s","if_db_not_exists":false}}}"""
                .formatted(replica.toUri(), out));
    assertThat(refused.toString()).contains("isError=true");
    Files.delete(out);
    Map<String, Object> restored =
        mcp(
            """
        {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"litestream_restore",
         "arguments":{"path":"%s","o":"%s","if_db_not_exists":true}}}"""
                .formatted(replica.toUri(), out));
    assertThat(restored.toString()).contains("isError=false");
    assertThat(io.litestream4j.testing.DbCompare.dump(out))
        .isEqualTo(io.litestream4j.testing.DbCompare.dump(db));

    Map<String, Object> unknown = mcp("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"nope\"}");
    assertThat(unknown.toString()).contains("code=-32601");
  }

  // ---------------------------------------------------------------------------------------------

  private Map<String, Object> mcp(String body) throws Exception {
    HttpResponse<String> r = post(mcpPort, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.parseObject(r.body());
  }

  private HttpResponse<String> post(int port, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + addrPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> json(CliRun r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return Json.parseObject(r.out().strip());
  }

  static double metric(String exposition, String nameAndLabels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(exposition);
    if (!m.find()) {
      throw new AssertionError("no sample " + nameAndLabels + " in:\n" + exposition);
    }
    return Double.parseDouble(m.group(1));
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("replicate.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
