/** The file backend: a replica in a local or mounted directory. */
@NullMarked
package io.litestream4j.replica.file;

import org.jspecify.annotations.NullMarked;
