package dev.socketkit.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/*
 * Design notes.
 *
 * One way to read a size on the command line, for every flag that takes one (--max-pending,
 * --max-disk). The two converters it replaces disagreed: one took decimals, T and 0, the other
 * whole numbers of K, M or G only, and at least 1. The union is right for both flags: 1.5G and
 * 1T are sizes a user means, and nothing is lost by taking them. Whether 0 makes sense depends on
 * the flag, not on the syntax (--max-disk 0 is "no limit", --max-pending 0 would never read), so
 * the parser takes any size >= 0 and the range check is the flag's: it names the converter
 * (NonNegative or Positive) that states it.
 *
 * The grammar is written out as a pattern, not left to Double.parseDouble, which would also take
 * "1e3", "0x10", "NaN" and "Infinity".
 */

/**
 * Sizes in bytes as the command line writes them: {@code 65536}, {@code 64K}, {@code 1.5G}, {@code
 * 10GiB}, {@code 2TB}. Suffixes K, M, G, T (any case, optionally followed by {@code i} and/or
 * {@code B}) are powers of 1024; a fraction is rounded to the nearest byte. Stateless; any thread.
 */
final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*([KMGT]?)I?B?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /**
   * The number of bytes {@code text} means.
   *
   * @throws IllegalArgumentException if it is no size, or more than {@link Long#MAX_VALUE} bytes
   */
  static long parse(String text) {
    Matcher size = SIZE.matcher(text.trim());
    if (!size.matches()) {
      throw new IllegalArgumentException("not a size: '" + text + "'");
    }
    String unit = size.group(2).toUpperCase(Locale.ROOT);
    int shift = unit.isEmpty() ? 0 : 10 * ("KMGT".indexOf(unit) + 1);
    String number = size.group(1);
    if (number.indexOf('.') < 0) { // a whole number: exact, even past 2^53
      try {
        long whole = Long.parseLong(number);
        if (whole <= Long.MAX_VALUE >> shift) {
          return whole << shift;
        }
      } catch (NumberFormatException tooManyDigits) {
        // Falls through to the one error below; the pattern has ruled out everything else.
      }
      throw new IllegalArgumentException("too large: '" + text + "'");
    }
    double bytes = Double.parseDouble(number) * (1L << shift);
    if (bytes >= 0x1p63) {
      throw new IllegalArgumentException("too large: '" + text + "'");
    }
    return Math.round(bytes);
  }

  /** A size of 0 bytes or more: for flags where 0 means something (no limit, say). */
  static final class NonNegative implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "bad size '"
                + value
                + "' (expected: a size like 500M or 10G; K, M, G, T are powers"
                + " of 1024)");
      }
    }
  }

  /** A size of at least 1 byte: for flags where 0 would mean never doing the work. */
  static final class Positive implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long bytes;
      try {
        bytes = parse(value);
      } catch (IllegalArgumentException e) {
        bytes = 0;
      }
      if (bytes < 1) {
        throw new TypeConversionException(
            "bad size '"
                + value
                + "' (expected: a size of at least 1 byte like 65536, 64K or 1M;"
                + " K, M, G, T are powers of 1024)");
      }
      return bytes;
    }
  }
}
