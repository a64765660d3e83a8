#!/usr/bin/env bash
# Index benchmark (issue 5): our vector index ("lookalike": HnswIndex; "lookalike-exact":
# ExactScanIndex) against hnswlib, FAISS (HNSW flat and HNSW + 8-bit SQ) and Lucene 10 HNSW (float;
# int8 alone; int8 and binary codes with their hits re-ranked by the floats), side by side on the
# same data, with the same HNSW parameters, one thread for inserts and for queries.
#
#   bench/run-index-bench.sh [--size 100k|1m|all] [--dataset synthetic|real|all]
#                            [--m 16] [--ef-construction 100] [--ef 10,16,32,64,128,256,512]
#                            [--engines hnswlib,faiss-hnsw-flat,faiss-hnsw-sq8,lucene-hnsw,lucene-hnsw-int8,
#                                       lucene-hnsw-int8-rerank,lucene-hnsw-bit-rerank,lookalike,lookalike-offheap,lookalike-exact]
#                            [--data-dir DIR]
#   bench/run-index-bench.sh --base FILE [--queries FILE] [--name NAME] [--m ... --ef ... --engines ...]
# Defaults: --size 100k --dataset all (synthetic-100k, then the real openclipart embeddings).
# --base runs on your own vectors instead (dataset file-NAME, NAME defaults to the file's name):
# .fvecs, .bvecs, .npy (2-D float32/float64/uint8) or an ann-benchmarks .hdf5 (its train and test
# sets; python3-h5py installed when missing). Rows are L2-normalized (the service ranks by
# cosine, so every engine gets the same unit vectors), all-zero rows dropped, and the exact top-100
# recomputed; without --queries, 1,000 rows picked with a fixed seed are held out as the queries.
# Memory in transparent huge pages for every engine where the kernel offers them (HUGE_PAGES=0: 4 KB
# pages for all, as the runs in results/index-*.md before 2026-11-22 afternoon had; results/huge-pages.md
# compares the two).
#
# Datasets (made once, then cached in --data-dir, default bench/target/index-data; fvecs/ivecs):
#   synthetic-100k / synthetic-1m  clustered synthetic unit vectors, 512 dims, fixed seed
#   real-openclipart               SqueezeNet 1.1 `embedding` (512 dims) of Debian's openclipart-png
# each with 1,000 held-out queries and exact top-100 ground truth (brute force, 2 threads).
# Writes bench/results/index-<dataset>.md and the raw JSON lines bench/results/index-<dataset>.jsonl;
# a run with --engines X replaces only X's rows, so one engine can be rerun alone.
#
# Needs: a JDK >= 21, Maven, and Debian's python3-hnswlib, python3-faiss, python3-numpy for
# /usr/bin/python3 (installed here with apt-get when missing; that needs root), plus
# openclipart-png for the real dataset (apt-get download + dpkg -x, no root, cached in
# ${LOOKALIKE_CACHE:-~/.cache/lookalike}/openclipart, shared with run-calibration.sh).
# Time on 2 idle cores: 100k about 14 minutes of CPU (most of it building 7 HNSW indexes; FAISS's
# generic Debian build is the slowest), far longer when other jobs share the cores; the real
# dataset ~3 minutes the first time (embedding 5,885 images), then ~1 minute; 1m takes hours: it
# prints an estimate from the 100k results first, and progress with time left while it builds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
command_line="bench/run-index-bench.sh${*:+ $*}"
export BENCH_COMMAND="$command_line"

size=100k dataset=all m=16 efc=100 efs=10,16,32,64,128,256,512
engines=hnswlib,faiss-hnsw-flat,faiss-hnsw-sq8,lucene-hnsw,lucene-hnsw-int8,lucene-hnsw-int8-rerank,lucene-hnsw-bit-rerank,lookalike,lookalike-offheap,lookalike-exact
data_dir="$root/bench/target/index-data"
base_file="" query_file="" name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --dataset) dataset="$2"; shift 2 ;;
    --m) m="$2"; shift 2 ;;
    --ef-construction) efc="$2"; shift 2 ;;
    --ef) efs="$2"; shift 2 ;;
    --engines) engines="$2"; shift 2 ;;
    --data-dir) data_dir="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --base) base_file="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --queries) query_file="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    -h|--help) sed -n '2,37p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run-index-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$size" in 100k|1m|all) ;; *) echo "run-index-bench: --size 100k|1m|all" >&2; exit 2 ;; esac
case "$dataset" in synthetic|real|all) ;; *) echo "run-index-bench: --dataset synthetic|real|all" >&2; exit 2 ;; esac

datasets=()
if [ -n "$base_file" ]; then
  [ -f "$base_file" ] || { echo "run-index-bench: no file $base_file" >&2; exit 2; }
  [ -z "$query_file" ] || [ -f "$query_file" ] || { echo "run-index-bench: no file $query_file" >&2; exit 2; }
  # Only a name taken from the file loses its extension: --name glove-1.2 stays glove-1.2.
  [ -n "$name" ] || { name="$(basename "$base_file")"; name="${name%.*}"; }
  datasets+=("file-$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.-' '_')")
else
  [ -z "$query_file$name" ] || { echo "run-index-bench: --queries and --name go with --base" >&2; exit 2; }
  if [ "$dataset" != real ]; then
    [ "$size" != 1m ] && datasets+=(synthetic-100k)
    [ "$size" != 100k ] && datasets+=(synthetic-1m)
  fi
  [ "$dataset" != synthetic ] && datasets+=(real-openclipart)
fi

# --- tools -------------------------------------------------------------------------------------
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/jdk.sh"

# Debian's Python, not a pyenv one from PATH: the engines are Debian packages.
# Huge pages for every engine or for none (HUGE_PAGES=0, see jdk.sh): the JVM's flag for ours and Lucene,
# glibc's malloc tunable for hnswlib and FAISS, so each walks its graph with the same TLB reach.
py_huge_pages=""; [ -n "$HUGE_PAGES_JAVA" ] && py_huge_pages="GLIBC_TUNABLES=glibc.malloc.hugetlb=1"
py() { env -u PYTHONPATH -u PYTHONHOME OMP_NUM_THREADS=1 $py_huge_pages /usr/bin/python3 "$@"; }
apt_install() { # Debian packages, with the package lists refreshed once if the first try fails
  echo "run-index-bench: installing $* ..." >&2
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 \
    || { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; }
}
if [[ ",$engines," =~ ,(hnswlib|faiss-) ]] && ! py -c 'import hnswlib, faiss, numpy' 2>/dev/null; then
  apt_install python3-hnswlib python3-faiss python3-numpy
fi

# An ann-benchmarks HDF5 file brings its base ("train") and queries ("test"): saved as .npy once,
# beside the datasets, then imported like any other file.
if [[ "$base_file" = *.hdf5 || "$base_file" = *.h5 ]]; then
  [ -z "$query_file" ] || { echo "run-index-bench: an HDF5 file brings its own queries (its 'test' set): drop --queries" >&2; exit 2; }
  py -c 'import h5py, numpy' 2>/dev/null || apt_install python3-h5py python3-numpy
  converted="$data_dir/hdf5/$(basename "${datasets[0]}")"
  if [ ! -f "$converted/test.npy" ] || [ "$base_file" -nt "$converted/test.npy" ]; then
    mkdir -p "$converted"
    echo "run-index-bench: saving the train and test sets of $base_file as .npy in $converted ..." >&2
    py -c 'import sys, h5py, numpy
f = h5py.File(sys.argv[1], "r")
for part in ("train", "test"):
    if part not in f: raise SystemExit(f"{sys.argv[1]} has no {part!r} data set (has: {list(f.keys())})")
    numpy.save(f"{sys.argv[2]}/{part}.tmp.npy", numpy.asarray(f[part], dtype="<f4"))
    print("  %s: %s; metric: %s (ranked by cosine here)" % (part, f[part].shape, f.attrs.get("distance", "?")), file=sys.stderr)' \
      "$base_file" "$converted"
    mv "$converted/train.tmp.npy" "$converted/train.npy" && mv "$converted/test.tmp.npy" "$converted/test.npy"
  fi
  base_file="$converted/train.npy" query_file="$converted/test.npy"
fi

openclipart_dir() {
  local cache="${LOOKALIKE_CACHE:-$HOME/.cache/lookalike}/openclipart"
  local pngs="$cache/root/usr/share/openclipart/png"
  if [ ! -d "$pngs" ]; then
    mkdir -p "$cache"
    echo "run-index-bench: fetching openclipart-png into $cache ..." >&2
    (cd "$cache" && { ls openclipart-png_*.deb >/dev/null 2>&1 || apt-get download openclipart-png >&2; })
    dpkg -x "$cache"/openclipart-png_*.deb "$cache/root"
  fi
  echo "$pngs"
}

echo "run-index-bench: building bench (mvn package -DskipTests) ..." >&2
mvn -q -B -f "$root/pom.xml" -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
cd "$root"
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
export JAVA_BIN="$JAVA_HOME/bin/java"
LUCENE_VERSION="$(tr ':' '\n' < bench/target/classpath.txt | sed -n 's/.*lucene-core-\([0-9.]*\)\.jar$/\1/p' | head -1)"
export LUCENE_VERSION
# The class path goes in CLASSPATH, not -cp: ONNX Runtime 1.29.0 (Java) crashes with SIGSEGV while
# creating its environment when the java command line is longer than about 4 KB, and ours is ~5 KB.
# MarkSweepDeadRatio=0: the full GCs before each heap measurement compact every region. By default
# G1 leaves regions that are at least 95 % live in place and fills their dead space with filler
# objects, which count as used heap: 17.6 MB of them (18 B/vector) after the 1M restore.
bench_java() { # heap, then IndexBench arguments
  local heap="$1"; shift
  CLASSPATH="$classpath" java "-Xmx$heap" -XX:MarkSweepDeadRatio=0 $HUGE_PAGES_JAVA --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    dev.lookalike.bench.index.IndexBench "$@" 2> >(grep -v -e '^WARNING: Using incubator' >&2)
}
mkdir -p bench/results
work="$data_dir/work"

# --- run ---------------------------------------------------------------------------------------
for ds in "${datasets[@]}"; do
  started=$SECONDS
  heap=3g; [ "$ds" = synthetic-1m ] && heap=10g
  echo "=== $ds ===" >&2
  if [[ "$ds" = file-* ]]; then
    # The rows are read as float32 arrays (a .bvecs file grows 4x), normalized copies made, then written.
    bytes=$(( $(stat -c %s "$base_file") + ${query_file:+$(stat -c %s "$query_file")}+0 ))
    [[ "$base_file" = *.bvecs ]] && bytes=$((bytes * 4))
    bench_java "$(( bytes * 3 / 1000000000 + 3 ))g" prepare --data-dir "$data_dir" --dataset "$ds" \
      --base "$base_file" ${query_file:+--queries "$query_file"}
    # The run holds the dataset and the engine's copy of the floats, codes and graph (1M x 512: ~10 GB).
    heap="$(py -c 'import json, math, sys; m = json.load(open(sys.argv[1]))
print(max(3, math.ceil((m["base"] * (m["dims"] * 9 + 1000) * 1.3 + 2e9) / 1e9)))' "$data_dir/$ds/meta.json")g"
  elif [ "$ds" = real-openclipart ]; then
    bench_java "$heap" prepare --data-dir "$data_dir" --dataset "$ds" \
      --png-root "$(openclipart_dir)" --models-dir "$root/../shared/models"
  else
    bench_java "$heap" prepare --data-dir "$data_dir" --dataset "$ds"
  fi
  if [ "$ds" = synthetic-1m ]; then
    echo "run-index-bench: rough time for 1m, scaled from bench/results/index-synthetic-100k.jsonl:" >&2
    py "$here/index_bench.py" estimate --jsonl bench/results/index-synthetic-100k.jsonl --n 1000000 --engines "$engines"
  fi
  jsonl="bench/results/index-$ds.jsonl"
  # Rows of the engines run now are replaced; other engines' rows stay (e.g. --engines lookalike).
  py "$here/index_bench.py" drop --jsonl "$jsonl" --engines "$engines"
  IFS=, read -ra engine_list <<< "$engines"
  for engine in "${engine_list[@]}"; do
    t=$SECONDS
    echo "--- $ds: $engine ---" >&2
    case "$engine" in
      hnswlib|faiss-*)
        py "$here/index_bench.py" run --data-dir "$data_dir" --dataset "$ds" --engine "$engine" --work "$work" \
          --out "$jsonl" --m "$m" --ef-construction "$efc" --ef "$efs" ;;
      *)
        bench_java "$heap" run --data-dir "$data_dir" --dataset "$ds" --engine "$engine" --work "$work" \
          --out "$jsonl" --m "$m" --ef-construction "$efc" --ef "$efs" ;;
    esac
    echo "    ($engine took $((SECONDS - t)) s; $ds so far $((SECONDS - started)) s)" >&2
  done
  py "$here/index_bench.py" report --data-dir "$data_dir" --dataset "$ds" --jsonl "$jsonl" \
    --out "bench/results/index-$ds.md" --command "$command_line"
  echo "=== $ds done in $((SECONDS - started)) s: bench/results/index-$ds.md ===" >&2
done
