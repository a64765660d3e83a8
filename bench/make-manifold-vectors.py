#!/usr/bin/python3
"""Vectors unlike the index benchmark's own: points on a 16-dim nonlinear manifold (a random
two-layer network, tanh then ReLU) in 100 dims (or DIMS), mostly non-negative like CNN features, with a
little noise. They exist to try `bench/run-index-bench.sh --base FILE` on data whose shape, size
and dimension the engines were not tuned on (the synthetic sets are Gaussian clusters in 512 dims).

  make-manifold-vectors.py ROWS OUT.npy [DIMS [OUTLIER]]   e.g. 101000 /tmp/manifold-100d.npy (1,000 become queries)

OUTLIER > 0 makes dimension 0 an outlier dimension, as in many text and CLIP embeddings: about
-OUTLIER times the components' typical standard deviation in every row (spread OUTLIER/20 of it).
After normalization it holds most of each vector's length, so per-vector int8 codes, scaled to
their largest component, keep few levels for the rest: the case that would hurt our codes most.

Fixed seed: the same ROWS give the same rows from the same distribution; a larger ROWS starts
with different rows (all are drawn at once), so give the exact count to reproduce a result file.
The last bits of the floats depend on numpy's matrix product: the result files were made with
numpy 2.4.6, and Debian's 1.24 (the shebang's) gives rows that differ in the last bits.
"""
import sys

import numpy as np

LATENT, HIDDEN, SEED = 16, 256, 7


def main():
    if len(sys.argv) not in (3, 4, 5):
        raise SystemExit(__doc__)
    rows, out = int(sys.argv[1]), sys.argv[2]
    dims = int(sys.argv[3]) if len(sys.argv) >= 4 else 100
    outlier = float(sys.argv[4]) if len(sys.argv) == 5 else 0
    rng = np.random.default_rng(SEED)
    z = rng.standard_normal((rows, LATENT)).astype(np.float32)
    w1 = rng.standard_normal((LATENT, HIDDEN)).astype(np.float32) / np.sqrt(LATENT)
    w2 = rng.standard_normal((HIDDEN, dims)).astype(np.float32) / np.sqrt(HIDDEN)
    x = np.maximum(np.tanh(z @ w1) @ w2 + 0.1, 0) + 0.01 * rng.standard_normal((rows, dims)).astype(np.float32)
    x = x.astype("<f4")
    if outlier > 0:
        sd = x.std(axis=0).mean()
        x[:, 0] = -outlier * sd + np.random.default_rng(SEED).normal(0, outlier / 20 * sd, rows)
    np.save(out, x)
    print(f"{out}: {rows:,} x {dims}, {float((x > 0).mean()):.0%} of components positive", file=sys.stderr)


if __name__ == "__main__":
    main()
