/*
 * Models installed over the link (Link v1 LOAD, DATA, COMMIT): two RAM slots, so the model in
 * use keeps running while the next one arrives, and a switch only to bytes whose SHA-256 the C
 * reference checked and whose header describes tiny-lm's shape. A reboot returns the board to
 * the model linked into flash.
 */
#ifndef INSTALL_H
#define INSTALL_H
#include <stdint.h>

#include "edgeprof_link.h"
#include "model.h"

/* Binds `weights` to the model linked into flash; `info` is what the board announces. */
void install_init(tlm_weights *weights, epl_board_info *info);
/* The Link v1 install callbacks (edgeprof_link.h). */
int install_begin(void *ctx, uint32_t size);
int install_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len);
int install_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant);
/* Bytes of RAM the model in use occupies: 0 while it runs from flash. */
uint32_t install_ram_bytes(void);

#endif
