#!/usr/bin/env python3
"""Reference A/B statistics for the tests (statistics.md, "A/B comparison"): the two-proportion
z-test of statsmodels 0.15 (`proportions_ztest`, pooled) and Welch's t-test of scipy 1.17
(`ttest_ind(equal_var=False)`). Writes abtest.json next to this file; NaN and infinities are
written as the strings "NaN", "Infinity", "-Infinity".

    python3 -m venv /tmp/ab && /tmp/ab/bin/pip install scipy==1.17.1 statsmodels==0.15.0 numpy
    /tmp/ab/bin/python generate_abtest.py
"""
import json
import math
import os
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

assert scipy.__version__ == "1.17.1", scipy.__version__
assert statsmodels.__version__ == "0.15.0", statsmodels.__version__
warnings.simplefilter("ignore")


def number(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def proportion_cases():
    rng = np.random.default_rng(15)
    cases = [
        (0, 10, 0, 20), (10, 10, 20, 20), (5, 10, 9, 20), (1, 1, 0, 1), (0, 5, 5, 5),
        (900, 1000, 850, 1000), (9000, 10000, 9050, 10000), (120, 1000, 100, 1000),
        (499_000, 1_000_000, 501_000, 1_000_000), (1, 1_000_000, 30, 1_000_000), (3, 7, 4, 7),
        (0, 1000, 1, 1000), (999, 1000, 1000, 1000), (45, 50, 45, 50),
    ]
    for _ in range(40):
        na, nb = int(rng.integers(1, 5000)), int(rng.integers(1, 5000))
        pa, pb = rng.uniform(0, 1), rng.uniform(0, 1)
        cases.append((int(rng.binomial(na, pa)), na, int(rng.binomial(nb, pb)), nb))
    rows = []
    for sa, na, sb, nb in cases:
        z, p = proportions_ztest([sa, sb], [na, nb])
        rows.append({"successesA": sa, "trialsA": na, "successesB": sb, "trialsB": nb, "z": number(z), "p": number(p)})
    return rows


def welch_cases():
    rng = np.random.default_rng(16)
    samples = [
        ([1.0, 1.0, 1.0], [1.0, 1.0, 1.0]),
        ([1.0, 1.0, 1.0], [2.0, 2.0, 2.0]),
        ([1.0], [2.0, 3.0, 4.0]),
        ([1.0, 2.0], [2.0, 3.0, 4.0]),
        ([1.0, 2.0, 3.0], [5.0, 5.0, 5.0]),
        ([5.0, 5.0, 5.0], [1.0, 2.0, 3.0]),
        ([1e-9, 2e-9, 3e-9], [1.5e-9, 2.5e-9, 3.5e-9, 4.5e-9]),
        ([1e9, 1e9 + 1, 1e9 + 2], [1e9 + 5, 1e9 + 6, 1e9 + 9]),
    ]
    for size_a, size_b, mean_a, mean_b, sd_a, sd_b in [
        (2, 2, 0, 1, 1, 1), (5, 40, 10, 11, 1, 3), (30, 30, 100, 100, 5, 5), (200, 150, 9.7, 9.9, 0.4, 0.9),
        (500, 500, 50, 50.3, 2, 2), (12, 300, 1, 5, 0.1, 4), (100, 100, 0, 30, 1, 1), (3, 3, 0, 0.1, 1, 1),
    ]:
        samples.append((list(rng.normal(mean_a, sd_a, size_a)), list(rng.normal(mean_b, sd_b, size_b))))
    for _ in range(12):
        size_a, size_b = int(rng.integers(2, 400)), int(rng.integers(2, 400))
        median = rng.uniform(5, 200)
        samples.append((list(median * rng.lognormal(0, 0.2, size_a)), list(median * rng.uniform(0.9, 1.2) * rng.lognormal(0, 0.25, size_b))))
    rows = []
    for a, b in samples:
        result = stats.ttest_ind(a, b, equal_var=False)
        rows.append({"a": [float(x) for x in a], "b": [float(x) for x in b], "t": number(result.statistic), "p": number(result.pvalue), "df": number(result.df)})
    return rows


def student_t_points():
    rows = []
    for df in [1, 2, 2.5, 3, 7.3, 30, 100, 1e4, 1e7]:
        for t in [0, 0.1, 1, 1.96, 3, 10, 40, 1e3]:
            rows.append({"t": t, "df": df, "twoSided": number(2 * stats.t.sf(t, df))})
    return rows


if __name__ == "__main__":
    out = {"proportions": proportion_cases(), "welch": welch_cases(), "studentT": student_t_points()}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "abtest.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
