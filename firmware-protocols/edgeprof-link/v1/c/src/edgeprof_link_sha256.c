/*
 * SHA-256 as FIPS 180-4 defines it, so that a device checks an artifact it is sent
 * (SPEC.md §2, "Installing an artifact") without trusting the host's word for its digest.
 * Streaming: bytes may arrive in pieces of any size.
 */
#include "edgeprof_link.h"

static const uint32_t ROUND_CONSTANTS[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

static uint32_t rotate_right(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

/* One 64-byte block into the state (FIPS 180-4 §6.2.2). */
static void compress(uint32_t state[8], const uint8_t block[64]) {
    uint32_t schedule[64];
    uint32_t a, b, c, d, e, f, g, h, t1, t2;
    unsigned i;
    for (i = 0; i < 16u; i++) {
        schedule[i] = (uint32_t)block[4u * i] << 24 | (uint32_t)block[4u * i + 1u] << 16 | (uint32_t)block[4u * i + 2u] << 8 |
                      (uint32_t)block[4u * i + 3u];
    }
    for (i = 16; i < 64u; i++) {
        uint32_t s0 = rotate_right(schedule[i - 15u], 7) ^ rotate_right(schedule[i - 15u], 18) ^ (schedule[i - 15u] >> 3);
        uint32_t s1 = rotate_right(schedule[i - 2u], 17) ^ rotate_right(schedule[i - 2u], 19) ^ (schedule[i - 2u] >> 10);
        schedule[i] = schedule[i - 16u] + s0 + schedule[i - 7u] + s1;
    }
    a = state[0]; b = state[1]; c = state[2]; d = state[3];
    e = state[4]; f = state[5]; g = state[6]; h = state[7];
    for (i = 0; i < 64u; i++) {
        t1 = h + (rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25)) + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[i] + schedule[i];
        t2 = (rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

void epl_sha256_init(epl_sha256 *s) {
    static const uint32_t initial[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    unsigned i;
    for (i = 0; i < 8u; i++) s->state[i] = initial[i];
    s->length = 0;
    s->used = 0;
}

void epl_sha256_update(epl_sha256 *s, const uint8_t *data, size_t len) {
    size_t i;
    for (i = 0; i < len; i++) {
        s->block[s->used++] = data[i];
        if (s->used == 64u) {
            compress(s->state, s->block);
            s->used = 0;
        }
    }
    s->length += (uint64_t)len;
}

void epl_sha256_final(epl_sha256 *s, uint8_t digest[32]) {
    uint64_t bits = s->length * 8u;
    unsigned i;
    s->block[s->used++] = 0x80u;
    if (s->used > 56u) {
        while (s->used < 64u) s->block[s->used++] = 0;
        compress(s->state, s->block);
        s->used = 0;
    }
    while (s->used < 56u) s->block[s->used++] = 0;
    for (i = 0; i < 8u; i++) s->block[56u + i] = (uint8_t)(bits >> (56u - 8u * i));
    compress(s->state, s->block);
    for (i = 0; i < 32u; i++) digest[i] = (uint8_t)(s->state[i / 4u] >> (24u - 8u * (i % 4u)));
}
