#!/usr/bin/env bash
# Dot-product kernel micro-benchmarks (JMH): float (old 4-accumulator loop = baseline, scalar, Vector API) and
# int8 (scalar, Vector API) at 160, 512 and 768 dims. Builds bench/ (and what it depends on), runs
# dev.lookalike.bench.kernels.KernelsReport, writes bench/results/kernels.md. JMH forks every benchmark into its own
# JVM with --add-modules jdk.incubator.vector. The default run takes about 3 minutes.
#   bench/run-kernels.sh [--forks N] [--warmup N] [--warmup-time SECONDS] [--iterations N] [--time SECONDS]
#                        [--include REGEX] [--out FILE]
#   (defaults: 1 fork, 3 warm-up iterations of 1 s, 10 measured of 0.5 s; --include e.g. 'float.*').
# Keep warm-up at 1 s or more: the Vector API code is very slow until C2 has compiled it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  echo "run-kernels: no JDK >= 21 found (set JAVA_HOME)" >&2; return 1
}
export JAVA_HOME="$(find_jdk)"
export PATH="$JAVA_HOME/bin:$PATH"

echo "run-kernels: building bench (mvn package -DskipTests) ..." >&2
mvn -q -B -f "$root/pom.xml" -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2

cd "$root"
# The JMH host JVM gets the Vector API too: it reports what VectorMath picks; the forks add the flag themselves.
exec java -Xmx512m --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  -Dlookalike.bench.command="bench/run-kernels.sh${*:+ $*}" \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.lookalike.bench.kernels.KernelsReport "$@"
