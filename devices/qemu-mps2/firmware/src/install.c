#include "install.h"

#include <string.h>

#define SLOT_BYTES (96u * 1024u)
#define SLOTS 3
#define FLASH_MODEL (-1)
#define NO_SHADOW (-2)

static _Alignas(8) uint8_t slots[SLOTS][SLOT_BYTES] __attribute__((section(".install_slots")));
static uint32_t slot_size[SLOTS];
static tlm_weights *serving, *shadow;
static epl_board_info *board;
static int serving_slot = FLASH_MODEL;
static int shadow_slot = NO_SHADOW;
static int staging_slot;
static char model_name[33], quant_name[17];

void install_init(tlm_weights *serving_weights, tlm_weights *shadow_weights, epl_board_info *info) {
    serving = serving_weights;
    shadow = shadow_weights;
    board = info;
}

/* The first slot that holds neither the serving model nor the shadow. */
int install_begin(void *ctx, uint32_t size) {
    (void)ctx;
    if (size > SLOT_BYTES) return 0;
    for (staging_slot = 0; staging_slot == serving_slot || staging_slot == shadow_slot; staging_slot++) {
    }
    slot_size[staging_slot] = size;
    return 1;
}

int install_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len) {
    (void)ctx;
    uint32_t size = slot_size[staging_slot];
    if (offset > size || len > size - offset) return 0;
    memcpy(&slots[staging_slot][offset], data, len);
    return 1;
}

int install_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant) {
    (void)ctx;
    tlm_weights candidate;
    if (!tlm_bind(&candidate, slots[staging_slot], slot_size[staging_slot])) return 0;
    *serving = candidate;
    serving_slot = staging_slot;
    memcpy(board->model_sha256, sha256, 32);
    strncpy(model_name, model, sizeof model_name - 1);
    strncpy(quant_name, quant, sizeof quant_name - 1);
    board->model = model_name;
    board->quant = quant_name;
    return 1;
}

int shadow_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant) {
    (void)ctx, (void)sha256, (void)model, (void)quant;
    tlm_weights candidate;
    if (!tlm_bind(&candidate, slots[staging_slot], slot_size[staging_slot])) return 0;
    *shadow = candidate;
    shadow_slot = staging_slot;
    return 1;
}

void shadow_unload(void *ctx) {
    (void)ctx;
    shadow_slot = NO_SHADOW;
}

uint32_t install_ram_bytes(void) {
    return (serving_slot < 0 ? 0u : slot_size[serving_slot]) + (shadow_slot < 0 ? 0u : slot_size[shadow_slot]);
}
