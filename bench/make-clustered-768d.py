#!/usr/bin/env python3
# Usage: bench/make-clustered-768d.py OUT.npy   (Debian python3-numpy; written for an index benchmark on data the project never tuned on)
# 50,000 x 768 float32: a mixture of 300 anisotropic Gaussian clusters in a 64-dim latent space
# (each cluster its own random covariance with a decaying spectrum), mapped into 768 dims by a
# random matrix, plus a shared mean direction (as in text embeddings: all cosines positive),
# heavy-ish per-dimension scale differences, and isotropic noise. Seed 2026.
import numpy as np, sys
rng = np.random.default_rng(2026)
n, d, latent, k = 50_000, 768, 64, 300
sizes = rng.dirichlet(np.full(k, 0.5)) * n
sizes = np.maximum(1, np.round(sizes).astype(int)); sizes[-1] += n - sizes.sum()
while sizes[-1] < 1: sizes[np.argmax(sizes)] -= 1; sizes[-1] += 1
centers = rng.standard_normal((k, latent)) * 1.0
rows = []
for c in range(k):
    q, _ = np.linalg.qr(rng.standard_normal((latent, latent)))
    spec = 0.6 * rng.uniform(0.3, 1.5) * (np.arange(1, latent + 1) ** -0.7)
    z = rng.standard_normal((sizes[c], latent)) * spec
    rows.append(centers[c] + z @ q.T)
z = np.concatenate(rows)
rng.shuffle(z)
mix = rng.standard_normal((latent, d)) / np.sqrt(latent)
scale = np.exp(rng.normal(0, 0.5, d))  # per-dimension scales differ
x = (z @ mix) * scale
x += 2.0 * rng.standard_normal(d) / np.sqrt(d) * np.linalg.norm(x, axis=1).mean()  # shared mean direction
x += 0.25 * rng.standard_normal(x.shape) * x.std()
x = x.astype(np.float32)
np.save(sys.argv[1], x)
u = x / np.linalg.norm(x, axis=1, keepdims=True)
s = u[:2000] @ u[2000:4000].T
print(x.shape, x.dtype, "mean cosine of random pairs %.3f, p99 %.3f" % (s.mean(), np.quantile(s, 0.99)))
nn = np.sort(u[:200] @ u.T, axis=1)[:, -11:-1]
print("mean top-10 NN cosine %.3f, 10th %.3f" % (nn.mean(), nn[:, 0].mean()))
