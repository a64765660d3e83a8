#!/usr/bin/env bash
# Near-duplicate pair recall of the graph index against an exact scan (issue 5 target: >= 0.999).
#   bench/run-pair-recall.sh [--n 100000] [--every 25] [--threshold 0.9] [--ef-duplicates 256]
# Writes bench/results/pair-recall.md. About a minute of CPU at 100k.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/jdk.sh"
echo "run-pair-recall: building bench (mvn package -DskipTests) ..." >&2
mvn -q -B -f "$root/pom.xml" -pl bench -am -DskipTests -Dlookalike.fuzz= package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
CLASSPATH="bench/target/classes:$(cat bench/target/classpath.txt)" exec java -Xmx4g --add-modules jdk.incubator.vector \
  dev.lookalike.bench.index.PairRecall "$@" 2> >(grep -v -e '^WARNING: Using incubator' >&2)
