package io.litestream4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Range;

/**
 * Declares the options and positional parameters of a command whose picocli model is built with the
 * programmatic API instead of annotations, and hands back typed accessors for their parsed values.
 *
 * <p>Picocli reads annotations through dynamic proxies, one class generated at run time per
 * annotation type; the JDK AOT cache cannot hold them, so reading a command's annotations costs
 * tens of milliseconds of every start. The commands that scripts run on a hot path ({@code
 * version}, {@code restore}, {@code ltx}, {@code ltx-file}) and the flag sets several commands
 * share ({@link SharedFlags}) declare each option once here: name, parameter label, type, default
 * and description, and read the value picocli parsed from the option itself, so no annotation is
 * read and no setter is bound.
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

  /** A required option with one parameter. */
  <T> Value<T> requiredOption(Class<T> type, String name, String paramLabel, String description) {
    return new Value<>(
        add(
            OptionSpec.builder(name)
                .type(type)
                .required(true)
                .paramLabel(paramLabel)
                .description(description)));
  }

  /** The required positional parameter at {@code index}. */
  <T> Value<T> parameter(Class<T> type, String index, String paramLabel, String description) {
    PositionalParamSpec p =
        PositionalParamSpec.builder()
            .index(index)
            .arity("1")
            .required(true)
            .type(type)
            .converters(converters(type))
            .paramLabel(paramLabel)
            .description(description)
            .build();
    spec.addPositional(p);
    return new Value<>(p);
  }

  /**
   * Positional parameters, as many as {@code arity} (e.g. {@code 0..*}) allows; required when it
   * asks for at least one, as picocli makes an annotated one.
   */
  <T> Values<T> parameters(Class<T> type, String arity, String paramLabel, String... description) {
    PositionalParamSpec p =
        PositionalParamSpec.builder()
            .arity(arity)
            .required(Range.valueOf(arity).min() > 0)
            .paramLabel(paramLabel)
            .description(description)
            .type(List.class)
            .auxiliaryTypes(type)
            .converters(converters(type))
            .build();
    spec.addPositional(p);
    return new Values<>(p);
  }

  /**
   * Converters for {@code type} that picocli would otherwise look up by reflection: it converts a
   * {@link Path} by calling {@code Paths.get} through {@code Method.invoke}, which makes the JVM
   * generate method-handle classes at run time (~5 ms of a restore's start-up).
   */
  private static ITypeConverter<?>[] converters(Class<?> type) {
    return type == Path.class ? new ITypeConverter<?>[] {Path::of} : new ITypeConverter<?>[0];
  }

  private OptionSpec add(OptionSpec.Builder builder) {
    builder.converters(converters(builder.type()));
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

  /**
   * A declared option or positional parameter with one value; {@link #get()} after parsing (null
   * when an optional one is not given).
   */
  record Value<T>(ArgSpec arg) {
    @Nullable T get() {
      return arg.getValue();
    }
  }

  /** Declared positional parameters; {@link #get()} after parsing (empty when none were given). */
  record Values<T>(PositionalParamSpec parameters) {
    List<T> get() {
      List<T> values = parameters.getValue();
      return values == null ? List.of() : List.copyOf(values);
    }
  }
}
