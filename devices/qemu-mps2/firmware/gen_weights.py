#!/usr/bin/env python3
"""Writes the weights of EdgeProf's tiny int8 decoder-only transformer ("tiny-lm").

The same bytes on every machine: a SplitMix64 stream (no numpy, no platform randomness) drawn
into roughly normal int8 values (sum of four uniforms). Layout (little-endian), as
src/model.c reads it:

    "EPTLM1\\0\\0"  magic
    u32 vocab, dim, heads, ff, layers, ctx       (then zero padding to 32 bytes)
    int8 token embedding   [vocab][dim]
    int8 position embedding [ctx][dim]
    per layer: int8 wq, wk, wv, wo [dim][dim], w1 [ff][dim], w2 [dim][ff]

The file is the model artifact: register it with `edgeprof model register`; its SHA-256 is
what the firmware announces.

    python3 gen_weights.py OUT.bin [SEED [EMBEDDING_SPREAD LAYER_SPREAD]]

Another SEED gives another model of the same shape, which the firmware can install over the link
and run. With the default spreads (token embedding 32, layers 24) the residual stream is dominated
by the input token and greedy decoding repeats it, whatever the seed; the Makefile's
tiny-lm-1.1.bin ("retrained") uses spreads 8 and 40, so its layers decide the next token and it
generates other tokens than the flashed model.
"""
import struct
import sys

VOCAB, DIM, HEADS, FF, LAYERS, CTX = 128, 64, 2, 128, 2, 48
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def tensor(rng, count, spread):
    """int8 values, roughly normal with standard deviation `spread` (≤ 40)."""
    out = bytearray()
    for _ in range(count):
        r = rng.next()
        total = sum((r >> (16 * k)) & 0xFFFF for k in range(4)) - 2 * 0xFFFF  # ~N(0, 37837)
        value = max(-127, min(127, round(total * spread / 37837)))
        out += struct.pack("b", value)
    return bytes(out)


DEFAULT_SEED = 0x454447455052_4F46  # "EDGEPROF"


def main(path, seed=DEFAULT_SEED, embedding_spread=32, layer_spread=24):
    rng = SplitMix64(seed)
    blob = bytearray(b"EPTLM1\0\0" + struct.pack("<6I", VOCAB, DIM, HEADS, FF, LAYERS, CTX))
    blob += bytes(32 - len(blob))
    blob += tensor(rng, VOCAB * DIM, embedding_spread)
    blob += tensor(rng, CTX * DIM, 16)
    for _ in range(LAYERS):
        for _ in range(4):
            blob += tensor(rng, DIM * DIM, layer_spread)
        blob += tensor(rng, FF * DIM, layer_spread)
        blob += tensor(rng, DIM * FF, layer_spread)
    with open(path, "wb") as out:
        out.write(blob)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if len(arguments) not in (1, 2, 4):
        sys.exit("usage: gen_weights.py OUT.bin [SEED [EMBEDDING_SPREAD LAYER_SPREAD]]")
    spreads = [int(value) for value in arguments[2:4]]
    if any(not 1 <= value <= 40 for value in spreads):
        sys.exit("spreads are 1..40 (int8 values stay within ±127)")
    main(arguments[0], int(arguments[1], 0) if len(arguments) > 1 else DEFAULT_SEED, *spreads)
