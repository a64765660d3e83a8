#!/usr/bin/env bash
# Near-duplicate calibration of the perceptual embedder: builds bench/ (and what it depends on),
# runs dev.lookalike.bench.NearDuplicateCalibration, writes bench/results/near-duplicate-calibration.md.
#
# Real images come from Debian's openclipart-png (public domain, ~131 MB .deb): fetched once with
# `apt-get download` (needs no root) and unpacked with `dpkg -x` into
# ${LOOKALIKE_CACHE:-~/.cache/lookalike}/openclipart. Without apt-get/dpkg that part is skipped.
#   bench/run-calibration.sh [--bases N] [--real-count N]     (defaults: 1000 and 1000)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/jdk.sh"

. "$here/openclipart.sh"
real_dir="$(openclipart_dir)"

echo "run-calibration: building bench (mvn package -DskipTests) ..." >&2
mvn -q -B -f "$root/pom.xml" -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2

cd "$root"
exec java -Xmx2g --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.lookalike.bench.NearDuplicateCalibration --real-dir "$real_dir" \
  --out bench/results/near-duplicate-calibration.md "$@"
