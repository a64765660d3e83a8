#!/usr/bin/env bash
# Dot-product kernel micro-benchmarks (JMH): float (old 4-accumulator loop = baseline, scalar, Vector API),
# int8 (scalar, Vector API) and binary (Hamming; 4-bit query x 1-bit code) at 160, 512 and 768 dims. Builds
# bench/ (and what it depends on), runs dev.lookalike.bench.kernels.KernelsReport, writes
# bench/results/kernels.md. JMH forks every benchmark into its own JVM with --add-modules
# jdk.incubator.vector. The default run takes about 4 minutes.
#   bench/run-kernels.sh [--forks N] [--warmup N] [--warmup-time SECONDS] [--iterations N] [--time SECONDS]
#                        [--include REGEX] [--out FILE]
#   (defaults: 1 fork, 3 warm-up iterations of 1 s, 10 measured of 0.5 s; --include e.g. 'float.*').
# Keep warm-up at 1 s or more: the Vector API code is very slow until C2 has compiled it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/jdk.sh"

echo "run-kernels: building bench (mvn package -DskipTests) ..." >&2
mvn -q -B -f "$root/pom.xml" -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2

cd "$root"
# The JMH host JVM gets the Vector API too: it reports what VectorMath picks; the forks add the flag themselves.
exec java -Xmx512m --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  -Dlookalike.bench.command="bench/run-kernels.sh${*:+ $*}" \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.lookalike.bench.kernels.KernelsReport "$@"
