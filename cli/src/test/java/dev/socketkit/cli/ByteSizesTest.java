package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ByteSizesTest {
  @Test
  void readsWholeNumbersWithPowerOf1024Suffixes() {
    assertThat(ByteSizes.parse("65536")).isEqualTo(65_536L);
    assertThat(ByteSizes.parse("64K")).isEqualTo(64L << 10);
    assertThat(ByteSizes.parse("500m")).isEqualTo(500L << 20);
    assertThat(ByteSizes.parse("10G")).isEqualTo(10L << 30);
    assertThat(ByteSizes.parse("2T")).isEqualTo(2L << 40);
    assertThat(ByteSizes.parse(" 123B ")).isEqualTo(123L);
    assertThat(ByteSizes.parse("10GiB")).isEqualTo(10L << 30);
    assertThat(ByteSizes.parse("10GB")).isEqualTo(10L << 30);
  }

  @Test
  void readsFractionsToTheNearestByte() {
    assertThat(ByteSizes.parse("1.5GiB")).isEqualTo(3L << 29);
    assertThat(ByteSizes.parse(".5K")).isEqualTo(512L);
    assertThat(ByteSizes.parse("1.")).isEqualTo(1L);
    assertThat(ByteSizes.parse("0.4")).isZero();
  }

  @Test
  void readsTheLargestSizeAndRefusesOneByteMore() {
    assertThat(ByteSizes.parse("8388607T")).isEqualTo(8_388_607L << 40);
    assertThat(ByteSizes.parse(Long.toString(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> ByteSizes.parse("8388608T")).hasMessageContaining("too large");
    assertThatThrownBy(() -> ByteSizes.parse("9223372036854775808"))
        .hasMessageContaining("too large");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "lots", "-1", "1e3", "0x10", "NaN", "Infinity", "1P", "K", "1 2"})
  void refusesWhatIsNoSize(String text) {
    assertThatThrownBy(() -> ByteSizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteSizes.NonNegative().convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("a size like 500M or 10G");
  }

  @Test
  void zeroIsASizeButNotAPositiveOne() {
    assertThat(new ByteSizes.NonNegative().convert("0")).isZero();
    assertThat(new ByteSizes.Positive().convert("1")).isEqualTo(1L);
    assertThatThrownBy(() -> new ByteSizes.Positive().convert("0"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("at least 1 byte");
    assertThatThrownBy(() -> new ByteSizes.Positive().convert("0.4"))
        .hasMessageContaining("at least 1 byte");
  }
}
