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

# The heap in transparent huge pages where the kernel offers them, as the lookalike launcher runs the
# service (see there): HUGE_PAGES_JAVA is the JVM flag or empty (run-load.sh and run-index-bench.sh pass it).
# HUGE_PAGES=0 turns it off.
huge_pages_java() {
  local thp=/sys/kernel/mm/transparent_hugepage/enabled
  [ "${HUGE_PAGES:-1}" != 0 ] && [ -r "$thp" ] && ! grep -q '\[never\]' "$thp" && echo "-XX:+UseTransparentHugePages"
  return 0
}
HUGE_PAGES_JAVA="$(huge_pages_java)"
