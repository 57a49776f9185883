/**
 * File-level tools behind {@code litestream4j ltx-file}: encoding a database file as an LTX
 * snapshot, its rolling checksum, inspecting and verifying LTX files, and applying a chain of them
 * to a new database file. They read SQLite files without opening SQLite and never modify their
 * inputs.
 */
@NullMarked
package io.litestream4j.tools;

import org.jspecify.annotations.NullMarked;
