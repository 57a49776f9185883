# Sourced by bin/litestream4j, .ci/run and ./mvnw (POSIX sh, no bashisms): exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if it is new enough, else the JDK under /usr/lib/jvm with the highest major version.
# Only shell built-ins run here (no sed, ls or sort): every command started costs a few milliseconds,
# and tens of them under load, on each start of the CLI (docs/performance.md, start-up, session 9).

# Sets litestream4j_release_value to the value of KEY in the JDK's release file ($1/release),
# without quotes; empty when the file or the key is missing.
litestream4j_release() {
  local _l4j_line
  litestream4j_release_value=""
  [ -f "$1/release" ] || return 0
  while IFS= read -r _l4j_line || [ -n "$_l4j_line" ]; do
    case "$_l4j_line" in
      "$2"=*)
        _l4j_line=${_l4j_line#"$2"=}
        _l4j_line=${_l4j_line#\"}
        litestream4j_release_value=${_l4j_line%\"}
        return 0 ;;
    esac
  done <"$1/release"
}

# Sets litestream4j_major to the major version of the JDK in $1. The release file answers without
# starting a JVM (which would cost ~0.1 s per call); the JVM itself is asked only when it has none.
litestream4j_major_of() {
  litestream4j_release "$1" JAVA_VERSION
  litestream4j_major=${litestream4j_release_value#1.}
  litestream4j_major=${litestream4j_major%%[!0-9]*}
  if [ -z "$litestream4j_major" ]; then
    litestream4j_major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1)
  fi
}

# `litestream4j_find_jdk jre` accepts a runtime without javac (enough to run the distribution's jar).
# Also sets LITESTREAM4J_JDK_MAJOR to the chosen JDK's major version.
litestream4j_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] \
      && { [ "${1:-}" = jre ] || [ -x "$JAVA_HOME/bin/javac" ]; }; then
    litestream4j_major_of "$JAVA_HOME"
    if [ -n "$litestream4j_major" ] && [ "$litestream4j_major" -ge 21 ]; then
      export JAVA_HOME
      LITESTREAM4J_JDK_MAJOR=$litestream4j_major
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    [ "${1:-}" = jre ] || [ -x "$candidate/bin/javac" ] || continue
    litestream4j_major_of "$candidate"
    major=$litestream4j_major
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    LITESTREAM4J_JDK_MAJOR=$best_major
    return 0
  fi
  echo "litestream4j: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "litestream4j: install one (e.g. 'apt-get install temurin-21-jdk' or openjdk-21-jdk) or set JAVA_HOME." >&2
  return 1
}
