package io.litestream4j.nats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS context of a NATS replica from PEM files, as Litestream takes them: the {@code
 * root-cas} certificate files to trust (the JDK's trust store when none are given) and an optional
 * {@code client-cert}/{@code client-key} pair for mutual TLS. Keys must be unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}); other formats get an error saying how to convert them.
 */
final class PemTls {

  private PemTls() {}

  static SSLContext context(
      List<String> rootCas, Optional<String> clientCert, Optional<String> clientKey)
      throws IOException {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (rootCas.isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int n = 0;
        for (String file : rootCas) {
          for (Certificate c : certificates(file, "root-cas")) {
            trust.setCertificateEntry("ca-" + n++, c);
          }
        }
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (clientCert.isPresent() && clientKey.isPresent()) {
        Collection<? extends Certificate> chain = certificates(clientCert.get(), "client-cert");
        PrivateKey key = privateKey(clientKey.get());
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        keys.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("nats: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(String file, String key)
      throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IOException("nats: " + key + " file " + file + " holds no PEM certificate");
      }
      return certs;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("nats: cannot read " + key + " file " + file + ": no such file", e);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "nats: " + key + " file " + file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(String file) throws IOException {
    String pem;
    try {
      pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("nats: cannot read client-key file " + file + ": no such file", e);
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = pem.indexOf(begin);
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new IOException(
          "nats: client-key file "
              + file
              + " is not an unencrypted PKCS#8 PEM key "
              + "(BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    var failures = new ArrayList<String>();
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        failures.add(algorithm);
      }
    }
    throw new IOException(
        "nats: client-key file " + file + " holds a key of none of the types " + failures);
  }
}
