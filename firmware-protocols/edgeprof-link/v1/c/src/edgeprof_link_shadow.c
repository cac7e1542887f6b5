/*
 * EdgeProf Link v1: the shadow model (SPEC.md §2, "Shadow"). A candidate loaded with
 * LOAD slot=shadow runs after the serving model on the same input and is reported with SITER,
 * STOK and SDONE, never served; UNLOAD slot=shadow drops it. The library keeps what the shadow
 * is, so that the handshake and RESULT can say so; the firmware keeps its bytes.
 */
#include "edgeprof_link_internal.h"

int epl_shadow_supported(const epl_device *d) {
    return epl_install_supported(d) && d->cb.shadow_commit != NULL && d->cb.shadow_unload != NULL;
}

int epl_device_has_shadow(const epl_device *d) {
    return d->shadow.loaded;
}

int epl_reply_shadow(epl_device *d, uint16_t re) {
    epl_writer w;
    epl_reply_begin(d, &w, "SHADOW");
    epl_writer_u64(&w, "re", re);
    if (d->shadow.loaded) {
        epl_writer_text(&w, "model", d->shadow.model);
        epl_writer_hex(&w, "sha256", d->shadow.sha256, sizeof d->shadow.sha256);
        epl_writer_text(&w, "quant", d->shadow.quant);
    } else {
        epl_writer_text(&w, "sha256", "none");
    }
    return epl_reply_emit(d, &w);
}

static void copy_text(char *out, size_t cap, const char *text) {
    size_t i = 0;
    while (i + 1u < cap && text[i] != '\0') {
        out[i] = text[i];
        i++;
    }
    out[i] = '\0';
}

void epl_commit_shadow(epl_device *d, uint16_t re, const uint8_t sha256[32]) {
    epl_shadow *shadow = &d->shadow;
    unsigned i;
    if (!d->cb.shadow_commit(d->cb.ctx, sha256, d->install.model, d->install.quant)) {
        epl_reply_error(d, 1, re, "model", "the firmware cannot run this artifact as its shadow; the board keeps its shadow");
        return;
    }
    for (i = 0; i < 32u; i++) shadow->sha256[i] = sha256[i];
    copy_text(shadow->model, sizeof shadow->model, d->install.model);
    copy_text(shadow->quant, sizeof shadow->quant, d->install.quant);
    shadow->loaded = 1;
    epl_reply_shadow(d, re);
}

void epl_handle_unload(epl_device *d, const epl_frame *f) {
    const epl_span *slot = epl_frame_find(f, "slot");
    if (slot == NULL || !epl_span_equals(*slot, "shadow")) {
        epl_reply_error(d, 1, f->seq, "bad_args", "only the shadow can be unloaded: UNLOAD slot=shadow");
        return;
    }
    if (d->shadow.loaded) d->cb.shadow_unload(d->cb.ctx);
    d->shadow.loaded = 0;
    epl_reply_shadow(d, f->seq);
}

int epl_send_shadow_iteration(epl_device *d, uint32_t iteration, uint64_t ticks) {
    epl_writer w;
    epl_reply_begin(d, &w, "SITER");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_u64(&w, "t", ticks);
    return epl_reply_emit(d, &w);
}

int epl_send_shadow_token(epl_device *d, uint32_t iteration, uint32_t index, uint64_t ticks, int32_t token_id) {
    epl_writer w;
    epl_reply_begin(d, &w, "STOK");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_u64(&w, "i", index);
    epl_writer_u64(&w, "t", ticks);
    if (token_id >= 0) epl_writer_u64(&w, "id", (uint64_t)token_id);
    return epl_reply_emit(d, &w);
}

int epl_send_shadow_done(epl_device *d, uint32_t iteration, uint64_t ticks, uint32_t tokens, uint64_t energy_nj) {
    epl_writer w;
    epl_reply_begin(d, &w, "SDONE");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_u64(&w, "t", ticks);
    epl_writer_u64(&w, "tokens", tokens);
    if (energy_nj != EPL_NO_ENERGY) epl_writer_u64(&w, "nj", energy_nj);
    return epl_reply_emit(d, &w);
}
