package io.litestream4j.internal;

/**
 * JSON string literals for the modules that write JSON by hand (the CLI's output, the control
 * socket and MCP server, the benchmark's results), so that they all escape text the same way.
 *
 * <p>Guarantees: the literal is quoted; {@code "} and {@code \} are escaped, newline, carriage
 * return and tab as {@code \n}, {@code \r}, {@code \t}, other control characters as four-digit
 * hexadecimal Unicode escapes; everything else is written as is. {@link #quoteHtmlSafe} also
 * escapes {@code <}, {@code >}, {@code &}, U+2028 and U+2029 that way, as Go's {@code
 * encoding/json} does, for output that must match Litestream's byte for byte.
 */
public final class JsonStrings {
  private JsonStrings() {}

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(StringBuilder sb, String s) {
    append(sb, s, false);
  }

  /** Appends {@code s} as a JSON string literal escaped as Go's {@code encoding/json} does. */
  public static void quoteHtmlSafe(StringBuilder sb, String s) {
    append(sb, s, true);
  }

  private static void append(StringBuilder sb, String s, boolean htmlSafe) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || (htmlSafe && isHtmlSensitive(c))) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static boolean isHtmlSensitive(char c) {
    return c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029';
  }
}
