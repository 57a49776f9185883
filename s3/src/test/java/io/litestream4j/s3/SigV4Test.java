package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

class SigV4Test {

  private static final String ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  /** AWS's worked example of a signed GET Object with a range (S3 API reference, SigV4). */
  @Test
  void matchesAwssPublishedGetObjectExample() {
    SigV4 signer = new SigV4(ID, SECRET, null, "us-east-1");
    Map<String, String> headers =
        signer.sign(
            "GET",
            "examplebucket.s3.amazonaws.com",
            "/test.txt",
            Map.of(),
            Map.of("range", "bytes=0-9"),
            Instant.parse("2013-05-24T00:00:00Z"));
    assertThat(headers.get("Authorization"))
        .isEqualTo(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    assertThat(headers)
        .containsEntry("x-amz-date", "20130524T000000Z")
        .containsEntry("x-amz-content-sha256", SigV4.EMPTY_SHA256);
  }

  /** AWS's worked example of a signed bucket listing with a query string. */
  @Test
  void matchesAwssPublishedListObjectsExample() {
    SigV4 signer = new SigV4(ID, SECRET, null, "us-east-1");
    Map<String, String> query = new LinkedHashMap<>();
    query.put("max-keys", "2");
    query.put("prefix", "J");
    Map<String, String> headers =
        signer.sign(
            "GET",
            "examplebucket.s3.amazonaws.com",
            "/",
            query,
            Map.of(),
            Instant.parse("2013-05-24T00:00:00Z"));
    assertThat(headers.get("Authorization"))
        .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  }

  /**
   * Random keys (spaces, unicode, reserved characters), queries, ports, regions, headers and
   * session tokens: the Authorization header equals the AWS SDK signer's for the same request.
   */
  @Test
  void agreesWithTheAwsSdkSigner() {
    Random random = new Random(42);
    String alphabet = "abcXYZ019-_.~ /+=&?%:@!$'()*,;é日本";
    for (int i = 0; i < 300; i++) {
      String region = random.nextBoolean() ? "us-east-1" : "eu-west-" + (1 + random.nextInt(3));
      String token = random.nextInt(3) == 0 ? "token/" + random.nextInt(1_000_000) + "==" : null;
      String host = random.nextBoolean() ? "127.0.0.1:" + (1024 + random.nextInt(60000)) : "b.s3.x";
      StringBuilder key = new StringBuilder("db/");
      for (int n = random.nextInt(20); n >= 0; n--) {
        key.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String path = "/bucket/" + SigV4.encode(key.toString(), false);
      Map<String, String> query = new LinkedHashMap<>();
      if (random.nextBoolean()) {
        query.put("list-type", "2");
        query.put("prefix", key.toString());
        query.put("encoding-type", "url");
        if (random.nextBoolean()) {
          query.put("continuation-token", "1/ab+c=" + random.nextInt());
        }
      }
      Map<String, String> headers = new LinkedHashMap<>();
      if (random.nextBoolean()) {
        headers.put("range", "bytes=" + random.nextInt(1000) + "-");
      }
      if (random.nextBoolean()) {
        headers.put("x-amz-server-side-encryption-customer-algorithm", "AES256");
      }
      Instant now = Instant.ofEpochSecond(1_600_000_000L + random.nextInt(200_000_000));

      String ours =
          new SigV4("AKID" + i, "secret/" + i, token, region)
              .sign("GET", host, path, query, headers, now)
              .get("Authorization");

      String url =
          "http://" + host + path + (query.isEmpty() ? "" : "?" + SigV4.canonicalQuery(query));
      SdkHttpRequest.Builder request =
          SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(URI.create(url));
      headers.forEach(request::putHeader);
      request.putHeader("x-amz-content-sha256", SigV4.EMPTY_SHA256);
      AwsCredentialsIdentity identity =
          token == null
              ? AwsCredentialsIdentity.create("AKID" + i, "secret/" + i)
              : AwsSessionCredentialsIdentity.create("AKID" + i, "secret/" + i, token);
      String sdk =
          AwsV4HttpSigner.create()
              .sign(
                  r ->
                      r.identity(identity)
                          .request(request.build())
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                          .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                          .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                          .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)))
              .request()
              .firstMatchingHeader("Authorization")
              .orElseThrow();
      assertThat(ours).as("request %d: %s %s %s", i, url, headers, token).isEqualTo(sdk);
    }
  }

  @Test
  void hmacEqualsTheJdksForKeysShorterAndLongerThanABlock() throws Exception {
    Random random = new Random(7);
    for (int len : new int[] {0, 1, 32, 63, 64, 65, 200}) {
      byte[] key = new byte[len];
      random.nextBytes(key);
      String data = "data " + len;
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      if (len > 0) {
        assertThat(SigV4.hmac(key, data))
            .isEqualTo(mac.doFinal(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
  }

  @Test
  void encodesAsSigV4Requires() {
    assertThat(SigV4.encode("a b/c~d_e.f-g+h=é", false)).isEqualTo("a%20b/c~d_e.f-g%2Bh%3D%C3%A9");
    assertThat(SigV4.encode("a/b", true)).isEqualTo("a%2Fb");
    assertThat(SigV4.canonicalQuery(Map.of("prefix", "db/0000/", "list-type", "2")))
        .isEqualTo("list-type=2&prefix=db%2F0000%2F");
  }

  @Test
  void formatsTheRequestTime() {
    assertThat(SigV4.amzDate(Instant.parse("2013-05-24T00:00:00Z"))).isEqualTo("20130524T000000Z");
    assertThat(SigV4.amzDate(Instant.parse("2026-12-07T17:09:59.999Z")))
        .isEqualTo("20261207T170959Z");
  }

  @Test
  void neverShowsTheSecret() {
    assertThat(new SigV4(ID, SECRET, "tok", "us-east-1").toString())
        .doesNotContain(SECRET)
        .doesNotContain("tok");
  }
}
