package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  static final Map<String, String> ENV = Map.of("HOME", "/home/tester", "BUCKET", "env-bucket");

  static LoadedConfig load(String yaml) {
    return ConfigLoader.parse(yaml, "test.yml", true, ENV);
  }

  static Config config(String yaml) {
    LoadedConfig loaded = load(yaml);
    assertThat(loaded.warnings()).as("warnings").isEmpty();
    return loaded.config();
  }

  static DbConfig onlyDb(String yaml) {
    return config(yaml).dbs().getFirst();
  }

  static final String MINIMAL =
      """
      dbs:
        - path: /data/app.db
          replica:
            url: file:///backups/app
      """;

  @Nested
  class Defaults {

    @Test
    void emptyFileGivesLitestreamDefaults() {
      for (String yaml : new String[] {"", "# only a comment\n", "---\n"}) {
        Config c = config(yaml);
        assertThat(c).isEqualTo(Config.defaults());
      }
      Config c = Config.defaults();
      assertThat(c.dbs()).isEmpty();
      assertThat(c.levels())
          .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1));
      assertThat(c.snapshot())
          .isEqualTo(new SnapshotConfig(Duration.ofHours(24), Duration.ofHours(24)));
      assertThat(c.l0Retention()).isEqualTo(Duration.ofMinutes(5));
      assertThat(c.l0RetentionCheckInterval()).isEqualTo(Duration.ofSeconds(15));
      assertThat(c.retentionEnabled()).isTrue();
      assertThat(c.verifyCompaction()).isFalse();
      assertThat(c.validationInterval()).isEmpty();
      assertThat(c.shutdownSyncTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(c.shutdownSyncInterval()).isEqualTo(Duration.ofMillis(500));
      assertThat(c.heartbeatUrl()).isEmpty();
      assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMinutes(5));
      assertThat(c.logging()).isEqualTo(new LoggingConfig("info", "text", false, false));
      assertThat(c.socket())
          .isEqualTo(new SocketConfig(false, Path.of("/var/run/litestream.sock"), 0600));
      assertThat(c.addr()).isEmpty();
      assertThat(c.mcpAddr()).isEmpty();
      assertThat(c.exec()).isEmpty();
      assertThat(c.replicaDefaults().keys()).isEmpty();
    }

    @Test
    void databaseAndReplicaDefaults() {
      DbConfig db = onlyDb(MINIMAL);
      assertThat(db.path()).contains(Path.of("/data/app.db"));
      assertThat(db.dir()).isEmpty();
      assertThat(db.monitorInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(db.checkpointInterval()).isEqualTo(Duration.ofMinutes(1));
      assertThat(db.busyTimeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(db.minCheckpointPageCount()).isEqualTo(1000);
      assertThat(db.truncatePageN()).isEqualTo(121_359);
      assertThat(db.maxSyncWalBytes()).isEqualTo(64L * 1024 * 1024);
      assertThat(db.restoreIfDbNotExists()).isFalse();
      assertThat(db.metaPath()).isEmpty();
      assertThat(db.resolvedMetaPath()).isEqualTo(Path.of("/data/.app.db-litestream"));

      ReplicaConfig replica = db.replica();
      assertThat(replica.type()).isEqualTo("file");
      assertThat(replica.url()).map(ReplicaUrl::path).contains("/backups/app");
      assertThat(replica.path()).isEmpty();
      assertThat(replica.syncInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(replica.maxSyncLtxFiles()).isEqualTo(256);
      assertThat(replica.autoRecover()).isFalse();
      assertThat(replica.options().keys()).isEmpty();
      assertThat(replica.describe()).isEqualTo("file:///backups/app");
    }
  }

  @Nested
  class EveryKey {

    @Test
    void globalKeys() {
      Config c =
          config(
              """
          addr: ":9090"
          mcp-addr: "127.0.0.1:3001"
          exec: "myapp -serve"
          logging:
            level: DEBUG
            type: json
            stderr: true
            source: yes
          socket:
            enabled: on
            path: /run/ls.sock
            permissions: 0660
          levels:
            - interval: 10s
            - interval: 1m30s
          snapshot:
            interval: 12h
            retention: 168h
          l0-retention: 0
          l0-retention-check-interval: 1m
          retention:
            enabled: false
            grace: 0s
          verify-compaction: true
          validation:
            interval: 10m
          shutdown-sync-timeout: 0
          shutdown-sync-interval: 250ms
          heartbeat-url: https://hc.example.com/ping/abc
          heartbeat-interval: 2m
          """);
      assertThat(c.addr()).contains(":9090");
      assertThat(c.mcpAddr()).contains("127.0.0.1:3001");
      assertThat(c.exec()).contains("myapp -serve");
      assertThat(c.logging()).isEqualTo(new LoggingConfig("debug", "json", true, true));
      assertThat(c.socket()).isEqualTo(new SocketConfig(true, Path.of("/run/ls.sock"), 0660));
      assertThat(c.levels()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(90));
      assertThat(c.snapshot())
          .isEqualTo(new SnapshotConfig(Duration.ofHours(12), Duration.ofDays(7)));
      assertThat(c.l0Retention()).isZero();
      assertThat(c.l0RetentionCheckInterval()).isEqualTo(Duration.ofMinutes(1));
      assertThat(c.retentionEnabled()).isFalse();
      assertThat(c.retentionGrace()).isZero();
      assertThat(StoreOptions.from(c).retentionGrace()).isZero();
      assertThat(Config.defaults().retentionGrace()).isEqualTo(Duration.ofHours(1));
      assertThat(c.verifyCompaction()).isTrue();
      assertThat(c.validationInterval()).contains(Duration.ofMinutes(10));
      assertThat(c.shutdownSyncTimeout()).isZero();
      assertThat(c.shutdownSyncInterval()).isEqualTo(Duration.ofMillis(250));
      assertThat(c.heartbeatUrl()).contains("https://hc.example.com/ping/abc");
      assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void databaseKeys() {
      DbConfig db =
          onlyDb(
              """
          dbs:
            - path: /data/app.db
              meta-path: /var/lib/ls/app
              monitor-interval: 0
              checkpoint-interval: 0
              busy-timeout: 5s
              min-checkpoint-page-count: 500
              truncate-page-n: 20000
              max-sync-wal-bytes: 8MiB
              restore-if-db-not-exists: true
              replica:
                url: file:///backups/app
          """);
      assertThat(db.metaPath()).contains(Path.of("/var/lib/ls/app"));
      assertThat(db.resolvedMetaPath()).isEqualTo(Path.of("/var/lib/ls/app"));
      assertThat(db.monitorInterval()).isZero();
      assertThat(db.checkpointInterval()).isZero();
      assertThat(db.busyTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(db.minCheckpointPageCount()).isEqualTo(500);
      assertThat(db.truncatePageN()).isEqualTo(20_000);
      assertThat(db.maxSyncWalBytes()).isEqualTo(8L << 20);
      assertThat(db.restoreIfDbNotExists()).isTrue();
    }

    @Test
    void directoryEntries() {
      DbConfig db =
          onlyDb(
              """
          dbs:
            - dir: /data/tenants
              pattern: "*.db"
              recursive: true
              watch: true
              meta-dir: /var/lib/ls
              replica:
                url: s3://bucket/tenants
          """);
      assertThat(db.path()).isEmpty();
      assertThat(db.dir()).contains(Path.of("/data/tenants"));
      assertThat(db.pattern()).contains("*.db");
      assertThat(db.recursive()).isTrue();
      assertThat(db.watch()).isTrue();
      assertThat(db.metaDir()).contains(Path.of("/var/lib/ls"));
      assertThat(db.identifier()).isEqualTo(Path.of("/data/tenants"));
      assertThatThrownBy(db::resolvedMetaPath).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void replicaKeysWithTypedBackendOptions() {
      LoadedConfig loaded =
          load(
              """
          dbs:
            - path: /data/app.db
              replica:
                type: s3
                bucket: my-bucket
                path: backups/app
                region: eu-west-1
                endpoint: http://localhost:9000
                force-path-style: true
                skip-verify: false
                sign-payload: no
                access-key-id: AKIA
                secret-access-key: shh
                part-size: 10MB
                concurrency: 4
                sync-interval: 250ms
                max-sync-ltx-files: 0
                auto-recover: true
                timeout: 10s
                root-cas: [/etc/ca1.pem, /etc/ca2.pem]
          """);
      assertThat(loaded.warnings())
          .as("max-sync-ltx-files is accepted but has no effect: a warning names it")
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("dbs[0].replica.max-sync-ltx-files: accepted but not implemented");
      ReplicaConfig r = loaded.config().dbs().getFirst().replica();
      assertThat(r.type()).isEqualTo("s3");
      assertThat(r.url()).isEmpty();
      assertThat(r.path()).contains("backups/app");
      assertThat(r.syncInterval()).isEqualTo(Duration.ofMillis(250));
      assertThat(r.maxSyncLtxFiles()).isZero();
      assertThat(r.autoRecover()).isTrue();
      ReplicaOptions o = r.options();
      assertThat(o.string("bucket")).contains("my-bucket");
      assertThat(o.string("region")).contains("eu-west-1");
      assertThat(o.string("endpoint")).contains("http://localhost:9000");
      assertThat(o.bool("force-path-style")).contains(true);
      assertThat(o.bool("skip-verify")).contains(false);
      assertThat(o.bool("sign-payload")).contains(false);
      assertThat(o.number("part-size")).hasValue(10_000_000);
      assertThat(o.number("concurrency")).hasValue(4);
      assertThat(o.duration("timeout")).contains(Duration.ofSeconds(10));
      assertThat(o.strings("root-cas")).containsExactly("/etc/ca1.pem", "/etc/ca2.pem");
      assertThat(o.string("storage-class")).isEmpty();
      assertThat(o.keys()).doesNotContain("sync-interval", "max-sync-ltx-files", "auto-recover");
      assertThat(o.toString()).contains("secret-access-key=***").doesNotContain("shh");
      assertThatThrownBy(() -> o.string("part-size"))
          .hasMessageContaining("is a Long, not a String");
    }

    @Test
    void urlSchemeSelectsTheBackendAndWebdavsIsWebdav() {
      assertThat(
              onlyDb(MINIMAL.replace("file:///backups/app", "s3://bucket/app?region=x"))
                  .replica()
                  .type())
          .isEqualTo("s3");
      assertThat(
              onlyDb(MINIMAL.replace("file:///backups/app", "webdavs://u@host/dav"))
                  .replica()
                  .type())
          .isEqualTo("webdav");
      assertThat(onlyDb(MINIMAL.replace("file:///backups/app", "gs://bucket/app")).replica().url())
          .map(ReplicaUrl::host)
          .contains("bucket");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "true|true", "True|true", "yes|true", "on|true", "Y|true",
          "false|false", "NO|false", "off|false", "n|false", "'false'|false"
        })
    void yaml11Booleans(String text, boolean expected) {
      Config c = config("verify-compaction: " + text + "\n");
      assertThat(c.verifyCompaction()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {"0600|384", "0o600|384", "384|384", "0x180|384", "0b110000000|384"})
    void yaml11Integers(String text, int expected) {
      assertThat(config("socket:\n  permissions: " + text + "\n").socket().permissions())
          .isEqualTo(expected);
    }

    @Test
    void nullValuesMeanUnset() {
      Config c =
          config(
              """
          addr: ~
          exec:
          snapshot:
            interval: null
          levels:
          """);
      assertThat(c).isEqualTo(Config.defaults());
    }

    @Test
    void truncatePageNZeroMeansDefault() {
      assertThat(
              onlyDb(MINIMAL.replace("  replica:", "  truncate-page-n: 0\n    replica:"))
                  .truncatePageN())
          .isEqualTo(121_359);
    }

    @Test
    void plainIntegerByteSizes() {
      assertThat(
              onlyDb(MINIMAL.replace("  replica:", "  max-sync-wal-bytes: 0\n    replica:"))
                  .maxSyncWalBytes())
          .isZero();
      assertThat(
              onlyDb(MINIMAL.replace("  replica:", "  max-sync-wal-bytes: 1048576\n    replica:"))
                  .maxSyncWalBytes())
          .isEqualTo(1 << 20);
    }

    @Test
    void emptyLevelListDisablesCompactionLevels() {
      assertThat(config("levels: []\n").levels()).isEmpty();
    }
  }

  @Nested
  class Paths {

    @Test
    void tildeSqlitePrefixAndRelativePaths() {
      Config c =
          config(
              """
          dbs:
            - path: ~/data/app.db
              meta-path: ~/state
              replica:
                path: ~/backups/app
            - path: sqlite:///srv/x.db
              replica:
                url: file:///backups/x
            - path: sqlite3://relative/y.db
              replica:
                type: file
                path: rel/backup
          """);
      Path cwd = Path.of("").toAbsolutePath();
      DbConfig first = c.dbs().get(0);
      assertThat(first.path()).contains(Path.of("/home/tester/data/app.db"));
      assertThat(first.metaPath()).contains(Path.of("/home/tester/state"));
      assertThat(first.replica().path()).contains("/home/tester/backups/app");
      assertThat(first.replica().describe()).isEqualTo("file:///home/tester/backups/app");
      assertThat(c.dbs().get(1).path()).contains(Path.of("/srv/x.db"));
      assertThat(c.dbs().get(2).path()).contains(cwd.resolve("relative/y.db"));
      assertThat(c.dbs().get(2).replica().path()).contains(cwd.resolve("rel/backup").toString());
    }

    @Test
    void objectStorePathsAreNotTouched() {
      ReplicaConfig r =
          onlyDb(
                  """
          dbs:
            - path: /a.db
              replica:
                type: s3
                bucket: b
                path: ~/prefix
          """)
              .replica();
      assertThat(r.path()).contains("~/prefix");
    }

    @Test
    void findsTheEntryForACommandLinePath() {
      Config c = config(MINIMAL);
      assertThat(c.db(ConfigLoader.expandPath("/data/../data/app.db", ENV))).isPresent();
      assertThat(c.db(ConfigLoader.expandPath("sqlite:///data/app.db", ENV))).isPresent();
      assertThat(c.db(Path.of("/data/other.db"))).isEmpty();
    }
  }

  @Nested
  class EnvironmentExpansion {

    @Test
    void expandsVariablesAcrossTheWholeText() {
      LoadedConfig loaded =
          ConfigLoader.parse(
              """
          addr: ":${PORT}"
          dbs:
            - path: $DATA/app.db
              replica:
                url: s3://${BUCKET}/app-$PID
                access-key-id: $UNSET_KEY
          """,
              "t.yml",
              true,
              Map.of("PORT", "9090", "DATA", "/srv", "BUCKET", "bkt"));
      Config c = loaded.config();
      assertThat(c.addr()).contains(":9090");
      DbConfig db = c.dbs().getFirst();
      assertThat(db.path()).contains(Path.of("/srv/app.db"));
      assertThat(db.replica().url()).map(ReplicaUrl::host).contains("bkt");
      assertThat(db.replica().url())
          .map(ReplicaUrl::path)
          .contains("app-" + ProcessHandle.current().pid());
      assertThat(db.replica().options().string("access-key-id")).isEmpty();
    }

    @Test
    void canBeDisabled() {
      Config c = ConfigLoader.parse("exec: echo $HOME ${X}\n", "t.yml", false, ENV).config();
      assertThat(c.exec()).contains("echo $HOME ${X}");
    }

    @Test
    void logLevelFromEnvironmentWins() {
      String yaml = "logging:\n  level: error\n";
      assertThat(
              ConfigLoader.parse(yaml, "t", true, Map.of("LOG_LEVEL", "WARNING"))
                  .config()
                  .logging()
                  .level())
          .isEqualTo("warn");
      assertThat(ConfigLoader.parse(yaml, "t", true, Map.of()).config().logging().level())
          .isEqualTo("error");
      LoadedConfig bad = ConfigLoader.parse(yaml, "t", true, Map.of("LOG_LEVEL", "chatty"));
      assertThat(bad.config().logging().level()).isEqualTo("error");
      assertThat(bad.warnings())
          .containsExactly(
              "LOG_LEVEL: unknown log level \"chatty\" in the environment, ignored (choose trace, debug, info, warn or error)");
    }
  }

  @Nested
  class ReplicaSelection {

    @Test
    void deprecatedReplicasListWithOneEntryWorksWithAWarning() {
      LoadedConfig loaded =
          load(
              """
          dbs:
            - path: /a.db
              replicas:
                - url: file:///backups/a
                  name: primary
          """);
      assertThat(loaded.config().dbs().getFirst().replica().url())
          .map(ReplicaUrl::path)
          .contains("/backups/a");
      assertThat(loaded.warnings())
          .containsExactly(
              "dbs[0].replicas: deprecated: use a single 'replica' section at test.yml:3",
              "dbs[0].replicas[0].name: deprecated and unused since Litestream 0.5 at test.yml:5");
    }

    @Test
    void moreThanOneReplicaIsRejectedLikeLitestream() {
      assertThatThrownBy(
              () ->
                  load(
                      """
          dbs:
            - path: /a.db
              replicas:
                - url: file:///b1
                - url: file:///b2
          """))
          .isInstanceOf(ConfigException.class)
          .hasMessage(
              "dbs[0].replicas: multiple replicas on a single database are no longer supported"
                  + " (Litestream 0.5 replicates each database to exactly one replica) at test.yml:3");
    }

    @Test
    void replicaAndReplicasTogetherOrNeitherAreRejected() {
      assertThatThrownBy(
              () ->
                  load(
                      """
          dbs:
            - path: /a.db
              replica:
                url: file:///b1
              replicas:
                - url: file:///b2
          """))
          .hasMessageStartingWith(
              "dbs[0].replicas: cannot specify 'replica' and 'replicas' on a database");
      assertThatThrownBy(() -> load("dbs:\n  - path: /a.db\n"))
          .hasMessage("dbs[0]: must specify replica for database at test.yml");
      assertThatThrownBy(() -> load("dbs:\n  - path: /a.db\n    replica:\n"))
          .hasMessageContaining("must specify replica for database");
    }

    @Test
    void globalReplicaSettingsAreInheritedLikeLitestream() {
      Config c =
          config(
              """
          access-key-id: GLOBALKEY
          secret-access-key: GLOBALSECRET
          region: us-west-2
          bucket: $BUCKET
          sync-interval: 10s
          skip-verify: true
          part-size: 50MB
          concurrency: 8
          host-key: ssh-ed25519 AAAA
          dbs:
            - path: /a.db
              replica:
                type: s3
                path: a
            - path: /b.db
              replica:
                url: s3://other/b
                region: eu-central-1
                sync-interval: 2s
                skip-verify: false
          """);
      ReplicaConfig a = c.dbs().get(0).replica();
      assertThat(a.syncInterval()).isEqualTo(Duration.ofSeconds(10));
      assertThat(a.options().string("bucket")).contains("env-bucket");
      assertThat(a.options().string("region")).contains("us-west-2");
      assertThat(a.options().string("access-key-id")).contains("GLOBALKEY");
      assertThat(a.options().bool("skip-verify")).contains(true);
      assertThat(a.options().has("part-size")).isFalse();
      assertThat(a.options().has("concurrency")).isFalse();
      assertThat(a.options().has("host-key")).isFalse();

      ReplicaConfig b = c.dbs().get(1).replica();
      assertThat(b.syncInterval()).isEqualTo(Duration.ofSeconds(2));
      assertThat(b.options().string("region")).contains("eu-central-1");
      assertThat(b.options().bool("skip-verify")).as("skip-verify is OR-ed").contains(true);
      assertThat(c.replicaDefaults().string("region")).contains("us-west-2");
      assertThat(c.replicaDefaults().number("part-size")).hasValue(50_000_000);
    }

    @Test
    void typeThatDisagreesWithTheUrlIsIgnoredWithAWarning() {
      LoadedConfig loaded =
          load(
              """
          dbs:
            - path: /a.db
              replica:
                type: s3
                url: file:///backups/a
          """);
      assertThat(loaded.config().dbs().getFirst().replica().type()).isEqualTo("file");
      assertThat(loaded.warnings())
          .containsExactly(
              "dbs[0].replica.type: ignored: the url scheme selects the 'file' backend at test.yml:4");
    }
  }

  @Nested
  class Warnings {

    @Test
    void unknownKeysAreReportedWithTheirLocation() {
      LoadedConfig loaded =
          load(
              """
          addres: ":9090"
          snapshot:
            intervall: 1h
          dbs:
            - path: /a.db
              monitor-intervall: 5s
              replica:
                url: file:///backups/a
                sync-intervall: 1s
                retention: 24h
          """);
      assertThat(loaded.warnings())
          .containsExactlyInAnyOrder(
              "addres: unknown key, ignored at test.yml:1",
              "snapshot.intervall: unknown key, ignored at test.yml:3",
              "dbs[0].monitor-intervall: unknown key, ignored at test.yml:6",
              "dbs[0].replica.sync-intervall: unknown key, ignored at test.yml:9",
              "dbs[0].replica.retention: unknown key, ignored (a Litestream 0.3 replica setting, replaced by the"
                  + " global snapshot.retention) at test.yml:10");
      assertThat(loaded.config().addr()).isEmpty();
      assertThat(loaded.config().dbs().getFirst().monitorInterval())
          .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void litestream03StyleConfigLoadsWithWarnings() {
      LoadedConfig loaded =
          load(
              """
          dbs:
            - path: /a.db
              max-checkpoint-page-count: 10000
              replicas:
                - name: s3
                  url: s3://bucket/a
                  retention: 72h
                  retention-check-interval: 1h
                  snapshot-interval: 24h
                  validation-interval: 6h
          """);
      assertThat(loaded.config().dbs().getFirst().replica().type()).isEqualTo("s3");
      assertThat(loaded.warnings()).hasSize(7).allMatch(w -> w.contains(" at test.yml:"));
      assertThat(loaded.warnings())
          .anyMatch(w -> w.startsWith("dbs[0].max-checkpoint-page-count: unknown key"))
          .anyMatch(w -> w.startsWith("dbs[0].replicas[0].validation-interval: has no effect"));
    }

    @Test
    void unknownLogSettingsFallBackWithAWarning() {
      LoadedConfig loaded = load("logging:\n  level: verbose\n  type: xml\n");
      assertThat(loaded.config().logging()).isEqualTo(LoggingConfig.DEFAULT);
      assertThat(loaded.warnings()).hasSize(2);
      assertThat(loaded.warnings().getFirst())
          .startsWith("logging.level: unknown log level \"verbose\", using info");
    }
  }

  @Nested
  class Errors {

    private void assertRejected(String yaml, String message) {
      assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private String withDbKey(String line) {
      return "dbs:\n  - path: /a.db\n    " + line + "\n    replica:\n      url: file:///b\n";
    }

    private String withReplicaKey(String line) {
      return "dbs:\n  - path: /a.db\n    replica:\n      url: file:///b\n      " + line + "\n";
    }

    @Test
    void negativeMonitorInterval() {
      assertRejected(
          withDbKey("monitor-interval: -1s"),
          "dbs[0].monitor-interval: must be >= 0 (got \"-1s\") at test.yml:3");
      assertThatThrownBy(() -> load(withDbKey("monitor-interval: -1s")))
          .satisfies(
              e -> {
                var ce = (ConfigException) e;
                assertThat(ce.key()).isEqualTo("dbs[0].monitor-interval");
                assertThat(ce.value()).contains("-1s");
              });
    }

    @Test
    void negativeRetentionGrace() {
      assertRejected(
          "retention:\n  grace: -1m\n" + MINIMAL,
          "retention.grace: must be >= 0 (0 deletes at once) (got \"-1m\") at test.yml:2");
    }

    @Test
    void perDatabaseValueRules() {
      assertRejected(
          withDbKey("checkpoint-interval: -5m"),
          "dbs[0].checkpoint-interval: must be >= 0 (got \"-5m\") at test.yml:3");
      assertRejected(
          withDbKey("busy-timeout: -1ms"),
          "dbs[0].busy-timeout: must be >= 0 (got \"-1ms\") at test.yml:3");
      assertRejected(
          withDbKey("min-checkpoint-page-count: 0"),
          "dbs[0].min-checkpoint-page-count: must be > 0 (got \"0\") at test.yml:3");
      assertRejected(
          withDbKey("truncate-page-n: -1"),
          "dbs[0].truncate-page-n: must be >= 0 (0 means the default, 121359) (got \"-1\") at test.yml:3");
      assertRejected(
          withDbKey("min-checkpoint-page-count: lots"),
          "dbs[0].min-checkpoint-page-count: must be a whole number (got \"lots\") at test.yml:3");
      assertRejected(
          withDbKey("restore-if-db-not-exists: maybe"),
          "dbs[0].restore-if-db-not-exists: must be true or false (got \"maybe\") at test.yml:3");
      assertRejected(
          withDbKey("snapshot:\n      interval: 0s"),
          "dbs[0].snapshot.interval: must be > 0 (got \"0s\") at test.yml:4");
    }

    @Test
    void durationSyntax() {
      assertThatThrownBy(() -> load(withDbKey("monitor-interval: 10")))
          .hasMessageStartingWith(
              "dbs[0].monitor-interval: missing unit: write a duration such as \"1s\"")
          .hasMessageEndingWith("(got \"10\") at test.yml:3");
      assertThatThrownBy(() -> load(withDbKey("monitor-interval: 5 minutes")))
          .hasMessageContaining("unknown unit \" minutes\"");
      assertThatThrownBy(() -> load(withDbKey("monitor-interval: [1s]")))
          .hasMessage(
              "dbs[0].monitor-interval: must be a single value, not a list or mapping at test.yml:3");
    }

    @Test
    void byteSizeSyntax() {
      assertThatThrownBy(() -> load(withDbKey("max-sync-wal-bytes: 64 bananas")))
          .hasMessageStartingWith("dbs[0].max-sync-wal-bytes: unknown size unit \"bananas\"")
          .hasMessageEndingWith("(got \"64 bananas\") at test.yml:3");
      assertThatThrownBy(() -> load(withReplicaKey("part-size: -5MB")))
          .hasMessageStartingWith("dbs[0].replica.part-size: invalid size");
    }

    @Test
    void globalValueRules() {
      assertRejected(
          "snapshot:\n  interval: 0\n", "snapshot.interval: must be > 0 (got \"0\") at test.yml:2");
      assertRejected(
          "snapshot:\n  retention: -1h\n",
          "snapshot.retention: must be > 0 (got \"-1h\") at test.yml:2");
      assertRejected(
          "l0-retention: -1s\n",
          "l0-retention: must be >= 0 (0 disables deletion of L0 files) (got \"-1s\") at test.yml:1");
      assertRejected(
          "l0-retention-check-interval: 0s\n",
          "l0-retention-check-interval: must be > 0 (got \"0s\") at test.yml:1");
      assertRejected(
          "shutdown-sync-timeout: -1s\n",
          "shutdown-sync-timeout: must be >= 0 (0 means a single attempt) (got \"-1s\") at test.yml:1");
      assertRejected(
          "shutdown-sync-interval: 0\n",
          "shutdown-sync-interval: must be > 0 (got \"0\") at test.yml:1");
      assertRejected(
          "heartbeat-url: ftp://x\n",
          "heartbeat-url: heartbeat URL must be a valid HTTP or HTTPS URL (got \"ftp://x\") at test.yml:1");
      assertRejected(
          "heartbeat-interval: 30s\n",
          "heartbeat-interval: heartbeat interval must be at least 1 minute (got \"30s\") at test.yml:1");
      assertRejected(
          "levels:\n  - interval: 30s\n  - interval: 0s\n",
          "levels[1].interval: compaction level interval must be > 0 (got \"0s\") at test.yml:3");
      assertRejected(
          "levels:\n  - {}\n",
          "levels[0].interval: compaction level interval must be > 0 at test.yml");
      assertRejected(
          "socket:\n  permissions: 01777\n",
          "socket.permissions: must be a file mode between 0000 and 0777 (octal, e.g. 0600) (got \"01777\") at test.yml:2");
      assertRejected(
          "validation:\n  interval: -1m\n",
          "validation.interval: must be >= 0 (0 or unset disables validation) (got \"-1m\") at test.yml:2");
    }

    @Test
    void atMostEightCompactionLevels() {
      String nine = "levels:\n" + "  - interval: 1m\n".repeat(9);
      assertRejected(
          nine,
          "levels: at most 8 compaction levels (L1..L8) are supported; L9 holds snapshots (got 9)"
              + " at test.yml:1");
      assertThat(config("levels:\n" + "  - interval: 1m\n".repeat(8)).levels()).hasSize(8);
    }

    @Test
    void databaseStructureRules() {
      assertRejected(
          "dbs:\n  - replica:\n      url: file:///b\n",
          "dbs[0]: must specify either 'path' or 'dir' at test.yml");
      assertRejected(
          "dbs:\n  - path: /a.db\n    dir: /d\n    pattern: '*.db'\n    replica:\n      url: file:///b\n",
          "dbs[0].dir: cannot specify both 'path' and 'dir' at test.yml:3");
      assertRejected(
          "dbs:\n  - dir: /d\n    replica:\n      url: file:///b\n",
          "dbs[0].dir: 'pattern' is required when using 'dir' (for example pattern: \"*.db\") at test.yml:2");
      assertRejected(
          withDbKey("watch: true"),
          "dbs[0].watch: 'watch' can only be enabled with a directory ('dir') at test.yml:3");
      assertRejected(
          withDbKey("meta-dir: /m"),
          "dbs[0].meta-dir: 'meta-dir' can only be used with a directory ('dir') at test.yml:3");
      assertRejected(
          "dbs:\n  - dir: /d\n    pattern: x\n    meta-path: /m\n    meta-dir: /n\n    replica:\n"
              + "      url: file:///b\n",
          "dbs[0].meta-dir: cannot specify both 'meta-path' and 'meta-dir' at test.yml:5");
      assertRejected("dbs: /a.db\n", "dbs: must be a list (got \"/a.db\") at test.yml:1");
      assertRejected(
          "dbs:\n  - /a.db\n", "dbs[0]: must be a mapping of keys to values at test.yml:2");
    }

    @Test
    void replicaRules() {
      assertRejected(
          withReplicaKey("sync-interval: -2s"),
          "dbs[0].replica.sync-interval: must be >= 0 (0 uploads each file as soon as it is written) (got \"-2s\") at test.yml:5");
      assertRejected(
          "sync-interval: -1s\n",
          "sync-interval: must be >= 0 (0 uploads each file as soon as it is written) (got \"-1s\") at test.yml:1");
      assertRejected(
          withReplicaKey("max-sync-ltx-files: -1"),
          "dbs[0].replica.max-sync-ltx-files: must be >= 0 (0 uploads all pending files at once) (got \"-1\") at test.yml:5");
      assertRejected(
          withReplicaKey("path: /also"),
          "dbs[0].replica.path: cannot specify url & path for file replica at test.yml:5");
      assertRejected(
          "dbs:\n  - path: /a.db\n    replica:\n      path: s3://bucket/x\n",
          "dbs[0].replica.path: replica path cannot be a url, please use the 'url' field instead"
              + " (got \"s3://bucket/x\") at test.yml:4");
      assertRejected(
          "dbs:\n  - path: /a.db\n    replica:\n      type: file\n",
          "dbs[0].replica.path: file replica path required (or a url such as file:///var/backups/db) at test.yml");
      assertRejected(
          "dbs:\n  - path: /a.db\n    replica:\n      type: ftp\n      path: x\n",
          "dbs[0].replica.type: unknown replica type 'ftp': supported are file" // the backends on
              // core's class path
              + " (got \"ftp\") at test.yml:4");
      assertRejected(
          "dbs:\n  - path: /a.db\n    replica:\n      url: gcs://bucket/db\n",
          "dbs[0].replica.url: replica type 'gcs' was renamed to 'gs' in Litestream 0.5: use gs://bucket/path"
              + " (got \"gcs://bucket/db\") at test.yml:4");
      assertRejected(
          "dbs:\n  - path: /a.db\n    replica:\n      url: backups/a\n",
          "dbs[0].replica.url: replica URL needs a scheme, such as file:///var/backups/db or s3://bucket/path"
              + " (got \"backups/a\") at test.yml:4");
      assertRejected(
          "dbs:\n  - path: /a.db\n    replica:\n      url: file://relative/x\n",
          "dbs[0].replica.url: a file replica URL needs an absolute path, as in file:///var/backups/db"
              + " (got \"file://relative/x\") at test.yml:4");
      assertRejected(
          withReplicaKey("force-path-style: sometimes"),
          "dbs[0].replica.force-path-style: must be true or false (got \"sometimes\") at test.yml:5");
    }

    @Test
    void ageEncryptionIsRejectedLikeLitestream() {
      assertRejected(
          withReplicaKey("age:\n        recipients: [age1xyz]"),
          "dbs[0].replica.age: age encryption is not currently supported, if you need encryption please revert"
              + " back to Litestream v0.3.x at test.yml:5");
      assertRejected(
          "age:\n  identities: [/key.txt]\n",
          "age: age encryption is not currently supported, if you need encryption please revert"
              + " back to Litestream v0.3.x at test.yml:1");
    }

    @Test
    void snapshotSettingsOnDatabasesAreHoistedOrConflict() {
      String two =
          """
          dbs:
            - path: /a.db
              snapshot: {interval: 1h, retention: 72h}
              replica: {url: "file:///a"}
            - path: /b.db
              snapshot: {interval: %s}
              replica: {url: "file:///b"}
          """;
      Config c = config(two.formatted("60m"));
      assertThat(c.snapshot())
          .isEqualTo(new SnapshotConfig(Duration.ofHours(1), Duration.ofHours(72)));
      assertRejected(
          two.formatted("2h"),
          "dbs: conflicting database snapshot intervals: /a.db has 1h, /b.db has 2h at test.yml:6");
      Config global = config("snapshot: {interval: 6h}\n" + two.formatted("1h"));
      assertThat(global.snapshot().interval()).isEqualTo(Duration.ofHours(6));
      assertThat(global.snapshot().retention()).isEqualTo(Duration.ofHours(72));
    }

    @Test
    void malformedYaml() {
      assertThatThrownBy(() -> load("dbs:\n  - path: /a.db\n   replica: [\n"))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("invalid YAML: ")
          .hasMessageContaining("line 3");
      assertRejected("addr: 1\naddr: 2\n", "addr: duplicate key at test.yml:2");
      assertRejected(
          "- a\n- b\n",
          "the configuration must be a mapping of keys to values (such as dbs:) at test.yml:1");
      assertRejected(
          "logging: loud\n",
          "logging: must be a mapping of keys to values (got \"loud\") at test.yml:1");
    }
  }

  @Nested
  class Files_ {

    @Test
    void loadsAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("litestream.yml");
      Files.writeString(file, MINIMAL + "    monitor-interval: 2s\n");
      LoadedConfig loaded = ConfigLoader.load(file, true, ENV);
      assertThat(loaded.config().dbs().getFirst().replica().url()).isPresent();

      Files.writeString(file, MINIMAL.replace("  replica:", "  busy-timeout: -2s\n    replica:"));
      assertThatThrownBy(() -> ConfigLoader.load(file, true, ENV))
          .hasMessage("dbs[0].busy-timeout: must be >= 0 (got \"-2s\") at " + file + ":3");
    }

    @Test
    void missingFileSaysWhatToDo(@TempDir Path dir) {
      Path missing = dir.resolve("nope.yml");
      assertThatThrownBy(() -> ConfigLoader.load(missing, true, ENV))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessage(
              missing + ": config file not found (pass -config PATH or set LITESTREAM_CONFIG)");
    }

    @Test
    void invalidUtf8IsRejected(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("bad.yml");
      Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
      assertThatThrownBy(() -> ConfigLoader.load(file, true, ENV))
          .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void defaultPathHonoursLitestreamConfig() {
      assertThat(ConfigLoader.defaultPath(Map.of())).isEqualTo(Path.of("/etc/litestream.yml"));
      assertThat(ConfigLoader.defaultPath(Map.of("LITESTREAM_CONFIG", "")))
          .isEqualTo(Path.of("/etc/litestream.yml"));
      assertThat(ConfigLoader.defaultPath(Map.of("LITESTREAM_CONFIG", "/opt/ls.yml")))
          .isEqualTo(Path.of("/opt/ls.yml"));
    }
  }

  @Nested
  class CommandLine {

    @Test
    void oneDatabaseWithOneReplica() {
      Config c = ConfigLoader.fromArguments("~/app.db", List.of("s3://bucket/app"), ENV);
      assertThat(c.withDbs(List.of())).isEqualTo(Config.defaults());
      DbConfig db = c.dbs().getFirst();
      assertThat(db.path()).contains(Path.of("/home/tester/app.db"));
      assertThat(db.monitorInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(db.replica().type()).isEqualTo("s3");
      assertThat(db.replica().syncInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(db.replica().url()).map(ReplicaUrl::host).contains("bucket");
      assertThat(db.withRestoreIfDbNotExists(true).restoreIfDbNotExists()).isTrue();
    }

    @Test
    void replicaCountAndUrlAreChecked() {
      assertThatThrownBy(() -> ConfigLoader.fromArguments("/a.db", List.of(), ENV))
          .hasMessage("REPLICA_URL: must specify at least one replica URL for /a.db");
      assertThatThrownBy(
              () -> ConfigLoader.fromArguments("/a.db", List.of("file:///x", "file:///y"), ENV))
          .hasMessage(
              "REPLICA_URL: multiple replicas on a single database are no longer supported");
      assertThatThrownBy(() -> ConfigLoader.fromArguments("/a.db", List.of("xyz://x"), ENV))
          .hasMessageContaining("unknown replica type 'xyz'");
      assertThatThrownBy(() -> ConfigLoader.fromArguments(" ", List.of("file:///x"), ENV))
          .hasMessageContaining("database path is required");
    }

    @Test
    void forUrlGivesDefaultReplicaSettings() {
      ReplicaConfig r = ReplicaConfig.forUrl("/srv/replica");
      assertThat(r)
          .isEqualTo(
              new ReplicaConfig(
                  "file",
                  Optional.of(ReplicaUrl.parse("file:///srv/replica")),
                  Optional.empty(),
                  Duration.ofSeconds(1),
                  256,
                  false,
                  ReplicaOptions.empty()));
    }
  }
}
