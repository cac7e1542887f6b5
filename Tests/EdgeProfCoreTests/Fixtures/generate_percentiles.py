#!/usr/bin/env python3
"""Reference percentiles and means from numpy for the statistics tests (statistics.md).

Writes percentiles.json next to this file: samples, the percentiles asked, and numpy's answers
with the 'linear' and 'inverted_cdf' methods, as exact float64 values (repr round-trips).
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261122)
samples = [
    [1.0],
    [1.0, 2.0],
    [3.0, 1.0, 2.0],
    [5.0, 5.0, 5.0, 5.0],
    list(range(10)),
    [0.1 * i for i in range(11)],
    list(rng.lognormal(np.log(11.0), 0.12, 7)),
    list(rng.lognormal(np.log(11.0), 0.12, 20)),
    list(rng.lognormal(np.log(180.0), 0.05, 101)),
    list(rng.normal(0.0, 1.0, 1000)),
    list(rng.exponential(3.0, 4097)),
    list(np.round(rng.uniform(0, 100, 333), 2)),
]
ps = [0, 1, 5, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 99, 99.9, 100]
cases = []
for xs in samples:
    arr = np.array(xs, dtype=np.float64)
    cases.append({
        "values": [float(v) for v in arr],
        "mean": float(np.mean(arr)),
        "linear": [float(np.percentile(arr, p)) for p in ps],
        "inverted_cdf": [float(np.percentile(arr, p, method="inverted_cdf")) for p in ps],
    })
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "percentiles.json"), "w") as f:
    json.dump({"numpy": np.__version__, "percentiles": ps, "cases": cases}, f)
