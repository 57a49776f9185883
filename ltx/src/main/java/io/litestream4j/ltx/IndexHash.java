package io.litestream4j.ltx;

/**
 * An order-dependent 64-bit hash of page index entries (page number, frame offset, frame size): the
 * decoder hashes the entries of the frames it read and the entries the page index lists, and
 * compares the two values, so checking the index needs no memory per page. Exists instead of a CRC
 * of the entries' bytes because this runs once per page on a restore's busiest thread: each value
 * goes through a bijective 64-bit mixer (MurmurHash3's finalizer) chained with the state, no bytes
 * are serialized and no table is read. Two different sequences collide with probability about
 * 2^-64; like the CRC before it, it is a check against damage, not against forgery (the file's own
 * checksum is a CRC too). Not thread-safe.
 */
final class IndexHash {
  private long state = 0x6a09e667f3bcc908L;

  /** Adds one entry. */
  void add(long pgno, long offset, long size) {
    state = mix(mix(mix(state ^ pgno) ^ offset) ^ size);
  }

  long value() {
    return state;
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return x;
  }
}
