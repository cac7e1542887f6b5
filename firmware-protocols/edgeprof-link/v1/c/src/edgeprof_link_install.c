/*
 * EdgeProf Link v1: installing an artifact on the device (SPEC.md §2, "Installing an
 * artifact"). LOAD announces its size, SHA-256, model name and quantisation; DATA lines carry
 * the bytes in order, each acknowledged with the offset expected next (so a lost line is
 * simply sent again); COMMIT checks the SHA-256 of what arrived, computed here on the device,
 * and only then lets the firmware switch to it — or, after LOAD slot=shadow, run it as the
 * shadow model (edgeprof_link_shadow.c).
 */
#include "edgeprof_link_internal.h"

int epl_install_supported(const epl_device *d) {
    return d->cb.install_begin != NULL && d->cb.install_write != NULL && d->cb.install_commit != NULL;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes `span` (an even number of hex digits, at most 2 × cap) into out; the byte count, or -1. */
static int decode_hex(epl_span span, uint8_t *out, size_t cap) {
    size_t i;
    if (span.len % 2u != 0u || span.len / 2u > cap) return -1;
    for (i = 0; i < span.len / 2u; i++) {
        int high = hex_value(span.ptr[2u * i]), low = hex_value(span.ptr[2u * i + 1u]);
        if (high < 0 || low < 0) return -1;
        out[i] = (uint8_t)(high << 4 | low);
    }
    return (int)(span.len / 2u);
}

static void send_ack(epl_device *d, uint16_t re) {
    epl_writer w;
    epl_reply_begin(d, &w, "ACK");
    epl_writer_u64(&w, "re", re);
    epl_writer_u64(&w, "off", d->install.received);
    epl_reply_emit(d, &w);
}

/* Reads a text field of 1..cap-1 characters; 0 when absent, empty or too long. */
static int read_text(const epl_frame *f, const char *key, char *out, size_t cap) {
    const epl_span *span = epl_frame_find(f, key);
    return span != NULL && epl_span_text(*span, out, cap) > 0;
}

void epl_handle_load(epl_device *d, const epl_frame *f) {
    epl_install *in = &d->install;
    const epl_span *size = epl_frame_find(f, "size");
    const epl_span *sha = epl_frame_find(f, "sha256");
    const epl_span *slot = epl_frame_find(f, "slot");
    uint64_t bytes = 0;
    in->active = 0;
    in->shadow = slot != NULL && epl_span_equals(*slot, "shadow");
    if (slot != NULL && !in->shadow && !epl_span_equals(*slot, "serve")) {
        epl_reply_error(d, 1, f->seq, "bad_args", "slot must be serve or shadow");
        return;
    }
    if (in->shadow && !epl_shadow_supported(d)) {
        epl_reply_error(d, 1, f->seq, "bad_args", "this firmware has no shadow slot (no shadow capability)");
        return;
    }
    if (size == NULL || !epl_span_u64(*size, &bytes) || bytes == 0u || bytes > UINT32_MAX) {
        epl_reply_error(d, 1, f->seq, "bad_args", "size must be 1..4294967295 bytes");
        return;
    }
    if (sha == NULL || sha->len != 64u || decode_hex(*sha, in->expected_sha256, sizeof in->expected_sha256) != 32) {
        epl_reply_error(d, 1, f->seq, "bad_args", "sha256 must be 64 hex digits");
        return;
    }
    if (!read_text(f, "model", in->model, sizeof in->model) || !read_text(f, "quant", in->quant, sizeof in->quant)) {
        epl_reply_error(d, 1, f->seq, "bad_args", "model (1..32 characters) and quant (1..16) are required");
        return;
    }
    if (!d->cb.install_begin(d->cb.ctx, (uint32_t)bytes)) {
        epl_reply_error(d, 1, f->seq, "too_big", "the artifact does not fit in this board's install slot");
        return;
    }
    in->size = (uint32_t)bytes;
    in->received = 0;
    epl_sha256_init(&in->hash);
    in->active = 1;
    send_ack(d, f->seq);
}

void epl_handle_data(epl_device *d, const epl_frame *f) {
    epl_install *in = &d->install;
    const epl_span *off = epl_frame_find(f, "off");
    const epl_span *hex = epl_frame_find(f, "hex");
    uint8_t chunk[EPL_MAX_CHUNK];
    uint64_t offset = 0;
    int count;
    if (!in->active) {
        epl_reply_error(d, 1, f->seq, "idle", "no install in progress; send LOAD first");
        return;
    }
    if (off == NULL || !epl_span_u64(*off, &offset) || hex == NULL) {
        epl_reply_error(d, 1, f->seq, "bad_args", "DATA needs off= and hex=");
        return;
    }
    if (offset != in->received) {
        send_ack(d, f->seq); /* out of order (a line was lost or repeated): say where to go on */
        return;
    }
    count = decode_hex(*hex, chunk, sizeof chunk);
    if (count <= 0 || (uint64_t)count > (uint64_t)(in->size - in->received)) {
        epl_reply_error(d, 1, f->seq, "bad_args", "hex must be 1..160 bytes in hex, not past the announced size");
        return;
    }
    if (!d->cb.install_write(d->cb.ctx, in->received, chunk, (size_t)count)) {
        in->active = 0;
        epl_reply_error(d, 1, f->seq, "storage", "the firmware could not store the bytes; the install is abandoned");
        return;
    }
    epl_sha256_update(&in->hash, chunk, (size_t)count);
    in->received += (uint32_t)count;
    send_ack(d, f->seq);
}

void epl_handle_commit(epl_device *d, const epl_frame *f) {
    epl_install *in = &d->install;
    uint8_t digest[32];
    unsigned i, same = 1;
    if (!in->active) {
        epl_reply_error(d, 1, f->seq, "idle", "no install in progress; send LOAD first");
        return;
    }
    if (in->received != in->size) {
        epl_reply_error(d, 1, f->seq, "bad_args", "not every byte arrived; send DATA from the offset the last ACK named");
        return;
    }
    in->active = 0;
    epl_sha256_final(&in->hash, digest);
    for (i = 0; i < 32u; i++) same &= digest[i] == in->expected_sha256[i];
    if (!same) {
        epl_reply_error(d, 1, f->seq, "digest", "the bytes' SHA-256 is not the one LOAD announced; the board keeps its model");
        return;
    }
    if (in->shadow) {
        epl_commit_shadow(d, f->seq, digest);
        return;
    }
    if (!d->cb.install_commit(d->cb.ctx, digest, in->model, in->quant)) {
        epl_reply_error(d, 1, f->seq, "model", "the firmware cannot run this artifact; the board keeps its model");
        return;
    }
    epl_reply_model(d, f->seq);
}
