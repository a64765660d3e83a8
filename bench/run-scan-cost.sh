#!/usr/bin/env bash
# Exact-scan cost and heap per vector (the numbers docs/scaling.md rests on):
# builds bench/ and runs dev.lookalike.bench.ScanCost; writes bench/results/scan-cost.md.
#   bench/run-scan-cost.sh [vectors] [queries]      (defaults: 100000 200)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
  v=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  if [ "${v:-0}" -ge 21 ]; then export JAVA_HOME="$candidate"; break; fi
done
export PATH="$JAVA_HOME/bin:$PATH"
cd "$root"
mvn -B -q -DskipTests -pl bench -am package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >&2
exec java -Xmx6g --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "bench/target/classes:$(cat bench/target/bench.classpath)" dev.lookalike.bench.ScanCost "$@"
