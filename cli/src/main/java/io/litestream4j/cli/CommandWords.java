package io.litestream4j.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The program and arguments of an {@code exec} command line, split as Litestream splits it: words
 * separated by blanks, with single quotes (literal), double quotes (where a backslash escapes
 * {@code " \ $ `}) and backslash escapes outside quotes; no variables, globs or substitutions. The
 * program is then started directly, not through a shell, so the signals {@code replicate} forwards
 * reach the application itself (a shell in between would keep them and leave the application
 * running).
 *
 * <p>Guarantees: returns at least one word; a command that only a shell could run (an unquoted
 * {@code ; & | < > ( )}, a backquote or {@code $(}) or an unterminated quote is refused with a
 * message that says how to write it instead, never run in part.
 */
final class CommandWords {
  private static final String SHELL_ONLY = ";&|<>()`";

  private CommandWords() {}

  /**
   * Splits {@code line}; {@code origin} names where it came from in error messages (e.g. "-exec").
   *
   * @throws IllegalArgumentException if the line is empty, has an unterminated quote or needs a
   *     shell
   */
  static List<String> split(String line, String origin) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0; // ' or " while inside quotes
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\'
            && i + 1 < line.length()
            && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 == line.length()) {
          throw new IllegalArgumentException(
              origin + " ends with a lone backslash: " + line + "; remove it or quote it");
        }
        word.append(line.charAt(++i));
        inWord = true;
      } else if (SHELL_ONLY.indexOf(c) >= 0
          || (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(')) {
        throw new IllegalArgumentException(
            origin
                + " runs its program directly, without a shell (as Litestream does), so '"
                + c
                + "' in \""
                + line
                + "\" would not mean what a shell makes of it; quote it if it is part of an"
                + " argument, or run a shell explicitly: sh -c '...' (then the shell, not the"
                + " application, receives the signals replicate forwards, so end the script with"
                + " exec)");
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(
          origin + " has an unterminated " + quote + " quote: " + line);
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException(origin + " names no program to run");
    }
    return List.copyOf(words);
  }
}
