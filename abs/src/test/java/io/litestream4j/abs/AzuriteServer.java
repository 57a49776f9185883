package io.litestream4j.abs;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Azure Blob protocol server on loopback: Microsoft's emulator azurite (npm {@code
 * azurite@3.37.0}) started on an ephemeral port with in-memory storage, one per test class.
 *
 * <p>Installed on first use by {@code scripts/install-azurite.sh} into the system property {@code
 * litestream4j.azurite} or {@code abs/target/azurite} of the project (shared by the modules whose
 * tests use it). When npm cannot fetch it, {@link #start()} aborts the calling tests (skipped, with
 * the reason) and remembers the failure for five minutes so an offline run does not wait on npm
 * once per class.
 */
public final class AzuriteServer implements AutoCloseable {

  /** Azurite's well-known development account. */
  public static final String ACCOUNT = "devstoreaccount1";

  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final Pattern LISTENING =
      Pattern.compile("listens on (http://127\\.0\\.0\\.1:(\\d+))");

  private final Process process;
  private final String endpoint;

  private AzuriteServer(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts azurite, or aborts the calling test (skip) when it cannot be installed. */
  public static AzuriteServer start() throws IOException, InterruptedException {
    Path bin = install().resolve("node_modules/.bin/azurite-blob");
    Path work = Files.createTempDirectory("azurite-");
    Process p =
        new ProcessBuilder(
                bin.toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                "0",
                "--skipApiVersionCheck",
                "--loose",
                "--inMemoryPersistence")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .start();
    var port = new CompletableFuture<String>();
    var output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IOException("azurite exited"));
            },
            "azurite-output");
    reader.setDaemon(true);
    reader.start();
    try {
      String url = port.get(60, TimeUnit.SECONDS);
      return new AzuriteServer(p, url + "/" + ACCOUNT);
    } catch (Exception e) {
      p.destroyForcibly();
      synchronized (output) {
        throw new IOException("azurite did not start: " + e + "\n" + output, e);
      }
    }
  }

  private static Path install() throws IOException, InterruptedException {
    Path script = findScript();
    String configured = System.getProperty("litestream4j.azurite");
    Path dir =
        configured != null
            ? Path.of(configured).toAbsolutePath()
            : script.getParent().getParent().resolve("abs/target/azurite");
    if (Files.isExecutable(dir.resolve("node_modules/.bin/azurite-blob"))) {
      return dir;
    }
    Path failed = dir.resolveSibling(dir.getFileName() + ".failed");
    if (Files.exists(failed)
        && Files.getLastModifiedTime(failed)
            .toInstant()
            .isAfter(Instant.now().minus(Duration.ofMinutes(5)))) {
      Assumptions.abort(
          "azurite unavailable, skipping (failed recently): " + Files.readString(failed));
    }
    Process p =
        new ProcessBuilder("bash", script.toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      Files.createDirectories(dir.getParent());
      Files.writeString(failed, out);
      Assumptions.abort(
          "azurite unavailable (npm install azurite@3.37.0 failed), skipping: " + out);
    }
    return dir;
  }

  private static Path findScript() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("scripts/install-azurite.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "scripts/install-azurite.sh not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * The blob service URL of the development account, e.g. {@code
   * http://127.0.0.1:41234/devstoreaccount1}.
   */
  public String endpoint() {
    return endpoint;
  }

  /** Settings for {@code container/path} with the account's shared key. */
  AbsSettings settings(String container, String path) {
    return new AbsSettings(
        ACCOUNT, container, path, endpoint, new AbsCredentials.SharedKey(ACCOUNT, KEY));
  }

  /**
   * A plain SDK client for setting up and inspecting containers behind the replica client's back.
   */
  BlobServiceClient admin() {
    return new BlobServiceClientBuilder()
        .endpoint(endpoint)
        .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
        .httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder().build())
        .buildClient();
  }

  public BlobContainerClient createContainer(String name) {
    BlobContainerClient c = admin().getBlobContainerClient(name);
    c.create();
    return c;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
