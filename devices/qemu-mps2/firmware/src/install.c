#include "install.h"

#include <string.h>

#define SLOT_BYTES (96u * 1024u)

static _Alignas(8) uint8_t slots[2][SLOT_BYTES] __attribute__((section(".install_slots")));
static tlm_weights *serving;
static epl_board_info *board;
static int active_slot = -1; /* -1: the model in flash */
static int staging_slot;
static uint32_t staging_size, active_size;
static char model_name[33], quant_name[17];

void install_init(tlm_weights *weights, epl_board_info *info) {
    serving = weights;
    board = info;
}

int install_begin(void *ctx, uint32_t size) {
    (void)ctx;
    if (size > SLOT_BYTES) return 0;
    staging_slot = active_slot == 0 ? 1 : 0;
    staging_size = size;
    return 1;
}

int install_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len) {
    (void)ctx;
    if (offset > staging_size || len > staging_size - offset) return 0;
    memcpy(&slots[staging_slot][offset], data, len);
    return 1;
}

int install_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant) {
    (void)ctx;
    tlm_weights candidate;
    if (!tlm_bind(&candidate, slots[staging_slot], staging_size)) return 0;
    *serving = candidate;
    active_slot = staging_slot;
    active_size = staging_size;
    memcpy(board->model_sha256, sha256, 32);
    strncpy(model_name, model, sizeof model_name - 1);
    strncpy(quant_name, quant, sizeof quant_name - 1);
    board->model = model_name;
    board->quant = quant_name;
    return 1;
}

uint32_t install_ram_bytes(void) {
    return active_slot < 0 ? 0u : active_size;
}
