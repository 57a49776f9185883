package io.litestream4j.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import io.litestream4j.replica.TestLtx;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.api.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica client contract against {@code nats-server -js} on loopback, plus what only NATS has:
 * object names and the {@code Litestream-Timestamp} header, a bucket that must exist, and
 * Litestream's authentication keys against servers that require them.
 */
class NatsReplicaClientTest extends ReplicaClientContract {

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @TempDir static Path serverDir;
  static NatsServer server;
  static NatsServer withPassword;
  String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = NatsServer.start(serverDir);
    withPassword =
        NatsServer.start(
            serverDir,
            "authorization { user: \"litestream\", password: \"s3cret-pass\" }",
            b -> b.userInfo("litestream", "s3cret-pass"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    for (NatsServer s : new NatsServer[] {server, withPassword}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Override
  protected ReplicaClient newClient() throws Exception {
    bucket = "contract-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    return new NatsReplicaClient(server.settings(bucket));
  }

  @Override
  protected Optional<RawStore> rawStore() {
    return Optional.of(
        new RawStore() {
          @Override
          public void put(String relativePath, byte[] data) throws IOException {
            try (Connection nc = Nats.connect(server.url())) {
              nc.objectStore(bucket).put(relativePath, data);
            } catch (Exception e) {
              throw new IOException(e);
            }
          }

          @Override
          public Optional<byte[]> get(String relativePath) throws IOException {
            try (Connection nc = Nats.connect(server.url())) {
              ObjectInfo info = nc.objectStore(bucket).getInfo(relativePath);
              if (info == null || info.isDeleted()) {
                return Optional.empty();
              }
              var out = new java.io.ByteArrayOutputStream();
              nc.objectStore(bucket).get(relativePath, out);
              return Optional.of(out.toByteArray());
            } catch (IOException e) {
              throw e;
            } catch (Exception e) {
              throw new IOException(e);
            }
          }
        });
  }

  @Override
  protected Optional<ExpectedFailure> missingContainer() {
    String missing = "missing-" + BUCKETS.incrementAndGet();
    return Optional.of(
        new ExpectedFailure(
            new NatsReplicaClient(server.settings(missing)),
            List.of("'" + missing + "' does not exist", "nats object add " + missing),
            List.of()));
  }

  @Override
  protected Optional<ExpectedFailure> wrongCredentials() throws Exception {
    withPassword.createBucket("guarded-" + BUCKETS.incrementAndGet());
    var s =
        withPassword
            .settings("guarded-" + BUCKETS.get())
            .withAuth(new NatsAuth.UserPassword("litestream", "wr0ng-pass"))
            .withReconnects(0, Duration.ofMillis(10), Duration.ofSeconds(3));
    return Optional.of(
        new ExpectedFailure(
            new NatsReplicaClient(s),
            List.of("rejected the credentials", "user litestream"),
            List.of("wr0ng-pass")));
  }

  @Test
  void objectsCarryTheTimestampHeaderAsLitestreamWritesIt() throws Exception {
    write(0, 1, 1, T1, 10);
    try (Connection nc = Nats.connect(server.url())) {
      ObjectInfo info =
          nc.objectStore(bucket).getInfo("ltx/0/0000000000000001-0000000000000001.ltx");
      assertThat(info.getHeaders().getFirst("Litestream-Timestamp"))
          .isEqualTo("2024-05-06T07:08:09.123Z");
    }
  }

  @Test
  void objectsWithoutTheHeaderFallBackToTheirModificationTime() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    try (Connection nc = Nats.connect(server.url())) {
      nc.objectStore(bucket)
          .put("ltx/1/0000000000000001-0000000000000002.ltx", TestLtx.bytes(1, 2, T1, 5));
    }
    assertThat(client.ltxFiles(1, 0))
        .singleElement()
        .satisfies(f -> assertThat(f.createdAt()).isAfter(before));
  }

  @Test
  void theRightPasswordTokenAndNKeyAreAccepted() throws Exception {
    String guarded = "guarded-ok-" + BUCKETS.incrementAndGet();
    withPassword.createBucket(guarded);
    try (var c =
        new NatsReplicaClient(
            withPassword
                .settings(guarded)
                .withAuth(new NatsAuth.UserPassword("litestream", "s3cret-pass")))) {
      c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
      assertThat(c.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
    }
    try (NatsServer tokenServer =
        NatsServer.start(
            serverDir,
            "authorization { token: \"t0ken-value\" }",
            b -> b.token("t0ken-value".toCharArray()))) {
      tokenServer.createBucket("b");
      try (var c =
          new NatsReplicaClient(
              tokenServer.settings("b").withAuth(new NatsAuth.Token("t0ken-value")))) {
        c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
        assertThat(c.ltxFiles(0, 0)).hasSize(1);
      }
      try (var c =
          new NatsReplicaClient(
              tokenServer.settings("b").withAuth(new NatsAuth.Token("bad-t0ken")))) {
        assertThatThrownBy(c::init)
            .isInstanceOf(IOException.class)
            .hasMessageContaining("rejected the credentials")
            .satisfies(e -> assertThat(fullText(e)).doesNotContain("bad-t0ken"));
      }
    }
    NKey user = NKey.createUser(null);
    String seed = new String(user.getSeed());
    try (NatsServer nkeyServer =
        NatsServer.start(
            serverDir,
            "authorization { users: [ { nkey: \"" + new String(user.getPublicKey()) + "\" } ] }",
            b -> b.authHandler(Nats.staticCredentials(null, seed.toCharArray())))) {
      nkeyServer.createBucket("b");
      try (var c =
          new NatsReplicaClient(nkeyServer.settings("b").withAuth(new NatsAuth.NKey(seed)))) {
        c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
        assertThat(c.ltxFiles(0, 0)).hasSize(1);
      }
    }
  }

  @Test
  void settingsFollowLitestreamsKeys() {
    var fromUrl = NatsSettings.from(ReplicaConfig.forUrl("nats://nats.example.com:4333/my-bucket"));
    assertThat(fromUrl.server()).isEqualTo("nats://nats.example.com:4333");
    assertThat(fromUrl.bucket()).isEqualTo("my-bucket");
    assertThat(fromUrl.maxReconnects()).isEqualTo(-1);
    assertThat(fromUrl.reconnectWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(fromUrl.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(fromUrl.auth()).isInstanceOf(NatsAuth.None.class);

    var keys =
        new ReplicaConfig(
            "nats",
            Optional.empty(),
            Optional.empty(),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
            false,
            new ReplicaOptions(
                Map.of(
                    "bucket",
                    "b",
                    "username",
                    "u",
                    "password",
                    "p4ss",
                    "token",
                    "tok",
                    "max-reconnects",
                    5L,
                    "reconnect-wait",
                    Duration.ofSeconds(1),
                    "timeout",
                    Duration.ofSeconds(3))));
    NatsSettings s = NatsSettings.from(keys);
    assertThat(s.server()).isEqualTo(NatsSettings.DEFAULT_SERVER);
    assertThat(s.auth())
        .isEqualTo(new NatsAuth.UserPassword("u", "p4ss")); // before token, as in Litestream
    assertThat(s.toString()).doesNotContain("p4ss");
    assertThat(s.maxReconnects()).isEqualTo(5);

    var halfTls =
        new ReplicaConfig(
            "nats",
            Optional.empty(),
            Optional.empty(),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
            false,
            new ReplicaOptions(Map.of("bucket", "b", "client-cert", "/c.pem")));
    assertThatThrownBy(() -> NatsSettings.from(halfTls))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client-cert and client-key must both be specified");
    var noBucket = ReplicaConfig.forUrl("nats://host:4222");
    assertThatThrownBy(() -> NatsSettings.from(noBucket))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bucket required");
    var publicNkey =
        new ReplicaConfig(
            "nats",
            Optional.empty(),
            Optional.empty(),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
            false,
            new ReplicaOptions(Map.of("bucket", "b", "nkey", "UABC")));
    assertThatThrownBy(() -> NatsSettings.from(publicNkey))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("looks like the public key");
  }

  @Test
  void anUnreachableServerIsNamed() {
    try (var c =
        new NatsReplicaClient(
            NatsSettings.of("nats://127.0.0.1:1", "b")
                .withReconnects(0, Duration.ofMillis(10), Duration.ofSeconds(2)))) {
      assertThatThrownBy(c::init)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("nats://127.0.0.1:1")
          .hasMessageContaining("nats-server is running");
    }
  }
}
