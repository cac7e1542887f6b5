#!/usr/bin/env python3
"""Reference fairness figures from fairlearn 0.15 and calibration errors for the tests.

Writes fairness.json next to this file. Fairness: fairlearn.metrics demographic parity and
equalized odds, difference and ratio, between groups and to overall, with and without sample
weights, plus the per-group rates from MetricFrame. Calibration: ECE and MCE exactly as
statistics.md defines them (10 equal-width bins, bin = min(floor(10 p), 9)), computed with numpy.
NaN is written as the string "NaN".

    python3 -m venv /tmp/fl && /tmp/fl/bin/pip install fairlearn==0.15.0
    /tmp/fl/bin/python generate_fairness.py
"""
import json
import math
import os

import fairlearn
import numpy as np
from fairlearn.metrics import (MetricFrame, demographic_parity_difference, demographic_parity_ratio,
                               equalized_odds_difference, equalized_odds_ratio, false_positive_rate,
                               selection_rate, true_positive_rate)

assert fairlearn.__version__ == "0.15.0", fairlearn.__version__
rng = np.random.default_rng(20261122)


def nan_safe(value):
    value = float(value)
    return "NaN" if math.isnan(value) else value


def fairness_case(name, y_true, y_pred, groups, weights=None):
    kwargs = {} if weights is None else {"sample_weight": np.asarray(weights)}
    case = {"name": name, "y_true": [int(v) for v in y_true], "y_pred": [int(v) for v in y_pred],
            "groups": [str(g) for g in groups], "weights": None if weights is None else [float(w) for w in weights]}
    for method in ("between_groups", "to_overall"):
        case[method] = {
            "dp_difference": nan_safe(demographic_parity_difference(y_true, y_pred, sensitive_features=groups, method=method, **kwargs)),
            "dp_ratio": nan_safe(demographic_parity_ratio(y_true, y_pred, sensitive_features=groups, method=method, **kwargs)),
            "eo_difference": nan_safe(equalized_odds_difference(y_true, y_pred, sensitive_features=groups, method=method, **kwargs)),
            "eo_ratio": nan_safe(equalized_odds_ratio(y_true, y_pred, sensitive_features=groups, method=method, **kwargs)),
        }
    sample_params = {} if weights is None else {name: {"sample_weight": np.asarray(weights)} for name in ("sr", "tpr", "fpr")}
    frame = MetricFrame(metrics={"sr": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
                        y_true=y_true, y_pred=y_pred, sensitive_features=groups, sample_params=sample_params)
    case["by_group"] = {str(group): {key: nan_safe(row[key]) for key in ("sr", "tpr", "fpr")} for group, row in frame.by_group.iterrows()}
    return case


def calibration_case(name, labels, probabilities):
    labels = np.asarray(labels, dtype=np.float64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    bins = np.minimum(np.floor(10 * probabilities).astype(int), 9)
    ece, mce = 0.0, 0.0
    for b in range(10):
        mask = bins == b
        if not mask.any():
            continue
        gap = abs(labels[mask].mean() - probabilities[mask].mean())
        ece += mask.sum() / len(labels) * gap
        mce = max(mce, gap)
    return {"name": name, "labels": [int(v) for v in labels], "probabilities": [float(p) for p in probabilities], "ece": ece, "mce": mce}


fairness = []
for n, groups_count, weighted in [(40, 2, False), (200, 3, False), (500, 4, True), (1000, 2, True), (97, 5, False)]:
    groups = rng.choice([f"g{i}" for i in range(groups_count)], n)
    y_true = rng.integers(0, 2, n)
    y_pred = np.where(rng.random(n) < 0.8, y_true, 1 - y_true)
    weights = rng.uniform(0.1, 3.0, n) if weighted else None
    fairness.append(fairness_case(f"random n={n} groups={groups_count} weighted={weighted}", y_true, y_pred, groups, weights))
# Edge cases: a group without positives (TPR 0 by convention), nobody selected (0/0 ratio is NaN),
# everybody selected, identical groups.
fairness.append(fairness_case("group without positives", [0, 0, 0, 1, 1, 0], [1, 0, 0, 1, 0, 1], ["a", "a", "a", "b", "b", "b"]))
fairness.append(fairness_case("nobody selected", [0, 1, 0, 1], [0, 0, 0, 0], ["a", "a", "b", "b"]))
fairness.append(fairness_case("everybody selected", [0, 1, 0, 1], [1, 1, 1, 1], ["a", "a", "b", "b"]))
fairness.append(fairness_case("identical groups", [0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 0], ["x", "x", "x", "y", "y", "y"]))

calibration = [
    calibration_case("one sample", [1], [0.7]),
    calibration_case("edges 0, 0.1 and 1", [0, 1, 1, 0, 1], [0.0, 0.1, 1.0, 0.999, 0.5]),
]
for n in (50, 1000, 5000):
    p = rng.random(n)
    calibration.append(calibration_case(f"random n={n}", (rng.random(n) < p ** 1.3).astype(int), p))

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fairness.json"), "w") as out:
    json.dump({"fairlearn": fairlearn.__version__, "fairness": fairness, "calibration": calibration}, out, indent=1)
