package io.litestream4j.config;

/**
 * A file-name glob with the meaning Go's {@code filepath.Match} gives it, so a {@code pattern} of a
 * directory entry selects the same files for litestream4j as for Litestream: {@code *} (any run of
 * characters), {@code ?} (one character), {@code [a-z]} / {@code [^a-z]} classes and {@code \}
 * escapes; no braces. Matched against a base name, so there is no separator to stop at.
 */
public final class GoGlob {
  private final String pattern;

  private GoGlob(String pattern) {
    this.pattern = pattern;
  }

  /**
   * @throws IllegalArgumentException when the pattern is malformed (unclosed class, trailing
   *     escape), as Go reports {@code ErrBadPattern}
   */
  public static GoGlob compile(String pattern) {
    GoGlob g = new GoGlob(pattern);
    g.matchFrom(0, "", 0, true); // walks the whole pattern: reports malformed classes and escapes
    return g;
  }

  public String pattern() {
    return pattern;
  }

  public boolean matches(String name) {
    return matchFrom(0, name, 0, false);
  }

  /**
   * Backtracking match of pattern[p..] against name[n..]; with {@code validate}, walks the pattern
   * only.
   */
  private boolean matchFrom(int p, String name, int n, boolean validate) {
    while (p < pattern.length()) {
      char c = pattern.charAt(p);
      switch (c) {
        case '*' -> {
          while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
          }
          if (validate) {
            continue;
          }
          if (p == pattern.length()) {
            return true;
          }
          for (int i = n; i <= name.length(); i++) {
            if (matchFrom(p, name, i, false)) {
              return true;
            }
          }
          return false;
        }
        case '?' -> {
          if (!validate && n >= name.length()) {
            return false;
          }
          p++;
          n++;
        }
        case '[' -> {
          int end = classEnd(p);
          if (!validate && (n >= name.length() || !classMatches(p + 1, end, name.charAt(n)))) {
            return false;
          }
          p = end + 1;
          n++;
        }
        case '\\' -> {
          if (p + 1 >= pattern.length()) {
            throw new IllegalArgumentException(
                "syntax error in pattern '" + pattern + "': trailing backslash");
          }
          if (!validate && (n >= name.length() || name.charAt(n) != pattern.charAt(p + 1))) {
            return false;
          }
          p += 2;
          n++;
        }
        default -> {
          if (!validate && (n >= name.length() || name.charAt(n) != c)) {
            return false;
          }
          p++;
          n++;
        }
      }
    }
    return validate || n == name.length();
  }

  /** Index of the {@code ]} closing the class opened at {@code open}. */
  private int classEnd(int open) {
    int i = open + 1;
    if (i < pattern.length() && pattern.charAt(i) == '^') {
      i++;
    }
    boolean first = true;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == ']' && !first) {
        return i;
      }
      if (c == '\\') {
        i++;
      }
      first = false;
      i++;
    }
    throw new IllegalArgumentException("syntax error in pattern '" + pattern + "': unclosed '['");
  }

  private boolean classMatches(int from, int end, char ch) {
    boolean negate = pattern.charAt(from) == '^';
    int i = negate ? from + 1 : from;
    boolean matched = false;
    while (i < end) {
      char lo = pattern.charAt(i);
      if (lo == '\\') {
        lo = pattern.charAt(++i);
      }
      char hi = lo;
      if (i + 2 < end && pattern.charAt(i + 1) == '-') {
        hi = pattern.charAt(i + 2);
        if (hi == '\\') {
          hi = pattern.charAt(i + 3);
          i++;
        }
        i += 2;
      }
      if (lo <= ch && ch <= hi) {
        matched = true;
      }
      i++;
    }
    return matched != negate;
  }
}
