/**
 * The Micrometer binder for a {@code Replication}.
 *
 * <p>Exports its one package; Micrometer has no module descriptor, {@code micrometer.core} is its
 * {@code Automatic-Module-Name}.
 */
@SuppressWarnings({
  "requires-automatic",
  "requires-transitive-automatic"
}) // micrometer names itself
module io.litestream4j.micrometer {
  requires transitive io.litestream4j.core;
  requires transitive micrometer.core;

  exports io.litestream4j.micrometer;
}
