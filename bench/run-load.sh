#!/usr/bin/env bash
# End-to-end load (issue 5): the whole topology on the in-process broker against a pass-through
# baseline, in mode (a) precomputed 512-d vectors and (b) the perceptual embedder on real images.
# Builds bench/ (and what it depends on), runs dev.lookalike.bench.load.LoadDriver, writes
# bench/results/load.md (--append adds a section instead). Small defaults, about 5 minutes on two
# cores with today's exact scan (the issue's small scale, 20k events, takes ~15):
#   bench/run-load.sh                                   # (a) 5k events, (b) 1k uploads, 10k pre-stored
#   bench/run-load.sh --events 20000 --image-events 2000
#   LOAD_HEAP=9g bench/run-load.sh --mode vectors --preloaded 1000000 --events 20 --warmup 10 --skip-latency --append
#   LOAD_HEAP=10g bench/run-load.sh --mode vectors --preloaded 1000000 --preload snapshot --partitions 1 --events 20000 --append
#     (--preload snapshot: start from the vector store's saved graph, as a restarted instance does; the
#     first run builds it, ~25 min for 1M on one core, and caches it in bench/target/load-snapshots)
#   bench/run-load.sh --set vector.perceptual.index=hnsw --append   # once HNSW lands (--help for all)
#   bench/run-load.sh --set kafka.rocksdb.config.setter=dev.lookalike.bench.load.RocksDbDiagnostics
#     (RocksDB's info log and 10-s statistics, write stalls included, in each store's LOG under the state dir)
# Each measured phase reports the match stage's time per upload by phase (lookalike.match) and a
# machine probe per 10-s latency window (a timed memory chase and the hypervisor's steal time);
# matches over 100 ms are logged with their phases (MatchTiming), to line up with those windows.
# Environment: LOAD_HEAP (default 4g; ~6 GB per million stored 512-d vectors), LOAD_JFR=FILE to
# record a Flight Recorder profile, HUGE_PAGES=0 to run the heap in 4 KB pages (the default is transparent huge
# pages where the kernel offers them, as the launcher runs the service), LOAD_JAVA_OPTS for more JVM options (e.g.
# -Dorg.slf4j.simpleLogger.log.dev.lookalike=info for the service's own log), JAVA_HOME.
# Real images: Debian's openclipart-png, fetched once with `apt-get download` into
# ${LOOKALIKE_CACHE:-~/.cache/lookalike}/openclipart (mode b is skipped without it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/jdk.sh"

. "$here/openclipart.sh"
real_dir="$(openclipart_dir)"

echo "run-load: building bench (mvn package -DskipTests) ..." >&2
mvn -q -B -f "$root/pom.xml" -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2

jfr=()
[ -n "${LOAD_JFR:-}" ] && jfr=("-XX:StartFlightRecording=filename=$LOAD_JFR,settings=profile")
cd "$root"
# shellcheck disable=SC2086 # LOAD_JAVA_OPTS is a list of options
exec java "-Xmx${LOAD_HEAP:-4g}" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector $HUGE_PAGES_JAVA "${jfr[@]}" ${LOAD_JAVA_OPTS:-} \
  -Dlookalike.apicurio.home="$root/devstack/target/apicurio/apicurio-registry-app-2.6.13.Final" \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.lookalike.bench.load.LoadDriver ${real_dir:+--real-dir "$real_dir"} --command "bench/run-load.sh $*" "$@"
