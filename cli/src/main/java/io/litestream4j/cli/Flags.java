package io.litestream4j.cli;

import java.util.Arrays;

/**
 * Litestream's Go-style flags accept both {@code -flag} and {@code --flag}. Options are declared
 * once with their single-dash names; this class rewrites a {@code --long-name} argument to {@code
 * -long-name} so both spellings reach the same option. Arguments after {@code --} are left
 * untouched.
 */
final class Flags {
  private Flags() {}

  static String[] normalize(String[] args) {
    String[] out = Arrays.copyOf(args, args.length);
    for (int i = 0; i < out.length; i++) {
      String a = out[i];
      if (a.equals("--")) {
        break;
      }
      if (a.startsWith("--") && a.length() > 3) {
        out[i] = a.substring(1);
      }
    }
    return out;
  }
}
