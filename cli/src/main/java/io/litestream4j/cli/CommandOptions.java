package io.litestream4j.cli;

import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Declares the options and positional parameters of a command whose picocli model is built with the
 * programmatic API instead of annotations, and hands back typed accessors for their parsed values.
 *
 * <p>Picocli reads annotations through dynamic proxies, one class generated at run time per
 * annotation type; the JDK AOT cache cannot hold them, so reading a command's annotations costs
 * tens of milliseconds of every start. The commands that scripts run on a hot path ({@code
 * version}, {@code restore}, {@code ltx}) and the flag sets several commands share ({@link
 * SharedFlags}) declare each option once here: name, parameter label, type, default and
 * description, and read the value picocli parsed from the option itself, so no annotation is read
 * and no setter is bound.
 */
final class CommandOptions {
  private final CommandSpec spec;

  CommandOptions(CommandSpec spec) {
    this.spec = spec;
  }

  /** A boolean option that takes no parameter. */
  Flag flag(String name, String description) {
    return new Flag(add(OptionSpec.builder(name).type(boolean.class).description(description)));
  }

  /** An option with one parameter and no default: its value is null when it is not given. */
  <T> Value<T> option(Class<T> type, String name, String paramLabel, String description) {
    return new Value<>(
        add(OptionSpec.builder(name).type(type).paramLabel(paramLabel).description(description)));
  }

  /**
   * An option with one parameter and a default (converted like a given value; {@code
   * ${DEFAULT-VALUE}} in the description shows it).
   */
  <T> Value<T> option(
      Class<T> type, String name, String paramLabel, String defaultValue, String description) {
    return new Value<>(
        add(
            OptionSpec.builder(name)
                .type(type)
                .paramLabel(paramLabel)
                .defaultValue(defaultValue)
                .description(description)));
  }

  /**
   * Positional parameters of type String, any number of them ({@code arity}, e.g. {@code 0..*}).
   */
  Positionals positionals(String paramLabel, String arity) {
    PositionalParamSpec p =
        PositionalParamSpec.builder()
            .arity(arity)
            .paramLabel(paramLabel)
            .type(List.class)
            .auxiliaryTypes(String.class)
            .build();
    spec.addPositional(p);
    return new Positionals(p);
  }

  private OptionSpec add(OptionSpec.Builder builder) {
    OptionSpec option = builder.build();
    spec.addOption(option);
    return option;
  }

  /** A declared flag; {@link #isSet()} after parsing. */
  record Flag(OptionSpec option) {
    boolean isSet() {
      return Boolean.TRUE.equals(option.getValue());
    }
  }

  /** A declared option with a parameter; {@link #get()} after parsing (null when not given). */
  record Value<T>(OptionSpec option) {
    @Nullable T get() {
      return option.getValue();
    }
  }

  /** Declared positional parameters; {@link #get()} after parsing (empty when none were given). */
  record Positionals(PositionalParamSpec parameters) {
    List<String> get() {
      List<String> values = parameters.getValue();
      return values == null ? List.of() : List.copyOf(values);
    }
  }
}
