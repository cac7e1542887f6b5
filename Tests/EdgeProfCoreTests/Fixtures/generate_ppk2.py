#!/usr/bin/env python3
"""Reference PPK2 conversions: an independent transcription of the algorithm in Nordic's
pc-nrfconnect-ppk (src/device/serialDevice.ts, getAdcResult), written here, for the tests.

Writes ppk2.json: metadata cases and raw sample sequences with the µA Nordic's app shows.
"""
import json
import os
import random

ADC_MULT = 1.8 / 163840
DEFAULTS = {"r": [1031.64, 101.65, 10.15, 0.94, 0.043], "gs": [1] * 5, "gi": [1] * 5,
            "o": [0] * 5, "s": [0] * 5, "i": [0] * 5, "ug": [1] * 5}


class Nordic:
    def __init__(self, mods, vdd_mv):
        self.m, self.vdd = mods, vdd_mv
        self.avg = self.avg4 = self.prev = None
        self.after = 0
        self.consecutive = 0

    def convert(self, raw):
        rng = min((raw >> 14) & 7, 5)
        adc = (raw & 0x3FFF) * 4
        if rng >= 5:
            value = float("nan")
        else:
            m = self.m
            wo = (adc - m["o"][rng]) * (ADC_MULT / m["r"][rng])
            value = m["ug"][rng] * (wo * (m["gs"][rng] * wo + m["gi"][rng]) + (m["s"][rng] * (self.vdd / 1000) + m["i"][rng]))
        prev_avg4, prev_avg = self.avg4, self.avg
        self.avg = value if self.avg is None else 0.18 * value + (1.0 - 0.18) * self.avg
        self.avg4 = value if self.avg4 is None else 0.06 * value + (1.0 - 0.06) * self.avg4
        if self.prev is None:
            self.prev = rng
        if self.prev != rng or self.after > 0:
            if self.prev != rng:
                self.consecutive = 0
                self.after = 3
            else:
                self.consecutive += 1
            if rng == 4:
                if self.consecutive < 2:
                    self.avg4, self.avg = prev_avg4, prev_avg
                value = self.avg4
            else:
                value = self.avg
            self.after -= 1
        self.prev = rng
        return value * 1e6


def sample(adc, rng, counter, logic=0):
    return (adc & 0x3FFF) | (rng << 14) | ((counter & 0x3F) << 18) | (logic << 24)


def case(name, mods, vdd, raws):
    n = Nordic(mods, vdd)
    values = [n.convert(r) for r in raws]
    return {"name": name, "modifiers": mods, "vdd": vdd, "raw": raws,
            "microamps": [None if v != v else v for v in values]}


rnd = random.Random(5)
custom = {"r": [1029.3, 101.2, 10.11, 0.9402, 0.04301], "gs": [1.0021, 0.9987, 1.0005, 0.9993, 1.0012],
          "gi": [0.9998, 1.0003, 0.9991, 1.0007, 0.9996], "o": [42.1, 37.5, 51.2, 48.9, 44.0],
          "s": [0.00012, 0.0001, -0.00003, 0.0002, 0.00001], "i": [-1.2e-7, 3.0e-7, -2.1e-6, 4.4e-6, 1.1e-5],
          "ug": [1.0, 1.01, 0.99, 1.0, 1.02]}
cases = []
for rng in range(5):
    cases.append(case(f"range {rng} sweep", DEFAULTS, 3300, [sample(a, rng, i) for i, a in enumerate(range(0, 16384, 257))]))
steps = []
counter = 0
for _ in range(400):
    rng = rnd.choice([0, 0, 1, 2, 3, 4, 4])
    for _ in range(rnd.randrange(1, 7)):
        steps.append(sample(rnd.randrange(16384), rng, counter, rnd.randrange(256)))
        counter += 1
cases.append(case("range changes, default calibration", DEFAULTS, 3000, steps))
cases.append(case("range changes, custom calibration", custom, 1800, steps))
cases.append(case("invalid ranges 5-7", DEFAULTS, 3300, [sample(100, r, i) for i, r in enumerate([1, 5, 6, 7, 1, 1, 1, 1])]))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ppk2.json"), "w") as f:
    json.dump({"cases": cases}, f)
