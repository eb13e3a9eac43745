package org.tftflink.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written timestamp reader agrees with java.time on every form it accepts. */
class TimestampParserTest {

  @Test
  void shouldAgreeWithJavaTimeWhenTextHasAnOffset() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      OffsetDateTime time = randomTime(random);
      String text = time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

      assertThat(TimestampParser.parse(text)).as(text).isEqualTo(time.toInstant().toEpochMilli());
    }
  }

  @Test
  void shouldReadTextAsUtcWhenItHasNoZone() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      LocalDateTime time = randomTime(random).toLocalDateTime();
      String text = time.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      String spaced = text.replace('T', ' ');
      long expected = time.toInstant(ZoneOffset.UTC).toEpochMilli();

      assertThat(TimestampParser.parse(text)).as(text).isEqualTo(expected);
      assertThat(TimestampParser.parse(spaced)).as(spaced).isEqualTo(expected);
    }
  }

  @Test
  void shouldAcceptEveryDayOfLeapAndCommonYears() {
    for (LocalDateTime day = LocalDateTime.of(1999, 1, 1, 0, 0);
        day.getYear() < 2102;
        day = day.plusDays(1)) {
      String text = day.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "Z";

      assertThat(TimestampParser.parse(text))
          .as(text)
          .isEqualTo(day.toInstant(ZoneOffset.UTC).toEpochMilli());
    }
  }

  @Test
  void shouldReadDigitsAsEpochMillisWhenTextIsAllDigits() {
    assertThat(TimestampParser.parse("1392388200000")).isEqualTo(1_392_388_200_000L);
    assertThat(TimestampParser.parse("0")).isZero();
    assertThat(TimestampParser.parse("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1234567890123456789", // 19 digits could overflow a long
        "2014-02-14",
        "2014-02-14T14",
        "2014-02-14T14:3",
        "2014-2-14T14:30:00Z",
        "2014-02-14X14:30:00Z",
        "2014-02-30T14:30:00Z",
        "2100-02-29T00:00:00Z", // 2100 is not a leap year
        "2014-00-14T14:30:00Z",
        "2014-02-00T14:30:00Z",
        "2014-02-14T14:60:00Z",
        "2014-02-14T14:30:6Z",
        "2014-02-14T14:30:00.1234567890Z",
        "2014-02-14T14:30:00.",
        "2014-02-14T14:30:00Z ",
        "2014-02-14T14:30:00ZZ",
        "2014-02-14T14:30:00+1",
        "2014-02-14T14:30:00+01:0",
        "2014-02-14T14:30:00+01:60",
        "2014-02-14T14:30:00+18:01",
        "2014-02-14T14:30:00[Europe/Paris]",
        " 2014-02-14T14:30:00Z",
        "+2014-02-14T14:30:00Z",
        "２０１４-02-14T14:30:00Z", // full-width digits are not ASCII digits
      })
  void shouldRejectTextWhenItIsNotAnAcceptedForm(String text) {
    assertThat(TimestampParser.parse(text)).isEqualTo(TimestampParser.UNPARSEABLE);
  }

  @Test
  void shouldReadOnlyTheGivenRangeWhenTextSitsInsideALargerBuffer() {
    char[] buffer = "xx2014-02-14T14:30:00Zyy".toCharArray();

    assertThat(TimestampParser.parse(buffer, 2, 20)).isEqualTo(1_392_388_200_000L);
  }

  private static OffsetDateTime randomTime(Random random) {
    long second = 946_684_800L + (long) (random.nextDouble() * 3_155_760_000L); // 2000..2100
    int nanos =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1000;
          default -> random.nextInt(1_000_000_000);
        };
    int offsetMinutes = random.nextInt(4) == 0 ? 0 : (random.nextInt(18 * 60 * 2 + 1) - 18 * 60);
    return OffsetDateTime.ofInstant(
        java.time.Instant.ofEpochSecond(second, nanos),
        ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
  }
}
