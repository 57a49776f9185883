package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replicas configured by keys are named by the URL those keys describe, never by "type path". */
class ReplicaDescribeTest {

  private static String describe(String replicaYaml) {
    String yaml = "dbs:\n  - path: /data/app.db\n    replica:\n" + replicaYaml.indent(6);
    return ConfigLoader.parse(yaml, "test.yml", false, Map.of())
        .config()
        .dbs()
        .getFirst()
        .replica()
        .describe();
  }

  @Test
  void s3ByKeysIsDescribedAsAnS3Url() {
    assertThat(describe("type: s3\nbucket: my-bucket\npath: some/db\nregion: eu-west-1\n"))
        .isEqualTo("s3://my-bucket/some/db");
    assertThat(describe("type: s3\nbucket: my-bucket\n")).isEqualTo("s3://my-bucket");
  }

  @Test
  void credentialsNeverAppear() {
    assertThat(
            describe(
                "type: s3\nbucket: b\npath: p\naccess-key-id: AKIAEXAMPLE\nsecret-access-key: s3cr3t\n"))
        .isEqualTo("s3://b/p")
        .doesNotContain("AKIA", "s3cr3t");
  }

  @Test
  void urlsAndFilePathsStayAsGiven() {
    assertThat(describe("url: s3://bucket/app?region=us-east-1\n")).startsWith("s3://bucket/app");
    assertThat(describe("type: file\npath: /backups/app\n")).isEqualTo("file:///backups/app");
  }
}
