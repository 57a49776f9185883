package io.litestream4j.s3;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;
import software.amazon.awssdk.services.s3.model.GetBucketLocationResponse;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the AWS SDK client for a replica: the URL-connection HTTP client (no Apache or Netty),
 * Litestream's retry policy (10 attempts, exponential backoff, no retry quota, also retrying 408,
 * 429 and dropped connections), static or default-chain credentials, and the quirks S3-compatible
 * servers need: no aws-chunked encoding and checksums only where required on custom endpoints,
 * optional {@code Content-MD5} on batch deletes, payload signing as configured, path-style
 * addressing, no {@code Expect: 100-continue} (so a refused conditional write reports its real
 * status).
 */
final class SdkClients {

  private static final Logger LOG = LoggerFactory.getLogger(SdkClients.class);

  private SdkClients() {}

  static S3Client build(S3Settings s, S3Tuning t, String region) {
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(httpClient(s, t))
            .region(Region.of(region))
            .credentialsProvider(credentials(s))
            .forcePathStyle(s.forcePathStyle())
            .serviceConfiguration(
                c ->
                    c.useArnRegionEnabled(true)
                        .expectContinueEnabled(false)
                        .chunkedEncodingEnabled(s.endpoint().isEmpty()))
            .authSchemeProvider(payloadSigning(s.signPayload()))
            .overrideConfiguration(
                o -> {
                  o.retryStrategy(
                      retryStrategy(
                          t,
                          new RetryNotice(
                              s.location(),
                              s.endpoint().orElse("AWS"),
                              t.maxAttempts(),
                              RetryNotice.INTERVAL,
                              System::nanoTime)));
                  o.putAdvancedOption(
                      SdkAdvancedClientOption.USER_AGENT_PREFIX, "litestream4j (litestream)");
                  if (s.provider() == S3Provider.TIGRIS) {
                    o.putHeader("X-Tigris-Consistent", "true");
                  }
                });
    if (s.endpoint().isPresent()) {
      b.endpointOverride(URI.create(s.endpoint().get()))
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    if (s.requireContentMd5()) {
      b.addPlugin(LegacyMd5Plugin.create());
    }
    return b.build();
  }

  /**
   * The bucket's region for AWS when none is configured: GetBucketLocation from us-east-1, like
   * Litestream; if that is not allowed, us-east-1 (cross-region access then follows redirects).
   */
  static String lookupRegion(S3Settings s, S3Tuning t) {
    try (S3Client probe = build(s, t, S3Host.DEFAULT_REGION)) {
      GetBucketLocationResponse r = probe.getBucketLocation(q -> q.bucket(s.bucket()));
      String constraint = r.locationConstraintAsString();
      if (constraint == null || constraint.isEmpty()) {
        return S3Host.DEFAULT_REGION;
      }
      return constraint.equals("EU") ? "eu-west-1" : constraint;
    } catch (SdkException e) {
      LOG.atWarn()
          .addKeyValue("replica", s.location())
          .log(
              "cannot look up the region of bucket {} ({}); using {}: set 'region' to avoid this",
              s.bucket(),
              S3Errors.describe(e),
              S3Host.DEFAULT_REGION);
      return S3Host.DEFAULT_REGION;
    }
  }

  private static SdkHttpClient httpClient(S3Settings s, S3Tuning t) {
    if (PlainHttpConnections.suits(s.endpoint(), System::getProperty, System.getenv())) {
      return UrlConnectionHttpClient.create(
          new PlainHttpConnections(t.connectTimeout(), t.socketTimeout()));
    }
    var builder =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(t.connectTimeout())
            .socketTimeout(t.socketTimeout());
    if (s.skipVerify()) {
      return builder.buildWithDefaults(
          AttributeMap.builder()
              .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
              .build());
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3Settings s) {
    return s.credentials()
        .<AwsCredentialsProvider>map(
            c ->
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }

  static RetryStrategy retryStrategy(S3Tuning t, RetryNotice notice) {
    RetryStrategy policy =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(t.maxAttempts())
            .circuitBreakerEnabled(false)
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(t.retryBaseDelay(), t.retryMaxDelay()))
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelay(
                    // Not Duration.multipliedBy: it computes through BigDecimal, whose class
                    // initialization costs every S3 command tens of milliseconds.
                    Duration.ofNanos(Math.multiplyExact(t.retryBaseDelay().toNanos(), 5)),
                    t.retryMaxDelay()))
            .retryOnException(S3Errors::isRetryable)
            .treatAsThrottling(S3Errors::isThrottling)
            .build();
    return new NoticingRetryStrategy(policy, notice);
  }

  /** The SDK's S3 auth schemes with payload signing switched on or off as configured. */
  private static S3AuthSchemeProvider payloadSigning(boolean sign) {
    S3AuthSchemeProvider defaults = S3AuthSchemeProvider.defaultProvider();
    return params -> {
      List<AuthSchemeOption> options = defaults.resolveAuthScheme(params);
      return options.stream()
          .map(
              o ->
                  o.toBuilder()
                      .putSignerProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, sign)
                      .build())
          .toList();
    };
  }
}
