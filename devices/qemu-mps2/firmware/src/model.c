#include "model.h"

#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#endif

/* exp(-i / 32) in Q16, i = 0..255: the softmax of scores in units of 1/32 nat. */
static uint16_t exp_table[256];

void tlm_init(void) {
    uint32_t value = 65535u;
    for (int i = 0; i < 256; i++) {
        exp_table[i] = (uint16_t)value;
        value = (value * 63519u) >> 16; /* × exp(-1/32) in Q16 */
    }
}

static uint32_t read_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int tlm_bind(tlm_weights *w, const uint8_t *blob, size_t length) {
    static const uint32_t dims[6] = {TLM_VOCAB, TLM_DIM, TLM_HEADS, TLM_FF, TLM_LAYERS, TLM_CTX};
    const size_t per_layer = 4u * TLM_DIM * TLM_DIM + 2u * TLM_FF * TLM_DIM;
    const size_t expected = TLM_HEADER_BYTES + (size_t)TLM_VOCAB * TLM_DIM + (size_t)TLM_CTX * TLM_DIM + TLM_LAYERS * per_layer;
    if (length != expected || memcmp(blob, "EPTLM1\0\0", 8) != 0) return 0;
    for (int i = 0; i < 6; i++) {
        if (read_u32(blob + 8 + 4 * i) != dims[i]) return 0;
    }
    const int8_t *p = (const int8_t *)(blob + TLM_HEADER_BYTES);
    w->token_embedding = p;
    p += TLM_VOCAB * TLM_DIM;
    w->position_embedding = p;
    p += TLM_CTX * TLM_DIM;
    for (int l = 0; l < TLM_LAYERS; l++) {
        w->layers[l].wq = p; p += TLM_DIM * TLM_DIM;
        w->layers[l].wk = p; p += TLM_DIM * TLM_DIM;
        w->layers[l].wv = p; p += TLM_DIM * TLM_DIM;
        w->layers[l].wo = p; p += TLM_DIM * TLM_DIM;
        w->layers[l].w1 = p; p += TLM_FF * TLM_DIM;
        w->layers[l].w2 = p; p += TLM_DIM * TLM_FF;
    }
    return 1;
}

void tlm_reset(tlm_state *state) {
    state->position = 0;
}

static int8_t saturate(int32_t v) {
    return (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
}

/* Σ a[i]·b[i] over n int8 values (n a multiple of 4, both 4-byte aligned). On cores with the
 * DSP extension (Cortex-M4) two products per instruction with SXTB16 + SMLAD. */
static int32_t dot(const int8_t *a, const int8_t *b, int n) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t acc = 0;
    const uint32_t *pa = (const uint32_t *)(const void *)a;
    const uint32_t *pb = (const uint32_t *)(const void *)b;
    for (int i = 0; i < n / 4; i++) {
        uint32_t x = pa[i], y = pb[i];
        acc = __smlad(__sxtb16(x), __sxtb16(y), acc);
        acc = __smlad(__sxtb16((x >> 8) | (x << 24)), __sxtb16((y >> 8) | (y << 24)), acc);
    }
    return acc;
#else
    int32_t acc = 0;
    for (int i = 0; i < n; i++) acc += (int32_t)a[i] * b[i];
    return acc;
#endif
}

/* out[o] = saturate(Σ W[o][i]·x[i] >> shift) for W [rows][cols]. */
static void matvec(int8_t *out, const int8_t *w, const int8_t *x, int rows, int cols, int shift) {
    for (int o = 0; o < rows; o++) out[o] = saturate(dot(w + o * cols, x, cols) >> shift);
}

static uint32_t isqrt(uint32_t v) {
    uint32_t root = 0, bit = 1u << 30;
    while (bit > v) bit >>= 2;
    while (bit) {
        if (v >= root + bit) {
            v -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

/* Integer RMS norm to a root-mean-square of 32. */
static void rms_norm(int8_t *out, const int8_t *x) {
    uint32_t squares = 0;
    for (int i = 0; i < TLM_DIM; i++) squares += (uint32_t)((int32_t)x[i] * x[i]);
    uint32_t rms = isqrt(squares / TLM_DIM);
    if (rms == 0) rms = 1;
    for (int i = 0; i < TLM_DIM; i++) out[i] = saturate((int32_t)x[i] * 32 / (int32_t)rms);
}

static void attention(int8_t *out, const int8_t *q, const tlm_state *s, int layer, uint32_t count) {
    uint16_t weights[TLM_CTX];
    for (int h = 0; h < TLM_HEADS; h++) {
        const int offset = h * TLM_HEAD_DIM;
        int32_t scores[TLM_CTX];
        int32_t best = INT32_MIN;
        for (uint32_t t = 0; t < count; t++) {
            scores[t] = dot(q + offset, &s->keys[layer][t][offset], TLM_HEAD_DIM) >> 8;
            if (scores[t] > best) best = scores[t];
        }
        uint32_t total = 0;
        for (uint32_t t = 0; t < count; t++) {
            int32_t gap = best - scores[t];
            weights[t] = exp_table[gap > 255 ? 255 : gap];
            total += weights[t];
        }
        for (int i = 0; i < TLM_HEAD_DIM; i++) {
            int32_t acc = 0;
            for (uint32_t t = 0; t < count; t++) acc += (int32_t)weights[t] * s->values[layer][t][offset + i];
            out[offset + i] = saturate(acc / (int32_t)total);
        }
    }
}

int tlm_step(const tlm_weights *w, tlm_state *s, int token) {
    return tlm_step_logits(w, s, token, 0, 0);
}

void tlm_softmax_permille(const int32_t *logits, int count, uint32_t *permille) {
    int32_t best = INT32_MIN;
    for (int k = 0; k < count; k++) if (logits[k] > best) best = logits[k];
    uint32_t weights[TLM_VOCAB], total = 0;
    for (int k = 0; k < count && k < TLM_VOCAB; k++) {
        int32_t gap = (best - logits[k]) >> 6; /* logits of ±50 000 into units of 1/32 nat */
        weights[k] = exp_table[gap > 255 ? 255 : gap];
        total += weights[k];
    }
    for (int k = 0; k < count && k < TLM_VOCAB; k++) permille[k] = (uint32_t)(((uint64_t)weights[k] * 1000u + total / 2u) / total);
}

int tlm_step_logits(const tlm_weights *w, tlm_state *s, int token, int32_t *logits, int logit_count) {
    _Alignas(4) int8_t x[TLM_DIM], norm[TLM_DIM], q[TLM_DIM], mixed[TLM_DIM], projected[TLM_DIM], hidden[TLM_FF];
    const uint32_t slot = s->position % TLM_CTX;
    const int8_t *embedding = w->token_embedding + (token & (TLM_VOCAB - 1)) * TLM_DIM;
    const int8_t *position = w->position_embedding + slot * TLM_DIM;
    for (int i = 0; i < TLM_DIM; i++) x[i] = saturate((int32_t)embedding[i] + position[i]);
    const uint32_t count = s->position + 1 < TLM_CTX ? s->position + 1 : TLM_CTX;

    for (int l = 0; l < TLM_LAYERS; l++) {
        const tlm_layer *layer = &w->layers[l];
        rms_norm(norm, x);
        matvec(q, layer->wq, norm, TLM_DIM, TLM_DIM, 8);
        matvec(s->keys[l][slot], layer->wk, norm, TLM_DIM, TLM_DIM, 8);
        matvec(s->values[l][slot], layer->wv, norm, TLM_DIM, TLM_DIM, 8);
        attention(mixed, q, s, l, count);
        matvec(projected, layer->wo, mixed, TLM_DIM, TLM_DIM, 8);
        for (int i = 0; i < TLM_DIM; i++) x[i] = saturate((int32_t)x[i] + projected[i]);

        rms_norm(norm, x);
        matvec(hidden, layer->w1, norm, TLM_FF, TLM_DIM, 8);
        for (int i = 0; i < TLM_FF; i++) if (hidden[i] < 0) hidden[i] = 0;
        matvec(projected, layer->w2, hidden, TLM_DIM, TLM_FF, 8);
        for (int i = 0; i < TLM_DIM; i++) x[i] = saturate((int32_t)x[i] + projected[i]);
    }
    s->position++;

    rms_norm(norm, x);
    int best = 0;
    int32_t best_logit = INT32_MIN;
    for (int v = 0; v < TLM_VOCAB; v++) {
        int32_t logit = dot(w->token_embedding + v * TLM_DIM, norm, TLM_DIM);
        if (v < logit_count) logits[v] = logit;
        if (logit > best_logit) {
            best_logit = logit;
            best = v;
        }
    }
    return best;
}
