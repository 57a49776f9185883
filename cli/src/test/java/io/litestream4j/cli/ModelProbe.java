package io.litestream4j.cli;

/**
 * A test's separate JVM: builds the command line {@link Main} would run for its arguments and
 * parses them without executing, so that the parent can watch which classes building the model
 * loads ({@link ProgrammaticModelTest}).
 */
final class ModelProbe {
  private ModelProbe() {}

  public static void main(String[] args) {
    String[] normalized = Flags.normalize(args);
    Main.newCommandLine(normalized).parseArgs(normalized);
  }
}
