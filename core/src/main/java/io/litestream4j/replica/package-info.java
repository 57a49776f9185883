/**
 * The backend service-provider interface — {@link io.litestream4j.replica.ReplicaClient}, {@link
 * io.litestream4j.replica.LtxFileInfo}, leases — and the uploader that ships local level-0 files to
 * a replica.
 */
@NullMarked
package io.litestream4j.replica;

import org.jspecify.annotations.NullMarked;
