package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void aRangeKnowsItsLengthAndItsContentRange() {
    ByteRange range = new ByteRange(100, 199);
    assertThat(range.length()).isEqualTo(100);
    assertThat(range.contentRange(1000)).isEqualTo("bytes 100-199/1000");
    assertThat(new ByteRange(0, 0).length()).isEqualTo(1);
  }

  @Test
  void aRangeHeaderSelectsOneRangeOfTheFile() {
    assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange(0, 99));
    assertThat(ByteRange.parse("bytes=900-", 1000)).isEqualTo(new ByteRange(900, 999));
    assertThat(ByteRange.parse("bytes=-100", 1000)).isEqualTo(new ByteRange(900, 999));
    assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange(0, 999));
    assertThat(ByteRange.parse(" bytes=10-5000 ", 1000)).isEqualTo(new ByteRange(10, 999));
  }

  @Test
  void aMissingMalformedOrMultipleRangeSendsTheWholeFile() {
    assertThat(ByteRange.parse(null, 1000)).isEqualTo(RangeSelection.WHOLE);
    assertThat(ByteRange.parse("bytes=0-1,5-6", 1000)).isEqualTo(RangeSelection.WHOLE);
    assertThat(ByteRange.parse("items=0-1", 1000)).isEqualTo(RangeSelection.WHOLE);
    assertThat(ByteRange.parse("bytes=x-1", 1000)).isEqualTo(RangeSelection.WHOLE);
    assertThat(ByteRange.parse("bytes=5", 1000)).isEqualTo(RangeSelection.WHOLE);
    assertThat(ByteRange.parse("bytes=9-3", 1000)).isEqualTo(RangeSelection.WHOLE);
  }

  @Test
  void aRangePastTheEndOrOfNoBytesIsUnsatisfiable() {
    assertThat(ByteRange.parse("bytes=1000-", 1000)).isEqualTo(RangeSelection.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 1000)).isEqualTo(RangeSelection.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-10", 0)).isEqualTo(RangeSelection.UNSATISFIABLE);
  }

  @Test
  void anEmptyOrNegativeRangeIsRefusedNamingTheBounds() {
    assertThatThrownBy(() -> new ByteRange(5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("byte range: 5-4 (expected: 0 <= first <= last)");
    assertThatThrownBy(() -> new ByteRange(-1, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSizeIsKnownOnlyWhenBothSidesAre() {
    assertThat(new Size(160, 120).known()).isTrue();
    assertThat(Size.UNKNOWN.known()).isFalse();
    assertThat(new Size(160, 0).known()).isFalse();
    assertThat(new Size(640, 480)).hasToString("640x480");
    assertThatThrownBy(() -> new Size(-1, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
