package io.litestream4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * P5's S3 server: s3proxy in the harness's process on loopback, objects stored as files under a
 * directory of the run (so a 1 GiB replica costs no heap), signatures checked. Replicas are put
 * into it by copying the file replicas' files under S3 keys, which gives both tools the same files
 * on S3 as on the file replica: ours in its S3 layout ({@code <path>/<level %04x>/<name>}),
 * Litestream 0.3.13's unchanged ({@code <path>/generations/...}, the same on S3 as on a file
 * replica).
 */
final class BenchS3 implements AutoCloseable {
  static final String BUCKET = "bench";
  private static final String ACCESS_KEY = "bench-access-key";
  private static final String SECRET_KEY = "bench-secret-key";

  private final S3Proxy proxy;
  private final BlobStore store;
  private final URI endpoint;

  private BenchS3(S3Proxy proxy, BlobStore store, URI endpoint) {
    this.proxy = proxy;
    this.store = store;
    this.endpoint = endpoint;
  }

  static BenchS3 start(Path dir) throws Exception {
    Files.createDirectories(dir);
    Properties props = new Properties();
    props.setProperty("jclouds.identity", ACCESS_KEY);
    props.setProperty("jclouds.credential", SECRET_KEY);
    props.setProperty("jclouds.filesystem.basedir", dir.toString());
    BlobStore store = BlobStores.create("filesystem-nio2", props);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .ignoreUnknownHeaders(true)
            .stopTimeout(0)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IOException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(5);
    }
    store.createContainer(BUCKET);
    return new BenchS3(proxy, store, URI.create("http://127.0.0.1:" + proxy.getPort()));
  }

  /** Puts our file replica's LTX files under {@code path} in our S3 layout. */
  void putOurs(Path fileReplica, String path) throws IOException {
    Path ltx = fileReplica.resolve("ltx");
    try (Stream<Path> files = Files.walk(ltx)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = ltx.relativize(f);
        int level = Integer.parseInt(rel.getName(0).toString());
        put(path + "/" + "%04x".formatted(level) + "/" + rel.getFileName(), f);
      }
    }
  }

  /** Puts Litestream 0.3.13's file replica under {@code path} unchanged. */
  void putPeer(Path fileReplica, String path) throws IOException {
    try (Stream<Path> files = Files.walk(fileReplica)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        put(path + "/" + fileReplica.relativize(f).toString().replace('\\', '/'), f);
      }
    }
  }

  private void put(String key, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      store.putBlob(
          PutObjectRequest.builder()
              .bucket(BUCKET)
              .key(key)
              .contentLength(Files.size(file))
              .build(),
          in);
    }
  }

  /** The server's own endpoint. */
  URI endpoint() {
    return endpoint;
  }

  /** Our replica URL for {@code path}. */
  String ourUrl(String path) {
    return ourUrl(path, endpoint);
  }

  /** Our replica URL for {@code path}, reached through {@code via} (a proxy in front of it). */
  String ourUrl(String path, URI via) {
    return "s3://"
        + BUCKET
        + "/"
        + path
        + "?endpoint="
        + via
        + "&region=us-east-1&forcePathStyle=true";
  }

  /** Credentials for our CLI. */
  Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  /**
   * A Litestream 0.3.13 configuration whose database {@code db} has the replica at {@code path}
   * (0.3.13's replica URLs cannot name an endpoint); restore it with {@code restore -config FILE -o
   * OUT DB}.
   */
  Path peerConfig(Path file, Path db, String path) throws IOException {
    return peerConfig(file, db, path, endpoint);
  }

  /** {@link #peerConfig(Path, Path, String)} reaching the server through {@code via}. */
  Path peerConfig(Path file, Path db, String path, URI via) throws IOException {
    Files.writeString(
        file,
        String.join(
            "\n",
            List.of(
                "access-key-id: " + ACCESS_KEY,
                "secret-access-key: " + SECRET_KEY,
                "dbs:",
                "  - path: " + db,
                "    replicas:",
                "      - type: s3",
                "        bucket: " + BUCKET,
                "        path: " + path,
                "        endpoint: " + via,
                "        region: us-east-1",
                "        force-path-style: true",
                "")));
    return file;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
