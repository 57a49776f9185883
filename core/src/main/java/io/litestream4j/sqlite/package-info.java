/**
 * SQLite's file formats, read without SQLite: WAL and database headers, WAL frames and their
 * checksums, and a database image with a WAL overlay. Not API: exported only to the project's own
 * modules.
 */
@NullMarked
package io.litestream4j.sqlite;

import org.jspecify.annotations.NullMarked;
