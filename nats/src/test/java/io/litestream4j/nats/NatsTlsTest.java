package io.litestream4j.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.TestLtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Litestream's TLS keys against a {@code nats-server} that requires TLS and client certificates:
 * {@code tls}, {@code root-cas} and {@code client-cert}/{@code client-key}, all PEM files made by
 * {@code openssl} for the test. Without the client certificate, or trusting another CA, the
 * connection is refused with a message naming the server.
 */
class NatsTlsTest {

  private static final Instant T = Instant.parse("2025-03-04T05:06:07.890Z");

  @TempDir Path dir;

  @Test
  void mutualTlsWithPemFilesFromTheConfigurationKeys() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/openssl")),
        "openssl is not installed (Debian package openssl)");
    Path ca = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca-key.pem");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=l4j test ca",
        "-keyout",
        caKey.toString(),
        "-out",
        ca.toString());
    Path serverKey = issue("server", ca, caKey, "subjectAltName=IP:127.0.0.1");
    Path clientKey = issue("client", ca, caKey, "extendedKeyUsage=clientAuth");

    String tlsBlock =
        """
        tls {
          cert_file: "%s"
          key_file: "%s"
          ca_file: "%s"
          verify: true
        }
        """
            .formatted(dir.resolve("server.pem"), serverKey, ca);
    var adminTls =
        PemTls.context(
            List.of(ca.toString()),
            Optional.of(dir.resolve("client.pem").toString()),
            Optional.of(clientKey.toString()));
    try (NatsServer server = NatsServer.start(dir, tlsBlock, b -> b.sslContext(adminTls))) {
      server.createBucket("secure");
      var config =
          new ReplicaConfig(
              "nats",
              Optional.of(io.litestream4j.config.ReplicaUrl.parse(server.url() + "/secure")),
              Optional.empty(),
              ReplicaConfig.DEFAULT_SYNC_INTERVAL,
              ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
              false,
              new ReplicaOptions(
                  Map.of(
                      "tls",
                      true,
                      "root-cas",
                      List.of(ca.toString()),
                      "client-cert",
                      dir.resolve("client.pem").toString(),
                      "client-key",
                      clientKey.toString(),
                      "max-reconnects",
                      0L)));
      try (var client = new NatsReplicaClient(NatsSettings.from(config))) {
        client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T, 100)));
        assertThat(client.ltxFiles(0, 0)).containsExactly(new LtxFileInfo(0, 1, 1, 200, T));
      }

      var noClientCert =
          NatsSettings.of(server.url(), "secure")
              .withTls(true, List.of(ca.toString()), Optional.empty(), Optional.empty())
              .withReconnects(0, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(3));
      try (var client = new NatsReplicaClient(noClientCert)) {
        assertThatThrownBy(client::init)
            .isInstanceOf(IOException.class)
            .hasMessageContaining(server.url());
      }
      var jdkTrustOnly =
          NatsSettings.of(server.url(), "secure")
              .withTls(
                  true,
                  List.of(),
                  Optional.of(dir.resolve("client.pem").toString()),
                  Optional.of(clientKey.toString()))
              .withReconnects(0, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(3));
      try (var client = new NatsReplicaClient(jdkTrustOnly)) {
        assertThatThrownBy(client::init)
            .isInstanceOf(IOException.class)
            .hasMessageContaining(server.url());
      }
    }
  }

  @Test
  void aKeyThatIsNotPkcs8SaysHowToConvertIt() throws Exception {
    Path key = dir.resolve("rsa.pem");
    Files.writeString(
        key, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    Path cert = dir.resolve("c.pem");
    Files.writeString(cert, "not a certificate");
    assertThatThrownBy(
            () ->
                PemTls.context(
                    List.of(), Optional.of(cert.toString()), Optional.of(key.toString())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(cert.toString());
  }

  /** A key (PKCS#8 PEM) and certificate {@code <name>.pem} signed by the CA, with one extension. */
  private Path issue(String name, Path ca, Path caKey, String extension) throws Exception {
    Path key = dir.resolve(name + "-key.pem");
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, extension + "\n");
    openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        key.toString());
    openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString());
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.toString(),
        "-CAkey",
        caKey.toString(),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        ext.toString(),
        "-out",
        dir.resolve(name + ".pem").toString());
    return key;
  }

  private void openssl(String... args) throws Exception {
    var command = new java.util.ArrayList<String>();
    command.add("/usr/bin/openssl");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
