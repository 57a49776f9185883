package io.litestream4j.abs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Lets a client that only speaks to production Azure reach azurite. Litestream's {@code abs} URL
 * form has no endpoint (its URL parser ignores query parameters), so the Litestream VFS always
 * calls {@code https://<account>.blob.core.windows.net}. This is an HTTP {@code CONNECT} proxy on
 * loopback that terminates TLS with a throwaway certificate for that host name and forwards the
 * plaintext requests to azurite, which takes the account from the production-style {@code Host}
 * header. A Go client uses it through {@link #clientEnvironment()}: {@code HTTPS_PROXY} and {@code
 * SSL_CERT_FILE} (the certificate as the only trusted root).
 */
final class AzureProductionFront implements AutoCloseable {

  private static final String PASSWORD = "front-test";

  private final ServerSocket listener;
  private final SSLContext tls;
  private final int upstreamPort;
  private final Path certificate;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private AzureProductionFront(
      ServerSocket listener, SSLContext tls, int upstreamPort, Path certificate) {
    this.listener = listener;
    this.tls = tls;
    this.upstreamPort = upstreamPort;
    this.certificate = certificate;
    this.acceptor = Thread.ofPlatform().daemon().name("azure-front-accept").unstarted(this::accept);
  }

  /** Starts the front for {@code azurite}'s account; keys and certificate go into {@code work}. */
  static AzureProductionFront start(AzuriteServer azurite, Path work)
      throws IOException, InterruptedException {
    String host = AzuriteServer.ACCOUNT + ".blob.core.windows.net";
    Path keystore = work.resolve("front.p12");
    Path pem = work.resolve("front.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    keytool(
        List.of(
            keytool,
            "-genkeypair",
            "-alias",
            "front",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "2",
            "-dname",
            "CN=" + host,
            "-ext",
            "SAN=dns:" + host,
            "-ext",
            "BC=ca:true",
            "-keystore",
            keystore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD));
    keytool(
        List.of(
            keytool,
            "-exportcert",
            "-rfc",
            "-alias",
            "front",
            "-keystore",
            keystore.toString(),
            "-storepass",
            PASSWORD,
            "-file",
            pem.toString()));
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      var front =
          new AzureProductionFront(
              new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
              tls,
              URI.create(azurite.endpoint()).getPort(),
              pem);
      front.acceptor.start();
      return front;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for the Azure front: " + e, e);
    }
  }

  private static void keytool(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + command + "\n" + out);
    }
  }

  /** Environment for a Go client: this proxy for HTTPS, and its certificate as the trusted root. */
  Map<String, String> clientEnvironment() {
    return Map.of(
        "HTTPS_PROXY",
        "http://127.0.0.1:" + listener.getLocalPort(),
        "https_proxy",
        "",
        "NO_PROXY",
        "",
        "no_proxy",
        "",
        "SSL_CERT_FILE",
        certificate.toString(),
        "SSL_CERT_DIR",
        "");
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        open.add(client);
        Thread.ofVirtual().name("azure-front-conn").start(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      readRequestHead(client.getInputStream());
      client
          .getOutputStream()
          .write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      SSLSocket secure =
          (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), false);
      secure.setUseClientMode(false);
      open.add(secure);
      try (secure;
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        open.add(upstream);
        Thread back =
            Thread.ofVirtual().name("azure-front-back").start(() -> pump(upstream, secure));
        pump(secure, upstream);
        back.join(TimeUnit.SECONDS.toMillis(30));
      }
    } catch (IOException | InterruptedException e) {
      // the client or azurite went away: the connection ends
    } finally {
      open.remove(client);
    }
  }

  /** Reads {@code CONNECT host:443 HTTP/1.1} and its headers up to the blank line. */
  private static void readRequestHead(InputStream in) throws IOException {
    var head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("client closed before sending CONNECT");
      }
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : b == '\r' ? 1 : 0;
    }
    if (!head.toString(StandardCharsets.US_ASCII).startsWith("CONNECT ")) {
      throw new IOException(
          "not a CONNECT request: "
              + head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
      if (!(to instanceof SSLSocket)) {
        to.shutdownOutput();
      } else {
        to.close();
      }
    } catch (IOException e) {
      try {
        to.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
