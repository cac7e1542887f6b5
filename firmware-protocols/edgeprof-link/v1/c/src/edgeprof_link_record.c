/*
 * EdgeProf Link compact iteration records (../SPEC.md §7, §8): one finished iteration as records,
 * each line's first token as the LEB128 varint of its tick's delta, every later one as the zigzag
 * varint of how much its delta differs from the one before (decode steps take about as long as
 * each other, so that is mostly one byte). A record travels as a REC line in base64url (v1.1) or
 * as a binary record frame (v1.2). When the host asked for neither: ITER, TOK… and DONE lines
 * (SITER, STOK…, SDONE for a shadow's run).
 */
#include "edgeprof_link_internal.h"

#define FLAG_BEGIN 0x01u
#define FLAG_WARMUP 0x02u
#define FLAG_IDS 0x04u
#define FLAG_END 0x08u
#define FLAG_ENERGY 0x10u
#define FLAG_SHADOW 0x20u
/* Room kept in every blob for the largest tail: the end delta and the energy, 10 bytes each. */
#define TAIL_RESERVE 20u
/* Room kept for the token count, whatever it turns out to be (≤ 65535: 3 bytes). */
#define COUNT_RESERVE 3u
/* A record frame's first byte, and the escape that keeps \n, \r and itself out of the rest. */
#define FRAME_MARKER 0x1Eu
#define FRAME_ESCAPE 0x1Bu

static size_t varint_size(uint64_t value) {
    size_t n = 1;
    while (value >= 0x80u) {
        value >>= 7;
        n++;
    }
    return n;
}

static size_t put_varint(uint8_t *out, uint64_t value) {
    size_t n = 0;
    while (value >= 0x80u) {
        out[n++] = (uint8_t)((value & 0x7Fu) | 0x80u);
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}

/* Base64url (RFC 4648 §5) without padding; `out` holds at least 4 * ceil(len / 3) + 1 chars. */
static void base64url(const uint8_t *in, size_t len, char *out) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i = 0, n = 0;
    uint32_t v;
    for (; i + 3u <= len; i += 3u) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1u] << 8 | in[i + 2u];
        out[n++] = alphabet[v >> 18];
        out[n++] = alphabet[(v >> 12) & 63u];
        out[n++] = alphabet[(v >> 6) & 63u];
        out[n++] = alphabet[v & 63u];
    }
    if (len - i == 1u) {
        v = (uint32_t)in[i] << 16;
        out[n++] = alphabet[v >> 18];
        out[n++] = alphabet[(v >> 12) & 63u];
    } else if (len - i == 2u) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1u] << 8;
        out[n++] = alphabet[v >> 18];
        out[n++] = alphabet[(v >> 12) & 63u];
        out[n++] = alphabet[(v >> 6) & 63u];
    }
    out[n] = '\0';
}

/* 1 when the report can travel as records: ticks never go back and every id is a number. */
static int recordable(const epl_iteration_report *r) {
    uint64_t previous = r->start_ticks;
    uint32_t k;
    for (k = 0; k < r->tokens; k++) {
        if (r->token_ticks[k] < previous) return 0;
        if (r->token_ids != NULL && r->token_ids[k] < 0) return 0;
        previous = r->token_ticks[k];
    }
    return r->end_ticks >= previous;
}

/* Zigzag of a difference taken modulo 2^64: small steps either way become small varints. */
static uint64_t zigzag(uint64_t difference) {
    return (difference << 1) ^ (0u - (difference >> 63));
}

/* What token k of a line travels as: its delta on the line's first token, else the zigzag step. */
static uint64_t token_value(uint64_t delta, uint64_t previous_delta, int first_in_line) {
    return first_in_line ? delta : zigzag(delta - previous_delta);
}

/* One record as a REC line: `REC SEQ it=N d=BASE64URL *CRC`. */
static int emit_line(epl_device *d, uint32_t iteration, const uint8_t *blob, size_t n) {
    char text[EPL_RECORD_MAX_BLOB / 3u * 4u + 1u];
    epl_writer w;
    base64url(blob, n, text);
    epl_reply_begin(d, &w, "REC");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_text(&w, "d", text);
    return epl_reply_emit(d, &w);
}

/* Appends `len` bytes to a frame being built in `out`, escaping \n, \r and the escape itself. */
static size_t put_escaped(uint8_t *out, size_t n, const uint8_t *bytes, size_t len) {
    size_t i;
    for (i = 0; i < len; i++) {
        uint8_t b = bytes[i];
        if (b == 0x0Au || b == 0x0Du || b == FRAME_ESCAPE) {
            out[n++] = FRAME_ESCAPE;
            b ^= 0x40u;
        }
        out[n++] = b;
    }
    return n;
}

/* One record as a record frame: 0x1E, then SEQ (2 bytes), IT (varint), the record and the CRC of
   all of them, escaped, then \n. At most 1 + 2 × (2 + 5 + 180 + 2) + 1 = 380 bytes. */
static int emit_frame(epl_device *d, uint32_t iteration, const uint8_t *blob, size_t n) {
    uint8_t head[7], tail[2];
    uint8_t *out = (uint8_t *)d->tx;
    const uint8_t marker = FRAME_MARKER;
    size_t head_len = 2u, len = 0;
    uint16_t crc;
    head[0] = (uint8_t)(d->tx_seq >> 8);
    head[1] = (uint8_t)d->tx_seq;
    head_len += put_varint(head + 2, iteration);
    crc = epl_crc16(EPL_CRC16_INIT, &marker, 1u);
    crc = epl_crc16(crc, head, head_len);
    crc = epl_crc16(crc, blob, n);
    tail[0] = (uint8_t)(crc >> 8);
    tail[1] = (uint8_t)crc;
    out[len++] = marker;
    len = put_escaped(out, len, head, head_len);
    len = put_escaped(out, len, blob, n);
    len = put_escaped(out, len, tail, sizeof tail);
    out[len++] = 0x0Au;
    d->tx_seq++;
    return d->cb.write(d->cb.ctx, out, len) == len;
}

static int send_records(epl_device *d, const epl_iteration_report *r) {
    uint8_t blob[EPL_RECORD_MAX_BLOB];
    const int frames = d->records == EPL_REPORT_FRAMES;
    const size_t max_blob = frames ? EPL_FRAME_MAX_BLOB : EPL_RECORD_MAX_BLOB;
    uint64_t previous = r->start_ticks;
    uint32_t first = 0, count, k;
    int begin = 1;
    do {
        size_t used = 1u + varint_size(first) + COUNT_RESERVE + (begin ? varint_size(r->start_ticks) : 0u);
        uint64_t last = previous, last_delta = 0;
        uint8_t flags = 0;
        size_t n = 0;
        for (count = 0; first + count < r->tokens; count++) {
            uint64_t delta = r->token_ticks[first + count] - last;
            size_t size = varint_size(token_value(delta, last_delta, count == 0u));
            if (r->token_ids != NULL) size += varint_size((uint64_t)r->token_ids[first + count]);
            if (used + size + TAIL_RESERVE > max_blob) break;
            used += size;
            last = r->token_ticks[first + count];
            last_delta = delta;
        }
        if (begin) flags |= FLAG_BEGIN;
        if (r->warmup && !r->shadow) flags |= FLAG_WARMUP;
        if (r->token_ids != NULL) flags |= FLAG_IDS;
        if (r->shadow) flags |= FLAG_SHADOW;
        if (first + count == r->tokens) {
            flags |= FLAG_END;
            if (r->energy_nj != EPL_NO_ENERGY) flags |= FLAG_ENERGY;
        }
        blob[n++] = flags;
        n += put_varint(blob + n, first);
        n += put_varint(blob + n, count);
        if (begin) n += put_varint(blob + n, r->start_ticks);
        for (k = first; k < first + count; k++) {
            uint64_t delta = r->token_ticks[k] - previous;
            n += put_varint(blob + n, token_value(delta, last_delta, k == first));
            if (r->token_ids != NULL) n += put_varint(blob + n, (uint64_t)r->token_ids[k]);
            previous = r->token_ticks[k];
            last_delta = delta;
        }
        if (flags & FLAG_END) {
            n += put_varint(blob + n, r->end_ticks - previous);
            if (flags & FLAG_ENERGY) n += put_varint(blob + n, r->energy_nj);
        }
        if (!(frames ? emit_frame(d, r->iteration, blob, n) : emit_line(d, r->iteration, blob, n))) return 0;
        first += count;
        begin = 0;
    } while (first < r->tokens);
    return 1;
}

static int send_lines(epl_device *d, const epl_iteration_report *r) {
    uint32_t k;
    int ok;
    const int32_t none = EPL_NO_TOKEN_ID;
    if (r->shadow) {
        ok = epl_send_shadow_iteration(d, r->iteration, r->start_ticks);
        for (k = 0; k < r->tokens; k++)
            ok &= epl_send_shadow_token(d, r->iteration, k, r->token_ticks[k], r->token_ids != NULL ? r->token_ids[k] : none);
        return ok & epl_send_shadow_done(d, r->iteration, r->end_ticks, r->tokens, r->energy_nj);
    }
    ok = epl_send_iteration(d, r->iteration, r->warmup, r->start_ticks);
    for (k = 0; k < r->tokens; k++)
        ok &= epl_send_token(d, r->iteration, k, r->token_ticks[k], r->token_ids != NULL ? r->token_ids[k] : none);
    return ok & epl_send_done(d, r->iteration, r->end_ticks, r->tokens, r->energy_nj);
}

int epl_send_report(epl_device *d, const epl_iteration_report *r) {
    if (d->records != EPL_REPORT_LINES && recordable(r)) return send_records(d, r);
    return send_lines(d, r);
}
