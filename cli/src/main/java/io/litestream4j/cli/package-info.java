/**
 * The {@code litestream4j} command line: one picocli command per Litestream command, built only
 * when it runs ({@code CommandTable}); the flags several commands share are mixins ({@code
 * SocketFlags}) or added to every model that needs them ({@code SharedFlags}, {@code HelpFlag}).
 * Commands parse, call core and print; an option without a default is {@code @Nullable}.
 */
@NullMarked
package io.litestream4j.cli;

import org.jspecify.annotations.NullMarked;
