package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RfcTimestampsTest {
  private static final OffsetDateTime CREATED =
      OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.ofHours(2));
  private static final OffsetDateTime MODIFIED =
      OffsetDateTime.of(2024, 5, 7, 0, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void theStoredTimestampWinsOverTheObjectsOwnTimes() {
    assertThat(RfcTimestamps.parseOr("2024-05-06T07:08:09.12Z", CREATED, MODIFIED))
        .isEqualTo(Instant.parse("2024-05-06T07:08:09.120Z"));
  }

  @Test
  void withoutAReadableTimestampTheFirstTimePresentIsUsedElseTheEpoch() {
    assertThat(RfcTimestamps.parseOr(null, CREATED, MODIFIED)).isEqualTo(CREATED.toInstant());
    assertThat(RfcTimestamps.parseOr("yesterday", null, MODIFIED)).isEqualTo(MODIFIED.toInstant());
    assertThat(RfcTimestamps.parseOr(null, null, null)).isEqualTo(Instant.EPOCH);
  }
}
