package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class S3XmlTest {

  private static final String PAGE =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>bucket</Name><Prefix>db%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>
        <EncodingType>url</EncodingType>
        <IsTruncated>true</IsTruncated>
        <Contents>
          <Key>db%2F0000%2F0000000000000001-0000000000000001.ltx</Key>
          <LastModified>2026-12-07T16:11:29.123Z</LastModified>
          <ETag>&quot;abc&quot;</ETag><Size>4096</Size><StorageClass>STANDARD</StorageClass>
          <Owner><ID>x</ID><DisplayName>y</DisplayName></Owner>
        </Contents>
        <Contents>
          <Key>db%2Fa+b%26c%C3%A9</Key>
          <LastModified>2026-12-07T16:11:30Z</LastModified><Size>0</Size>
        </Contents>
        <NextContinuationToken>1/AB+cd==</NextContinuationToken>
      </ListBucketResult>
      """;

  @Test
  void readsAPageOfAUrlEncodedListing() {
    S3Xml.ListPage page = S3Xml.listPage(PAGE);
    assertThat(page.entries())
        .containsExactly(
            new S3Xml.Entry(
                "db/0000/0000000000000001-0000000000000001.ltx",
                4096,
                Instant.parse("2026-12-07T16:11:29.123Z")),
            new S3Xml.Entry("db/a b&cé", 0, Instant.parse("2026-12-07T16:11:30Z")));
    assertThat(page.nextToken()).contains("1/AB+cd==");
  }

  @Test
  void aLastPageHasNoToken() {
    String last =
        "<ListBucketResult><IsTruncated>false</IsTruncated>"
            + "<Contents><Key>a&amp;b&#60;&#x3e;</Key><Size>7</Size></Contents></ListBucketResult>";
    S3Xml.ListPage page = S3Xml.listPage(last);
    assertThat(page.entries()).containsExactly(new S3Xml.Entry("a&b<>", 7, Instant.EPOCH));
    assertThat(page.nextToken()).isEmpty();
    assertThat(S3Xml.listPage("<ListBucketResult></ListBucketResult>").entries()).isEmpty();
  }

  @Test
  void refusesWhatIsNotACompleteListing() {
    assertThatThrownBy(() -> S3Xml.listPage("<html>proxy error</html>"))
        .hasMessageContaining("not a ListObjectsV2 response")
        .hasMessageContaining("proxy error");
    assertThatThrownBy(() -> S3Xml.listPage("<ListBucketResult><Contents><Key>a</Key>"))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> S3Xml.listPage("<ListBucketResult><Contents><Key>a</Key></Contents>"))
        .hasMessageContaining("without Key or Size");
    assertThatThrownBy(
            () ->
                S3Xml.listPage(
                    "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"))
        .hasMessageContaining("NextContinuationToken");
  }

  @Test
  void readsAnErrorBody() {
    S3Xml.Error e =
        S3Xml.error(
            "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code>"
                + "<Message>The specified bucket does not exist</Message>"
                + "<BucketName>x</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>");
    assertThat(e)
        .isEqualTo(
            new S3Xml.Error(
                "NoSuchBucket", "The specified bucket does not exist", "4442587FB7D0A2F9"));
    assertThat(S3Xml.error("")).isEqualTo(new S3Xml.Error("", "", ""));
  }

  @Test
  void readsListingTimes() {
    assertThat(S3Xml.instant("2026-01-02T03:04:05.6Z")).isEqualTo("2026-01-02T03:04:05.600Z");
    assertThat(S3Xml.instant("2026-01-02T03:04:05.123456789Z"))
        .isEqualTo("2026-01-02T03:04:05.123456789Z");
    assertThat(S3Xml.instant("garbage")).isEqualTo(Instant.EPOCH);
    assertThat(S3Xml.instant(null)).isEqualTo(Instant.EPOCH);
  }
}
