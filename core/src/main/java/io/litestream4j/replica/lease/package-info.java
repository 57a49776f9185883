/** The object-store lease ({@code lock.json}) built on a backend's conditional writes. */
@NullMarked
package io.litestream4j.replica.lease;

import org.jspecify.annotations.NullMarked;
