/*
 * tiny-lm: a small int8 decoder-only transformer (pre-norm, 2 layers, 2 heads, width 64,
 * vocabulary 128, context 48) that generates tokens greedily. Integer arithmetic only:
 * int8 weights and activations, int32 accumulation, power-of-two requantisation, an integer
 * RMS norm and a softmax through an exp table. Weights come from gen_weights.py.
 */
#ifndef TINY_LM_MODEL_H
#define TINY_LM_MODEL_H
#include <stddef.h>
#include <stdint.h>

#define TLM_VOCAB 128
#define TLM_DIM 64
#define TLM_HEADS 2
#define TLM_HEAD_DIM (TLM_DIM / TLM_HEADS)
#define TLM_FF 128
#define TLM_LAYERS 2
#define TLM_CTX 48
#define TLM_HEADER_BYTES 32

typedef struct {
    const int8_t *wq, *wk, *wv, *wo, *w1, *w2;
} tlm_layer;

typedef struct {
    const int8_t *token_embedding;    /* [VOCAB][DIM] */
    const int8_t *position_embedding; /* [CTX][DIM] */
    tlm_layer layers[TLM_LAYERS];
} tlm_weights;

/* The key/value cache and working buffers of one generation (lives in the tensor arena). */
typedef struct {
    int8_t keys[TLM_LAYERS][TLM_CTX][TLM_DIM];
    int8_t values[TLM_LAYERS][TLM_CTX][TLM_DIM];
    uint32_t position; /* tokens seen so far; the cache is a ring of TLM_CTX */
} tlm_state;

/* Points `weights` into the blob; returns 0 when the header does not describe this model. */
int tlm_bind(tlm_weights *weights, const uint8_t *blob, size_t length);
/* Prepares the exp table (once, at boot). */
void tlm_init(void);
void tlm_reset(tlm_state *state);
/* Feeds one token; returns the most likely next token. */
int tlm_step(const tlm_weights *weights, tlm_state *state, int token);
/* The same, also writing the next-token logits of tokens 0..count-1 into `logits`. */
int tlm_step_logits(const tlm_weights *weights, tlm_state *state, int token, int32_t *logits, int count);
/* Probabilities (in thousandths, summing to about 1000) of `count` logits, via the exp table. */
void tlm_softmax_permille(const int32_t *logits, int count, uint32_t *permille);

#endif
