# Sourced by the bench scripts: finds a JDK >= 21 (JAVA_HOME, else /usr/lib/jvm/*) and puts it first
# on PATH, as the lookalike launcher does.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  echo "$(basename "$0"): no JDK >= 21 found (set JAVA_HOME)" >&2; return 1
}
JAVA_HOME="$(find_jdk)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
