/*
 * Models installed over the link (Link v1 LOAD, DATA, COMMIT, UNLOAD): three RAM slots, so the
 * serving model and the shadow keep running while the next one arrives, and a switch only to
 * bytes whose SHA-256 the C reference checked and whose header describes tiny-lm's shape. A
 * reboot returns the board to the model linked into flash, with no shadow.
 */
#ifndef INSTALL_H
#define INSTALL_H
#include <stdint.h>

#include "edgeprof_link.h"
#include "model.h"

/* `serving` is bound to the model linked into flash, `shadow` is bound on a shadow COMMIT;
   `info` is what the board announces. */
void install_init(tlm_weights *serving, tlm_weights *shadow, epl_board_info *info);
/* The Link v1 install and shadow callbacks (edgeprof_link.h). */
int install_begin(void *ctx, uint32_t size);
int install_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len);
int install_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant);
int shadow_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant);
void shadow_unload(void *ctx);
/* Bytes of RAM the installed models occupy: 0 while the board runs from flash with no shadow. */
uint32_t install_ram_bytes(void);

#endif
