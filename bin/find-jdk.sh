# Sourced by bin/litestream4j, .ci/run and ./mvnw (POSIX sh, no bashisms): exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if it is new enough, then the JDKs under /usr/lib/jvm (newest first).
litestream4j_jdk_major() {
  # The JDK's release file answers without starting a JVM (which would cost ~0.1 s per call);
  # ask the JVM itself only when there is no release file.
  local major=""
  if [ -f "$1/release" ]; then
    major=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release" | head -n1)
  fi
  if [ -z "$major" ]; then
    major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$major"
}
# `litestream4j_find_jdk jre` accepts a runtime without javac (enough to run the distribution's jar).
litestream4j_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    [ "${1:-}" = jre ] || [ -x "$candidate/bin/javac" ] || continue
    major=$(litestream4j_jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "litestream4j: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "litestream4j: install one (e.g. 'apt-get install temurin-21-jdk' or openjdk-21-jdk) or set JAVA_HOME." >&2
  return 1
}
