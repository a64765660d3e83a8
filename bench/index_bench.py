#!/usr/bin/python3
"""The Python half of bench/run-index-bench.sh: hnswlib and FAISS on the datasets the Java side
prepared (fvecs/ivecs), and the markdown report over everybody's JSON lines.

Run with Debian's /usr/bin/python3 (python3-hnswlib, python3-faiss, python3-numpy):
  index_bench.py run --data-dir D --dataset NAME --engine hnswlib|faiss-hnsw-flat|faiss-hnsw-sq8
                     --work W --out results.jsonl [--m 16 --ef-construction 100 --ef 10,16,32 --k 10]
  index_bench.py report --data-dir D --dataset NAME --jsonl F --out F.md --command "..."
  index_bench.py estimate --jsonl synthetic-100k.jsonl --n 1000000
  index_bench.py drop --jsonl F --engines hnswlib,lookalike
Same protocol as IndexBench.java: one thread for inserts and queries, every base vector added in
id order, 1,000 held-out queries, recall@10 against the exact top-10 ids.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time


def read_vecs(path, dtype):
    import numpy as np
    raw = np.fromfile(path, dtype=np.int32)
    dims = int(raw[0])
    return np.ascontiguousarray(raw.reshape(-1, dims + 1)[:, 1:].view(dtype))


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


MIN_SECONDS = 2  # each setting is timed over at least this long (whole passes over the queries)
TIE = 1e-6  # two scores closer than this are a tie (identical vectors)


def recall(found, truth, truth_scores, base, queries, k):
    """recall@k: a returned id counts when it is one of the true top k or ties with the k-th (its
    exact score within TIE), so an exact index scores 1.0. Same rule as IndexBench.recall."""
    import numpy as np
    hits = 0
    for q in range(len(found)):
        ids = [int(i) for i in found[q][:k] if i >= 0]
        true = set(truth[q][:k].tolist())
        scores = base[ids] @ queries[q] if ids else np.zeros(0)
        hits += min(k, sum(1 for i, s in zip(ids, scores) if i in true or s >= truth_scores[q][k - 1] - TIE))
    return hits / (len(found) * k)


class Hnswlib:
    """hnswlib (Debian python3-hnswlib): inner-product space, its own save/load."""

    def __init__(self, dims, n, m, ef_construction):
        import hnswlib
        self.dims, self.n = dims, n
        self.index = hnswlib.Index(space="ip", dim=dims)
        self.index.init_index(max_elements=n, ef_construction=ef_construction, M=m, random_seed=100)
        self.name, self.build_note = "hnswlib", "1 thread (add_items num_threads=1)"

    def add(self, vectors, ids):
        self.index.add_items(vectors, ids, num_threads=1)

    def search(self, queries, k, ef):
        self.index.set_ef(ef)  # hnswlib searches with max(ef, k)
        labels, _ = self.index.knn_query(queries, k=k, num_threads=1)
        return labels

    def save_load(self, path):
        import hnswlib
        t0 = time.perf_counter()
        self.index.save_index(path)
        t1 = time.perf_counter()
        loaded = hnswlib.Index(space="ip", dim=self.dims)
        loaded.load_index(path, max_elements=self.n)
        t2 = time.perf_counter()
        del loaded
        return t1 - t0, t2 - t1, "save_index / load_index"


class Faiss:
    """FAISS (Debian python3-faiss): IndexHNSWFlat, or IndexHNSWSQ with QT_8bit (no float re-ranking)."""

    def __init__(self, dims, n, m, ef_construction, sq8):
        import faiss
        self.faiss = faiss
        faiss.omp_set_num_threads(1)
        if sq8:
            self.index = faiss.IndexHNSWSQ(dims, faiss.ScalarQuantizer.QT_8bit, m, faiss.METRIC_INNER_PRODUCT)
        else:
            self.index = faiss.IndexHNSWFlat(dims, m, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = ef_construction
        self.sq8 = sq8
        self.name = "faiss-hnsw-sq8" if sq8 else "faiss-hnsw-flat"
        self.build_note = "1 thread (omp_set_num_threads(1))" + (", SQ training on the base included" if sq8 else "")
        self.trained = not sq8

    def add(self, vectors, ids):
        if not self.trained:  # the 8-bit quantizer learns per-dimension ranges; use the whole base
            self.index.train(self.base_for_training)
            self.trained = True
        self.index.add(vectors)  # ids are implicit: rows in order

    def search(self, queries, k, ef):
        self.index.hnsw.efSearch = ef
        _, labels = self.index.search(queries, k)
        return labels

    def save_load(self, path):
        t0 = time.perf_counter()
        self.faiss.write_index(self.index, path)
        t1 = time.perf_counter()
        loaded = self.faiss.read_index(path)
        t2 = time.perf_counter()
        del loaded
        return t1 - t0, t2 - t1, "write_index / read_index"


WARM_UP_VECTORS = 10_000


def make_engine(args, dims, n, base):
    if args.engine == "hnswlib":
        return Hnswlib(dims, n, args.m, args.ef_construction)
    if args.engine in ("faiss-hnsw-flat", "faiss-hnsw-sq8"):
        engine = Faiss(dims, n, args.m, args.ef_construction, args.engine.endswith("sq8"))
        engine.base_for_training = base
        return engine
    raise SystemExit("unknown Python engine " + args.engine)


def run(args):
    import numpy as np
    data = os.path.join(args.data_dir, args.dataset)
    base = read_vecs(os.path.join(data, "base.fvecs"), np.float32)
    queries = read_vecs(os.path.join(data, "query.fvecs"), np.float32)
    truth = read_vecs(os.path.join(data, "truth.ivecs"), np.int32)
    truth_scores = read_vecs(os.path.join(data, "truth-scores.fvecs"), np.float32)
    n, dims = base.shape
    efs = [int(x) for x in args.ef.split(",")]
    print(f"{args.engine} on {args.dataset}: {n:,} x {dims}, {len(queries):,} queries, "
          f"M={args.m} efConstruction={args.ef_construction}", file=sys.stderr)
    work = os.path.join(args.work, args.engine)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # As IndexBench.java: build and drop an index of random unit vectors first, untimed (the Java
    # engines need it for the JIT; these get it too, so every engine is timed after the same step).
    rng = np.random.default_rng(7)
    warm = rng.standard_normal((WARM_UP_VECTORS, dims)).astype(np.float32)
    warm /= np.linalg.norm(warm, axis=1, keepdims=True)
    warm_engine = make_engine(args, dims, WARM_UP_VECTORS, warm)
    warm_engine.add(warm, np.arange(WARM_UP_VECTORS))
    del warm_engine, warm

    rss0 = rss_bytes()
    engine = make_engine(args, dims, n, base)

    # Build in 20 chunks only to print progress; each chunk is one single-threaded add call.
    t0, c0 = time.perf_counter(), time.thread_time()  # 1 thread: the work runs in this thread
    step = max(1, n // 20)
    for start in range(0, n, step):
        end = min(n, start + step)
        engine.add(base[start:end], np.arange(start, end))
        if end < n:
            s = time.perf_counter() - t0
            print(f"  build {end:,}/{n:,}  {end / s:.0f} vectors/s  about {s / end * (n - end):.0f} s left",
                  file=sys.stderr)
    build_seconds, build_cpu = time.perf_counter() - t0, time.thread_time() - c0
    rss_delta = rss_bytes() - rss0
    print(f"  built in {build_seconds:.1f} s, {build_cpu:.1f} s CPU ({n / build_seconds:.0f} vectors/s wall, "
          f"{n / build_cpu:.0f} CPU), RSS +{rss_delta / 2**20:.0f} MiB", file=sys.stderr)

    path = os.path.join(work, "index.bin")
    save_s, load_s, restore_note = engine.save_load(path)
    file_bytes = os.path.getsize(path)
    print(f"  restore: save {save_s:.2f} s, load {load_s:.2f} s, {file_bytes:,} bytes on disk", file=sys.stderr)

    engine.search(queries[: len(queries) // 3], args.k, efs[len(efs) // 2])  # warm-up, as on the Java side
    with open(args.out, "a") as out:
        for ef in efs:
            # All queries once; again while under MIN_SECONDS, as IndexBench does.
            q0, qc0, passes = time.perf_counter(), time.thread_time(), 0
            while passes == 0 or time.perf_counter() - q0 < MIN_SECONDS:
                found = engine.search(queries, args.k, ef)
                passes += 1
            seconds, cpu = (time.perf_counter() - q0) / passes, (time.thread_time() - qc0) / passes
            r = recall(found, truth, truth_scores, base, queries, args.k)
            print(f"  ef={ef:<5} {len(queries) / seconds:9.0f} QPS ({len(queries) / cpu:.0f} by CPU time)  "
                  f"recall@{args.k} {r:.4f}", file=sys.stderr)
            row = {
                "dataset": args.dataset, "n": n, "dims": dims, "queries": len(queries), "engine": engine.name,
                "engine_id": args.engine, "m": args.m, "ef_construction": args.ef_construction, "setting": f"ef={ef}", "ef": ef, "k": args.k,
                "build_seconds": build_seconds, "build_rate": n / build_seconds,
                "build_cpu_seconds": build_cpu, "build_rate_cpu": n / build_cpu, "build_note": engine.build_note,
                "qps": len(queries) / seconds, "qps_cpu": len(queries) / cpu, "query_threads": 1, "recall_at_k": r,
                "bytes_per_vector": rss_delta / n, "heap_bytes": None, "offheap_bytes": None,
                "memory_method": "process RSS delta over the build (index file: %.0f B/vector)" % (file_bytes / n),
                "save_seconds": save_s, "load_seconds": load_s, "index_bytes_on_disk": file_bytes,
                "restore_note": restore_note, "first_query_ms": None, "files": None,
                "runtime": f"Python {platform.python_version()}, numpy {np.__version__}, batch search of all "
                           "queries in one call with 1 thread"
                           + (", GLIBC_TUNABLES=" + os.environ["GLIBC_TUNABLES"] if os.environ.get("GLIBC_TUNABLES") else ""),
                "time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "command": os.environ.get("BENCH_COMMAND", ""),
            }
            out.write(json.dumps(row) + "\n")
    shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- report

def load_rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def engines_in_order(rows):
    seen = []
    for r in rows:
        if r["engine"] not in seen:
            seen.append(r["engine"])
    return seen


def best_at(rows, target, key):
    """Smallest setting reaching the target recall, and rows[key] (a QPS) linearly interpolated in
    recall between the last setting below and the first at or above it (settings sorted by ef)."""
    ordered = sorted(rows, key=lambda r: r["ef"] or 0)
    for i, r in enumerate(ordered):
        if r["recall_at_k"] >= target:
            if i == 0 or r["setting"] == "exact":
                return r, r[key]
            lo = ordered[i - 1]
            span = r["recall_at_k"] - lo["recall_at_k"]
            f = (target - lo["recall_at_k"]) / span if span > 0 else 1.0
            return r, lo[key] + f * (r[key] - lo[key])
    return None, None


def fmt_rate(x):
    return f"{x:,.0f}"


def fmt_memory(r):
    """In memory, and on disk after save (for small sets the RSS delta is mostly fixed overhead)."""
    disk = r.get("index_bytes_on_disk")
    return fmt_rate(r["bytes_per_vector"]) + (f" (disk {disk / r['n']:,.0f})" if disk else "")


def fmt_restore(r):
    if r.get("save_seconds") is None:
        return "n/a"
    return f"{r['save_seconds']:.2f} + {r['load_seconds']:.2f} s"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # informational only
        return "?"


def machine_info():
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    flags = sh("grep -m1 '^flags' /proc/cpuinfo")
    simd = ", ".join(f for f in ("avx2", "fma", "avx512f") if f" {f} " in flags + " ")
    mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
    java = sh((os.environ.get("JAVA_BIN") or "java") + " -version 2>&1 | head -1")
    load = sh("cut -d' ' -f1-3 /proc/loadavg")
    debs = sh("dpkg-query -W -f='${Package} ${Version}\\n' python3-hnswlib python3-faiss python3-numpy 2>/dev/null")
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores visible ({simd}); RAM {mem}; "
        f"{platform.system()} {platform.release()}; shared with other jobs (load average at report time: "
        f"{load})",
        f"- Java: {java}; Lucene {os.environ.get('LUCENE_VERSION', '?')} (Panama vector incubator enabled)",
        f"- Python {platform.python_version()}; Debian packages: " + "; ".join(debs.splitlines()),
    ]


CAVEATS = """\
- **Single thread everywhere.** Inserts run in one thread (hnswlib `num_threads=1`, FAISS
  `omp_set_num_threads(1)`, one Lucene indexing thread with `SerialMergeScheduler`, one caller for
  `VectorIndex.upsert`); queries run one at a time in one thread. The Python engines search the 1,000
  queries in one batched call with one thread (no per-call Python overhead); the Java engines call
  the index once per query.
- **Warm-up, untimed:** before its timed build every engine builds and drops an index of 10,000
  random unit vectors of the same dimension (the JVM's JIT compiles the build's code; the native
  engines get the same step), and before the timed queries it answers a third of the queries.
- **Same graph parameters:** M (Lucene `maxConn`) and efConstruction (Lucene `beamWidth`) as in the
  table heading; all four keep 2*M links on the bottom layer. `ef` is the search candidate list:
  hnswlib `set_ef`, FAISS `efSearch`, Lucene the query's k (a query asks for max(10, ef) hits and
  keeps the best 10).
- **Lucene runs on one segment:** the writer's RAM buffer (1.9 GB) holds 100k vectors in one flush,
  and `forceMerge(1)` (timed as part of the build) merges whatever was flushed, before any query.
- **Compiled code differs.** Debian's `python3-hnswlib` is built for baseline x86-64 (SSE only, no
  AVX/FMA in its distance loops) and Debian's FAISS reports `OPTIMIZE GENERIC` (no AVX2 build);
  the JVM uses AVX2/AVX-512 through the JIT and Lucene's Panama vector code. Wheels built with
  `-march=native` would be faster: read the Python rows as "Debian builds", not as the libraries'
  best.
- **Memory:** Java engines: heap used after GC, minus the same before the engine was made (the
  dataset itself is loaded before), plus for Lucene the index files a search reads (memory-mapped,
  off-heap: graph + searched vectors; the int8 format also keeps the raw floats on disk for merging,
  not counted). Python engines: process RSS growth during the build, which on a small set is mostly
  fixed overhead (allocator arenas, OpenMP). In brackets: the saved index's size on disk per vector.
- **Restore** is save + load of the built index on a warm page cache (the file was just written):
  hnswlib `save_index`/`load_index`, FAISS `write_index`/`read_index`, Lucene commit+close then
  `DirectoryReader.open` (memory-mapped, so pages fault in on the first queries: see
  `first_query_ms` in the JSON).
- **Our `HnswIndex` walks a graph of int8 codes and re-scores the candidates with the float
  vectors**, so it keeps both (compare `structureBytes()` in the notes); its recall is that of a
  float index. `lookalike-exact` is the exact scan the store used before (`ExactScanIndex`).
- **Quantized engines without re-ranking:** FAISS HNSWSQ (QT_8bit, per-dimension ranges) and
  `lucene-hnsw-int8` (`Lucene104HnswScalarQuantizedVectorsFormat`, `UNSIGNED_BYTE`, per-vector
  optimized intervals around the segment centroid) score with the quantized vectors only, so their
  recall levels off at what the quantizer can rank, however large ef is.
- **Quantized engines with re-ranking:** `lucene-hnsw-int8-rerank` (the same int8 graph) and
  `lucene-hnsw-bit-rerank` (binary quantization: one bit per stored dimension, a 4-bit query,
  `SINGLE_BIT_QUERY_NIBBLE`) walk the graph on their codes, then score the max(10, ef) hits with
  the raw floats Lucene keeps beside them (`.vec`) and keep the best 10, as our index re-scores its
  beam. Their bytes/vector count the graph and the codes, not the floats read only to re-rank,
  like `lookalike-offheap`'s mapped floats.
- **Recall@10** is the fraction of the true top 10 among the 10 returned; a returned id that ties
  with the 10th true neighbour (exact score within 1e-6: identical vectors, which the real set has)
  counts as found, so an exact search scores 1.0.
"""


def report(args):
    rows = load_rows(args.jsonl)
    with open(os.path.join(args.data_dir, args.dataset, "meta.json")) as f:
        meta = json.load(f)
    m, efc, k = rows[0]["m"], rows[0]["ef_construction"], rows[0]["k"]
    if any((r["m"], r["ef_construction"], r["k"]) != (m, efc, k) for r in rows):
        raise SystemExit(f"{args.jsonl} mixes runs with different M / efConstruction / k: rerun all engines")
    commands = []
    for r in rows:  # an engine rerun on its own (--engines X) keeps the other engines' rows
        if r.get("command") and (r["command"], r["time"][:10]) not in commands:
            commands.append((r["command"], r["time"][:10]))
    produced = "; ".join(f"`{c}` ({day})" for c, day in commands) or f"`{args.command}`"
    out = [f"# Index benchmark: {args.dataset}", "",
           f"Produced by {produced}.", ""]
    # A run with --engines X keeps the other engines' rows, which may come from another day and another
    # machine (this file's "Machine" section describes only the one that wrote it): say which engines
    # this run measured, so nobody compares engines across runs without knowing.
    def run_of(engine):
        r = next(x for x in rows if x["engine"] == engine)
        return r.get("command") or "?", r["time"][:10]
    runs = {}
    for engine in engines_in_order(rows):
        runs.setdefault(run_of(engine), []).append(engine)
    if len(runs) > 1:
        latest = max(day for _, day in runs)
        now = [e for (c, day), es in runs.items() if c == args.command and day == latest for e in es]
        earlier = "; ".join(f"{', '.join(es)} ({day}, `{c}`)" for (c, day), es in runs.items()
                            if not (c == args.command and day == latest))
        head = (f"This run measured {', '.join(now)}; kept from earlier runs, possibly on another machine: "
                if now else "Engines by run, possibly on different machines: ")
        out += [f"**Rows from {len(runs)} runs.** {head}{earlier}. Compare engines of the same run: a machine's "
                "speed drifts between runs, and the Machine section below describes "
                "only the machine of this run.", ""]
    out += [
           f"**Data:** {meta['base']:,} base vectors of {meta['dims']} dims, {meta['queries']:,} held-out queries; "
           f"{meta['description']}. Exact top-{meta['truth_k']} by brute force.", "",
           f"**Index:** HNSW, M={m}, efConstruction={efc}; recall@{k}; one thread for build and queries.", "",
           "## Results", "",
           "Build rate and QPS are given by wall clock and by the CPU time of the working thread (the "
           "machine is shared, so wall-clock numbers suffer from other jobs; CPU-time numbers much less).", "",
           "| engine | setting | build vectors/s (wall / CPU) | QPS wall | QPS CPU | recall@10 | bytes/vector | "
           "restore (save + load) |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for engine in engines_in_order(rows):
        mine = sorted((r for r in rows if r["engine"] == engine), key=lambda r: r["ef"] or 0)
        for i, r in enumerate(mine):
            first = i == 0
            build = f"{fmt_rate(r['build_rate'])} / {fmt_rate(r['build_rate_cpu'])}" if first else ""
            out.append(f"| {engine if first else ''} | {r['setting']} | {build} | "
                       f"{fmt_rate(r['qps'])} | {fmt_rate(r['qps_cpu'])} | {r['recall_at_k']:.4f} | "
                       f"{fmt_memory(r) if first else ''} | {fmt_restore(r) if first else ''} |")
    out += ["", f"## Best QPS at recall@{k} >= 0.95", "",
            "| engine | smallest setting reaching it | its QPS wall / CPU | QPS at exactly 0.95, interpolated, wall / CPU | measured |",
            "|---|---|---:|---:|---|"]
    for engine in engines_in_order(rows):
        mine = [r for r in rows if r["engine"] == engine]
        hit, qps = best_at(mine, 0.95, "qps")
        _, qps_cpu = best_at(mine, 0.95, "qps_cpu")
        if hit is None:
            top = max(mine, key=lambda r: r["recall_at_k"])
            out.append(f"| {engine} | not reached (best {top['recall_at_k']:.4f} at {top['setting']}) | | | {mine[0]['time'][:10]} |")
        else:
            out.append(f"| {engine} | {hit['setting']} (recall {hit['recall_at_k']:.4f}) | "
                       f"{fmt_rate(hit['qps'])} / {fmt_rate(hit['qps_cpu'])} | {fmt_rate(qps)} / {fmt_rate(qps_cpu)} | "
                       f"{mine[0]['time'][:10]} |")
    out += ["", "## Per-engine notes", ""]
    for engine in engines_in_order(rows):
        r = next(x for x in rows if x["engine"] == engine)
        note = (f"- **{engine}**: build {r['build_seconds']:.1f} s ({r['build_cpu_seconds']:.1f} s CPU), "
                f"{r['build_note']}; memory: {r['memory_method']}")
        if r.get("files"):
            note += f"; index files by extension (bytes): {r['files']}"
        note += f"; restore: {r['restore_note']}"
        if r.get("index_bytes_on_disk"):
            note += f", {r['index_bytes_on_disk'] / r['n']:.0f} B/vector on disk"
        if r.get("first_query_ms") is not None:
            note += f"; first query after load {r['first_query_ms']:.1f} ms"
        note += f"; {r['runtime']}"
        out.append(note)
    out += ["", "## How to read this", "", CAVEATS, "## Machine", ""] + machine_info()
    out += ["", f"Raw results, one JSON object per (engine, setting): `{os.path.relpath(args.jsonl, os.path.dirname(args.out))}`.", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(out))
    print(f"report: {args.out}", file=sys.stderr)


def estimate(args):
    """Rough 1M-size time per engine from a 100k run: HNSW insert cost grows ~log n, so scale the
    100k build by 10 and by ~1.3 for the deeper graph; queries by ~1.5 (exact scan: by 10). Given
    twice: from the CPU time of the working thread (an idle machine) and from the wall clock (a
    machine as busy as during the 100k run)."""
    if not os.path.exists(args.jsonl):
        print("  (no 100k results yet to estimate from: run --size 100k first for an estimate)", file=sys.stderr)
        return
    rows = load_rows(args.jsonl)
    wanted = set(args.engines.split(",")) if args.engines else None
    idle = busy = 0
    for engine in engines_in_order(rows):
        mine = [x for x in rows if x["engine"] == engine]
        r = mine[0]
        if wanted and r.get("engine_id") not in wanted:
            continue
        exact = r["setting"] == "exact"
        scale = args.n / r["n"] * (1.0 if exact else 1.3)
        qscale = args.n / r["n"] if exact else 1.5
        # each setting is timed over >= 2 s of passes: count one pass, at least 2 s
        cpu = r["build_cpu_seconds"] * scale + sum(max(2, x["queries"] / x["qps_cpu"] * qscale) for x in mine)
        wall = r["build_seconds"] * scale + sum(max(2, x["queries"] / x["qps"] * qscale) for x in mine)
        idle, busy = idle + cpu, busy + wall
        print(f"  {engine}: ~{cpu / 60:.0f} min idle, ~{wall / 60:.0f} min as busy as the 100k run", file=sys.stderr)
    print(f"  total ~{idle / 60:.0f} min idle, ~{busy / 60:.0f} min busy (plus ~1 min data generation and "
          "ground truth)", file=sys.stderr)


def drop(args):
    """Removes the rows of the engines about to be rerun, so a rerun of some engines keeps the rest."""
    if not os.path.exists(args.jsonl):
        return
    ids = set(args.engines.split(","))
    rows = [r for r in load_rows(args.jsonl) if r.get("engine_id") not in ids]
    with open(args.jsonl, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--data-dir", required=True)
    r.add_argument("--dataset", required=True)
    r.add_argument("--engine", required=True)
    r.add_argument("--work", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--m", type=int, default=16)
    r.add_argument("--ef-construction", type=int, default=100)
    r.add_argument("--ef", default="10,16,32,64,128,256,512")
    r.add_argument("--k", type=int, default=10)
    rep = sub.add_parser("report")
    rep.add_argument("--data-dir", required=True)
    rep.add_argument("--dataset", required=True)
    rep.add_argument("--jsonl", required=True)
    rep.add_argument("--out", required=True)
    rep.add_argument("--command", required=True)
    e = sub.add_parser("estimate")
    e.add_argument("--jsonl", required=True)
    e.add_argument("--n", type=int, required=True)
    e.add_argument("--engines", default="")
    d = sub.add_parser("drop")
    d.add_argument("--jsonl", required=True)
    d.add_argument("--engines", required=True)
    args = p.parse_args()
    {"run": run, "report": report, "estimate": estimate, "drop": drop}[args.cmd](args)


if __name__ == "__main__":
    main()
