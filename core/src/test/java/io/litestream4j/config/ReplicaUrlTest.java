package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaUrlTest {

  @Test
  void parsesObjectStoreUrls() {
    ReplicaUrl url =
        ReplicaUrl.parse("S3://my-bucket/path/to//db/?region=us-east-1&forcePathStyle=true&a=%2Fx");
    assertThat(url)
        .isEqualTo(
            new ReplicaUrl(
                "s3",
                "",
                "my-bucket",
                "path/to/db",
                Map.of("region", "us-east-1", "forcePathStyle", "true", "a", "/x")));
    assertThat(ReplicaUrl.parse("s3://bucket").path()).isEmpty();
    assertThat(ReplicaUrl.parse("s3://bucket/").path()).isEmpty();
  }

  @Test
  void parsesUserInfoAndPortAndMasksPasswords() {
    ReplicaUrl url = ReplicaUrl.parse("sftp://alice:s%40cret@example.com:2222/backups/db");
    assertThat(url.userInfo()).isEqualTo("alice:s@cret");
    assertThat(url.host()).isEqualTo("example.com:2222");
    assertThat(url.path()).isEqualTo("backups/db");
    assertThat(url.toString()).isEqualTo("sftp://alice:***@example.com:2222/backups/db");
  }

  @Test
  void fileUrlsAndPlainPathsGiveNormalisedAbsolutePaths() {
    assertThat(ReplicaUrl.parse("file:///var/backups/./db/").path()).isEqualTo("/var/backups/db");
    assertThat(ReplicaUrl.parse("file:///var/back%20ups?ignored=1").path())
        .isEqualTo("/var/back ups");
    assertThat(ReplicaUrl.parse("/srv/replica").scheme()).isEqualTo("file");
    assertThat(ReplicaUrl.parse("/srv/replica").toString()).isEqualTo("file:///srv/replica");
  }

  @Test
  void aFileUrlWithoutAuthorityIsAPathRelativeToTheWorkingDirectory() {
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(ReplicaUrl.parse("file:./data/replica").path())
        .isEqualTo(cwd.resolve("data/replica").toString());
    assertThat(ReplicaUrl.parse("file:data/../replica").path())
        .isEqualTo(cwd.resolve("replica").toString());
    assertThat(ReplicaUrl.parse("file:/srv/replica").path()).isEqualTo("/srv/replica");
    assertThatThrownBy(() -> ReplicaUrl.parse("file:"))
        .hasMessageContaining("a file replica URL needs a path");
  }

  @Test
  void rejectsUrlsThatWouldSilentlyGoWrong() {
    assertThatThrownBy(() -> ReplicaUrl.parse("file://backups/db"))
        .hasMessage(
            "replica URL: a file replica URL needs an absolute path, as in file:///var/backups/db"
                + " (got \"file://backups/db\")");
    assertThatThrownBy(() -> ReplicaUrl.parse("file://"))
        .hasMessageContaining("needs an absolute path");
    assertThatThrownBy(() -> ReplicaUrl.parse("relative/path"))
        .hasMessageContaining("needs a scheme");
    assertThatThrownBy(() -> ReplicaUrl.parse("s3:/bucket")).hasMessageContaining("needs a scheme");
    assertThatThrownBy(() -> ReplicaUrl.parse("   ")).hasMessageContaining("is empty");
  }

  @Test
  void recognisesUrlLikeStrings() {
    assertThat(ReplicaUrl.looksLikeUrl("s3://bucket")).isTrue();
    assertThat(ReplicaUrl.looksLikeUrl("/var/backups")).isFalse();
    assertThat(ReplicaUrl.looksLikeUrl("backups")).isFalse();
  }
}
