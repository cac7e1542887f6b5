#!/usr/bin/env python3
"""Reference drift statistics for the tests: scipy 1.17 (KS, kstwo, smirnov, chi-square),
Evidently 0.7.14 (PSI, its convention) and numpy (PSI, the default convention of statistics.md).

Writes drift.json next to this file. NaN is written as the string "NaN".

    python3 -m venv /tmp/ev && /tmp/ev/bin/pip install evidently==0.7.14 scipy numpy
    /tmp/ev/bin/python generate_drift.py
"""
import json
import math
import os

import evidently
import numpy as np
import pandas as pd
import scipy
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.core import ColumnType
from scipy import special, stats

assert evidently.__version__ == "0.7.14", evidently.__version__
assert scipy.__version__.startswith("1.17"), scipy.__version__
MASK = (1 << 64) - 1


class SplitMix64:
    """The generator the Swift tests reimplement, so large samples are stored as specs, not values."""

    def __init__(self, seed):
        self.state = seed & MASK

    def uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        return (z >> 11) * 2.0 ** -53


def draw(spec):
    """normal: mean + sd·(sum of 12 uniforms − 6); uniform: low + u·(high − low);
    integers: low + ⌊u·(high − low)⌋; skewed: low + scale·u₁·u₂; literal: the values."""
    kind = spec["kind"]
    if kind == "literal":
        return [float(x) for x in spec["values"]]
    g = SplitMix64(spec["seed"])
    out = []
    for _ in range(spec["count"]):
        if kind == "normal":
            s = 0.0
            for _ in range(12):
                s += g.uniform()
            out.append(spec["mean"] + spec["sd"] * (s - 6.0))
        elif kind == "uniform":
            out.append(spec["low"] + g.uniform() * (spec["high"] - spec["low"]))
        elif kind == "integers":
            out.append(float(spec["low"] + math.floor(g.uniform() * (spec["high"] - spec["low"]))))
        elif kind == "skewed":
            u1 = g.uniform()
            u2 = g.uniform()
            out.append(spec["low"] + spec["scale"] * u1 * u2)
    return out


seeds = iter(range(1, 1000))


def normal(mean, sd, count):
    return {"kind": "normal", "seed": next(seeds), "count": count, "mean": mean, "sd": sd}


def uniform(low, high, count):
    return {"kind": "uniform", "seed": next(seeds), "count": count, "low": low, "high": high}


def integers(low, high, count):
    return {"kind": "integers", "seed": next(seeds), "count": count, "low": low, "high": high}


def skewed(low, scale, count):
    return {"kind": "skewed", "seed": next(seeds), "count": count, "low": low, "scale": scale}


def literal(values):
    return {"kind": "literal", "values": [float(x) for x in values]}


rng = np.random.default_rng(20261122)


def num(value):
    value = float(value)
    return "NaN" if math.isnan(value) else value


def ks_case(name, a, b):
    xa, xb = draw(a), draw(b)
    result = stats.ks_2samp(xa, xb, alternative="two-sided", method="auto")
    method = "exact" if max(len(xa), len(xb)) <= 10000 else "asymp"
    return {"name": name, "a": a, "b": b, "statistic": num(result.statistic), "p": num(result.pvalue),
            "method": method}


ks = [
    ks_case("equal sizes, shifted", normal(10, 1, 40), normal(10.8, 1, 40)),
    ks_case("equal sizes, same", normal(5, 2, 25), normal(5, 2, 25)),
    ks_case("unequal small", skewed(0, 9, 17), skewed(0, 10, 23)),
    ks_case("ties (integer ticks)", integers(0, 8, 60), integers(1, 9, 45)),
    ks_case("one value each", literal([1]), literal([2])),
    ks_case("identical samples", literal([1, 2, 3]), literal([1, 2, 3])),
    ks_case("disjoint", normal(0, 1, 30), normal(100, 1, 20)),
    ks_case("unequal medium", skewed(1, 3, 700), skewed(1.05, 3, 1300)),
    ks_case("10000 vs 9999", normal(0, 1, 10000), normal(0.03, 1, 9999)),
    ks_case("10000 vs 10000", normal(0, 1, 10000), normal(0.02, 1, 10000)),
    ks_case("asymp N=50", normal(0, 1, 12000), normal(0.4, 1, 50)),
    ks_case("asymp N=120 same", normal(0, 1, 10500), normal(0, 1, 121)),
    ks_case("asymp N=296", skewed(0, 8, 20000), skewed(0, 9, 300)),
    ks_case("asymp N=7500", normal(0, 1, 15000), normal(0.01, 1, 15000)),
    ks_case("asymp large shift", normal(0, 1, 11000), normal(0.3, 1, 3000)),
    ks_case("asymp ties", integers(0, 50, 20000), integers(0, 50, 4000)),
]

kstwo = []
for n in [1, 2, 3, 5, 10, 37, 140, 141, 500, 5000, 100000, 100001, 400000]:
    for x in [1e-4, 0.3 / n, 0.5 / n, 0.7 / n, 1.0 / n, 1.5 / n, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2,
              0.3, 0.45, 0.5, 0.6, 0.9, 1 - 1.5 / n, 1.0, 1.2]:
        if x <= 0:
            continue
        kstwo.append({"n": n, "x": x, "sf": num(stats.kstwo.sf(x, n))})
for n in [150, 1000, 20000, 90000]:
    for z in [0.3, 0.5, 0.8, 1.0, 1.2, 1.48, 1.6, 2.0, 2.5, 3.5]:
        x = z / math.sqrt(n)
        kstwo.append({"n": n, "x": x, "sf": num(stats.kstwo.sf(x, n))})

smirnov = []
for n in [1, 2, 7, 40, 140, 1000, 50000]:
    for x in [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.99]:
        smirnov.append({"n": n, "x": x, "sf": num(special.smirnov(n, x))})


def chi2_case(name, categories, reference, current):
    table = np.array([reference, current], dtype=float)
    keep = table.sum(axis=0) > 0
    kept = table[:, keep]
    if kept.shape[1] < 2:
        stat, p, dof = 0.0, 1.0, 0
    else:
        stat, p, dof, _ = stats.chi2_contingency(kept, correction=True)
    return {"name": name, "categories": categories, "reference": [float(x) for x in reference],
            "current": [float(x) for x in current], "statistic": num(stat), "p": num(p), "dof": int(dof)}


chi2 = [
    chi2_case("two classes (Yates)", ["ok", "err"], [180, 20], [160, 40]),
    chi2_case("two classes, tiny difference (Yates clamps)", ["a", "b"], [50, 50], [50, 51]),
    chi2_case("five classes", list("abcde"), [30, 25, 20, 15, 10], [22, 30, 18, 20, 10]),
    chi2_case("a class absent from both", list("abcd"), [10, 0, 5, 7], [12, 0, 9, 3]),
    chi2_case("one class only", ["a", "b"], [10, 0], [4, 0]),
    chi2_case("large drift", list("xyz"), [5000, 3000, 2000], [2000, 3000, 5000]),
    chi2_case("128 token classes",
              [f"t{i}" for i in range(128)],
              list(rng.integers(5, 60, 128)), list(rng.integers(5, 60, 128))),
]


def psi_default(reference, current):
    reference = np.asarray(reference, dtype=float)
    current = np.asarray(current, dtype=float)
    edges = np.unique(np.quantile(reference, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))
    bins = len(edges) + 1
    ref = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=bins) / len(reference)
    cur = np.bincount(np.searchsorted(edges, current, side="right"), minlength=bins) / len(current)
    ref = np.where(ref == 0, 1e-4, ref)
    cur = np.where(cur == 0, 1e-4, cur)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi_default_categorical(reference, current):
    keys = sorted(set(reference) | set(current))
    ref = np.array([reference.count(k) / len(reference) for k in keys])
    cur = np.array([current.count(k) / len(current) for k in keys])
    ref = np.where(ref == 0, 1e-4, ref)
    cur = np.where(cur == 0, 1e-4, cur)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi_case(name, reference, current):
    xr, xc = draw(reference), draw(current)
    evidently_value, _ = _psi(pd.Series(xr), pd.Series(xc), ColumnType.Numerical, 0.1)
    return {"name": name, "reference": reference, "current": current,
            "default": num(psi_default(xr, xc)), "evidently": num(evidently_value)}


psi = [
    psi_case("stable latencies", normal(8, 0.5, 400), normal(8, 0.5, 300)),
    psi_case("regressed latencies", normal(8, 0.5, 400), normal(9, 0.6, 300)),
    psi_case("current outside the reference range", normal(8, 0.5, 200), normal(20, 1, 50)),
    psi_case("few distinct values (ticks)", integers(10, 16, 300), integers(11, 18, 200)),
    psi_case("ties at the deciles", literal([1.0] * 50 + [2.0] * 30 + [3.0] * 20), integers(1, 5, 80)),
    psi_case("power of two pooled", uniform(0, 1, 96), uniform(0.1, 1.1, 32)),
    psi_case("many values", skewed(0, 10, 20000), skewed(0, 10.5, 15000)),
    psi_case("rare empty bins", normal(0, 1, 100000), normal(0, 1, 30)),
]


def psi_categorical_case(name, reference, current):
    evidently_value, _ = _psi(pd.Series(reference), pd.Series(current), ColumnType.Categorical, 0.1)
    return {"name": name, "reference": reference, "current": current,
            "default": num(psi_default_categorical(reference, current)), "evidently": num(evidently_value)}


classes = ["cat", "dog", "bird", "fish"]
psi_categorical = [
    psi_categorical_case("labels", list(rng.choice(classes, 500, p=[0.4, 0.3, 0.2, 0.1])),
                         list(rng.choice(classes, 400, p=[0.3, 0.3, 0.2, 0.2]))),
    psi_categorical_case("a new class appears", ["a"] * 60 + ["b"] * 40, ["a"] * 50 + ["b"] * 30 + ["c"] * 20),
]

out = {"ks": ks, "kstwo": kstwo, "smirnov": smirnov, "chi2": chi2, "psi": psi, "psi_categorical": psi_categorical}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
