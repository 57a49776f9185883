package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandWordsTest {
  @Test
  void blanksSeparateWords() {
    assertThat(CommandWords.split("  java\t-jar  /opt/app.jar\n", "-exec"))
        .containsExactly("java", "-jar", "/opt/app.jar");
  }

  @Test
  void quotesAndBackslashesKeepBlanksAndMetacharactersInOneWord() {
    assertThat(
            CommandWords.split(
                "app --name 'my app; v2' --msg \"say \\\"hi\\\" \\$HOME \\n\" a\\ b ''", "-exec"))
        .containsExactly("app", "--name", "my app; v2", "--msg", "say \"hi\" $HOME \\n", "a b", "");
  }

  @Test
  void adjacentQuotedAndPlainPartsFormOneWord() {
    assertThat(CommandWords.split("--opt='a b'c\"d\"", "-exec"))
        .containsExactly("--opt=a bc" + "d");
  }

  @Test
  void variablesAndGlobsAreNotExpanded() {
    assertThat(CommandWords.split("app $HOME *.db", "-exec"))
        .containsExactly("app", "$HOME", "*.db");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a && b", "a; b", "a | b", "a > log", "a < in", "(a)", "a `b`", "a $(b)"})
  void aCommandOnlyAShellCouldRunIsRefused(String line) {
    assertThatThrownBy(() -> CommandWords.split(line, "-exec"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-exec runs its program directly, without a shell")
        .hasMessageContaining("sh -c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "app 'open", "app \"open", "app \\"})
  void emptyOrUnterminatedCommandsAreRefused(String line) {
    assertThatThrownBy(() -> CommandWords.split(line, "exec"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("exec ");
  }
}
