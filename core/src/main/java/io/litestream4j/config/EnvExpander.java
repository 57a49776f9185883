package io.litestream4j.config;

import java.util.function.UnaryOperator;

/**
 * Replaces {@code $VAR} and {@code ${VAR}} in configuration text exactly as Litestream does (Go's
 * {@code os.Expand}), so a file that works there expands identically here.
 *
 * <p>Rules: a name is a run of letters, digits and underscores, or a single special character
 * ({@code * # $ @ ! ? -} or a digit); {@code ${...}} takes everything up to the next {@code }}.
 * Unset variables become the empty string. A {@code $} not followed by a name is kept; the
 * malformed {@code ${}} and an unterminated {@code ${} are dropped. There is no escape for a literal
 * {@code $} before a name (Litestream has none either): such values must come from the environment
 * or the expansion must be disabled ({@code -no-expand-env}).
 */
final class EnvExpander {

  private EnvExpander() {}

  static String expand(String text, UnaryOperator<String> lookup) {
    StringBuilder out = null;
    int copied = 0;
    for (int j = 0; j < text.length(); j++) {
      if (text.charAt(j) != '$' || j + 1 >= text.length()) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16);
      }
      out.append(text, copied, j);
      String rest = text.substring(j + 1);
      int consumed;
      String name;
      char first = rest.charAt(0);
      if (first == '{') {
        if (rest.length() > 2 && isSpecial(rest.charAt(1)) && rest.charAt(2) == '}') {
          name = rest.substring(1, 2);
          consumed = 3;
        } else {
          int close = rest.indexOf('}');
          if (close < 0) {
            name = "";
            consumed = 1; // unterminated "${": drop it
          } else if (close == 1) {
            name = "";
            consumed = 2; // "${}": drop it
          } else {
            name = rest.substring(1, close);
            consumed = close + 1;
          }
        }
      } else if (isSpecial(first)) {
        name = rest.substring(0, 1);
        consumed = 1;
      } else {
        int n = 0;
        while (n < rest.length() && isNameChar(rest.charAt(n))) {
          n++;
        }
        name = rest.substring(0, n);
        consumed = n;
      }
      if (!name.isEmpty()) {
        String value = lookup.apply(name);
        out.append(value == null ? "" : value);
      } else if (consumed == 0) {
        out.append('$');
      }
      j += consumed;
      copied = j + 1;
    }
    if (out == null) {
      return text;
    }
    out.append(text, Math.min(copied, text.length()), text.length());
    return out.toString();
  }

  private static boolean isSpecial(char c) {
    return switch (c) {
      case '*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' ->
          true;
      default -> false;
    };
  }

  private static boolean isNameChar(char c) {
    return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }
}
