package dev.socketkit.cli;

import java.util.Locale;
import picocli.CommandLine.TypeConversionException;

/** The value of an option that names an enum constant in lower case: {@code --record motion}. */
final class EnumOption {
  private EnumOption() {}

  /**
   * The constant of {@code type} that {@code value} names, in any case.
   *
   * @param expected the accepted values, for the error: {@code "off, motion or continuous"}
   * @throws TypeConversionException with {@code 'VALUE' (expected: EXPECTED)}, which picocli
   *     prefixes with the option's name
   */
  static <E extends Enum<E>> E parse(Class<E> type, String value, String expected) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' (expected: " + expected + ")");
    }
  }
}
