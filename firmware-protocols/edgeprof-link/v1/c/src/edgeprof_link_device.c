/*
 * EdgeProf Link v1: the device side of a session — answers HELLO, PING, RUN, ABORT and
 * SERVE, keeps the serving state (a halted device refuses RUN), hands LOAD, DATA and COMMIT
 * to the installer (edgeprof_link_install.c) and UNLOAD to the shadow (edgeprof_link_shadow.c),
 * and frames the events a firmware reports during a run (see ../SPEC.md).
 */
#include "edgeprof_link_internal.h"

#define MAX_RUN_ITERATIONS 1000000u
#define MAX_RUN_WARMUP 10000u
#define MAX_RUN_TOKENS 65535u

int epl_reply_emit(epl_device *d, epl_writer *w) {
    size_t len = epl_writer_finish(w);
    if (len == 0) return 0;
    d->tx_seq++;
    return d->cb.write(d->cb.ctx, (const uint8_t *)d->tx, len) == len;
}

void epl_reply_begin(epl_device *d, epl_writer *w, const char *verb) {
    epl_writer_begin(w, d->tx, sizeof d->tx, verb, d->tx_seq);
}

int epl_reply_error(epl_device *d, int has_re, uint16_t re, const char *code, const char *message) {
    epl_writer w;
    epl_reply_begin(d, &w, "ERROR");
    if (has_re) epl_writer_u64(&w, "re", re);
    epl_writer_text(&w, "code", code);
    epl_writer_text(&w, "msg", message);
    return epl_reply_emit(d, &w);
}

void epl_device_init(epl_device *d, const epl_board_info *info, const epl_device_callbacks *callbacks) {
    d->cb = *callbacks;
    d->info = info;
    d->tx_seq = 0;
    d->run_seq = 0;
    d->running = 0;
    d->abort_requested = 0;
    d->records = 0;
    d->halted = 0;
    d->install.active = 0;
    d->shadow.loaded = 0;
    d->stats.lines_ok = 0;
    d->stats.crc_errors = 0;
    d->stats.syntax_errors = 0;
    d->stats.too_long = 0;
    epl_line_buffer_reset(&d->rx);
}

void epl_device_boot(epl_device *d) {
    epl_writer w;
    d->tx_seq = 0;
    epl_reply_begin(d, &w, "READY");
    epl_writer_u64(&w, "proto", EPL_PROTOCOL_VERSION);
    epl_writer_text(&w, "board", d->info->board);
    epl_writer_text(&w, "fw", d->info->fw_version);
    epl_reply_emit(d, &w);
}

/* The firmware's capabilities, then `serve` (this library keeps the serving state itself),
   `install` when the firmware can take an artifact and `shadow` when it can run a second one. */
static void write_caps(epl_writer *w, uint32_t caps, int install, int shadow) {
    static const char *const names[] = {"tokens", "power", "stack", "heap", "arena", "emulated", "records", "frames"};
    static const char serve[] = "serve";
    static const char installs[] = ",install";
    static const char shadows[] = ",shadow";
    char list[80]; /* all of them: 74 characters */
    size_t n = 0, i;
    const char *p;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        p = names[i];
        if ((caps & (1u << i)) == 0u) continue;
        if (n > 0) list[n++] = ',';
        while (*p != '\0') list[n++] = *p++;
    }
    if (n > 0) list[n++] = ',';
    for (p = serve; *p != '\0'; p++) list[n++] = *p;
    if (install) {
        for (p = installs; *p != '\0'; p++) list[n++] = *p;
    }
    if (shadow) {
        for (p = shadows; *p != '\0'; p++) list[n++] = *p;
    }
    list[n] = '\0';
    epl_writer_text(w, "caps", list);
}

static void answer_hello(epl_device *d, uint16_t re) {
    const epl_board_info *info = d->info;
    epl_writer w;
    epl_reply_begin(d, &w, "INFO");
    epl_writer_u64(&w, "re", re);
    epl_writer_u64(&w, "proto", EPL_PROTOCOL_VERSION);
    write_caps(&w, info->caps, epl_install_supported(d), epl_shadow_supported(d));
    epl_writer_text(&w, "board", info->board);
    epl_writer_text(&w, "serial", info->serial);
    epl_writer_text(&w, "fw", info->fw_version);
    epl_writer_text(&w, "build", info->fw_build);
    epl_writer_u64(&w, "clock_hz", info->clock_hz);
    epl_writer_u64(&w, "tick_hz", info->tick_hz);
    epl_writer_u64(&w, "ram", info->ram_bytes);
    epl_writer_u64(&w, "flash", info->flash_bytes);
    if (info->device_class != NULL) epl_writer_text(&w, "class", info->device_class);
    epl_writer_text(&w, "state", d->halted ? "halted" : "serving");
    if (!epl_reply_emit(d, &w)) {
        epl_reply_error(d, 1, re, "overflow", "INFO does not fit in one line; shorten board strings");
        return;
    }
    if (epl_reply_model(d, re) && epl_shadow_supported(d)) epl_reply_shadow(d, re);
}

int epl_reply_model(epl_device *d, uint16_t re) {
    const epl_board_info *info = d->info;
    epl_writer w;
    epl_reply_begin(d, &w, "MODEL");
    epl_writer_u64(&w, "re", re);
    epl_writer_text(&w, "model", info->model);
    epl_writer_hex(&w, "sha256", info->model_sha256, sizeof info->model_sha256);
    epl_writer_text(&w, "quant", info->quant);
    if (epl_reply_emit(d, &w)) return 1;
    epl_reply_error(d, 1, re, "overflow", "MODEL does not fit in one line; shorten model strings");
    return 0;
}

static void answer_ping(epl_device *d, uint16_t re) {
    epl_writer w;
    epl_reply_begin(d, &w, "PONG");
    epl_writer_u64(&w, "re", re);
    epl_writer_u64(&w, "t", d->cb.now_ticks(d->cb.ctx));
    epl_reply_emit(d, &w);
}

/* Reads an optional decimal field; 1 when absent (value untouched) or valid, 0 when malformed. */
static int optional_u64(const epl_frame *f, const char *key, uint64_t max, uint64_t *value) {
    const epl_span *span = epl_frame_find(f, key);
    uint64_t v;
    if (span == NULL) return 1;
    if (!epl_span_u64(*span, &v) || v > max) return 0;
    *value = v;
    return 1;
}

/* SERVE state=serving|halted: a halted device refuses RUN until it serves again. */
static void handle_serve(epl_device *d, const epl_frame *f) {
    const epl_span *state = epl_frame_find(f, "state");
    epl_writer w;
    if (state != NULL && epl_span_equals(*state, "halted")) {
        d->halted = 1;
    } else if (state != NULL && epl_span_equals(*state, "serving")) {
        d->halted = 0;
    } else {
        epl_reply_error(d, 1, f->seq, "bad_args", "state must be serving or halted");
        return;
    }
    epl_reply_begin(d, &w, "STATE");
    epl_writer_u64(&w, "re", f->seq);
    epl_writer_text(&w, "state", d->halted ? "halted" : "serving");
    epl_reply_emit(d, &w);
}

static void handle_run(epl_device *d, const epl_frame *f) {
    epl_run_request req;
    epl_writer w;
    uint64_t iterations = 0, warmup = 0, tokens = 0, records = 0;
    const epl_span *input = epl_frame_find(f, "input");
    int needs_tokens = (d->info->caps & EPL_CAP_TOKENS) != 0u;

    if (d->halted) {
        epl_reply_error(d, 1, f->seq, "halted", "serving is halted; SERVE state=serving resumes it");
        return;
    }
    req.host_seq = f->seq;
    req.input[0] = '\0';
    if (!optional_u64(f, "iters", MAX_RUN_ITERATIONS, &iterations) || iterations == 0u) {
        epl_reply_error(d, 1, f->seq, "bad_args", "iters must be 1..1000000");
        return;
    }
    if (!optional_u64(f, "warmup", MAX_RUN_WARMUP, &warmup)) {
        epl_reply_error(d, 1, f->seq, "bad_args", "warmup must be 0..10000");
        return;
    }
    if (!optional_u64(f, "tokens", MAX_RUN_TOKENS, &tokens) || (needs_tokens && tokens == 0u)) {
        epl_reply_error(d, 1, f->seq, "bad_args", "tokens must be 1..65535 for a token-generating model");
        return;
    }
    if (input != NULL && epl_span_text(*input, req.input, sizeof req.input) < 0) {
        epl_reply_error(d, 1, f->seq, "bad_args", "input must be at most 32 characters");
        return;
    }
    if (!optional_u64(f, "rec", 2u, &records)) {
        epl_reply_error(d, 1, f->seq, "bad_args", "rec must be 0, 1 or 2");
        return;
    }
    req.iterations = (uint32_t)iterations;
    req.warmup = (uint32_t)warmup;
    req.tokens = (uint32_t)tokens;
    /* Records and frames only where the firmware announces them: an old host never asks, a new one
       asks only then; a board with records but not frames answers rec=2 with records. */
    req.records = EPL_REPORT_LINES;
    if (records >= 1u && (d->info->caps & EPL_CAP_RECORDS) != 0u) req.records = EPL_REPORT_RECORDS;
    if (records == 2u && (d->info->caps & (EPL_CAP_RECORDS | EPL_CAP_FRAMES)) == (EPL_CAP_RECORDS | EPL_CAP_FRAMES))
        req.records = EPL_REPORT_FRAMES;

    epl_reply_begin(d, &w, "START");
    epl_writer_u64(&w, "re", f->seq);
    epl_writer_u64(&w, "iters", req.iterations);
    epl_writer_u64(&w, "warmup", req.warmup);
    epl_writer_u64(&w, "tokens", req.tokens);
    epl_writer_text(&w, "input", req.input);
    if (req.records != EPL_REPORT_LINES) epl_writer_u64(&w, "rec", (uint64_t)req.records);
    if (!epl_reply_emit(d, &w)) return;

    d->running = 1;
    d->abort_requested = 0;
    d->run_seq = f->seq;
    d->records = req.records;
    d->cb.run(d->cb.ctx, d, &req);
    d->running = 0;
    d->records = 0;
}

static void handle_frame(epl_device *d, const epl_frame *f) {
    if (epl_span_equals(f->verb, "PING")) {
        answer_ping(d, f->seq);
    } else if (epl_span_equals(f->verb, "ABORT")) {
        if (d->running) {
            d->abort_requested = 1;
        } else {
            epl_reply_error(d, 1, f->seq, "idle", "no run in progress");
        }
    } else if (epl_span_equals(f->verb, "HELLO") || epl_span_equals(f->verb, "RUN") || epl_span_equals(f->verb, "SERVE")) {
        if (d->running) {
            epl_reply_error(d, 1, f->seq, "busy", "a run is in progress; send ABORT first");
        } else if (epl_span_equals(f->verb, "HELLO")) {
            answer_hello(d, f->seq);
        } else if (epl_span_equals(f->verb, "SERVE")) {
            handle_serve(d, f);
        } else {
            handle_run(d, f);
        }
    } else if (epl_install_supported(d) &&
               (epl_span_equals(f->verb, "LOAD") || epl_span_equals(f->verb, "DATA") || epl_span_equals(f->verb, "COMMIT") ||
                (epl_shadow_supported(d) && epl_span_equals(f->verb, "UNLOAD")))) {
        if (d->running) {
            epl_reply_error(d, 1, f->seq, "busy", "a run is in progress; install after it");
        } else if (epl_span_equals(f->verb, "UNLOAD")) {
            epl_handle_unload(d, f);
        } else if (epl_span_equals(f->verb, "LOAD")) {
            epl_handle_load(d, f);
        } else if (epl_span_equals(f->verb, "DATA")) {
            epl_handle_data(d, f);
        } else {
            epl_handle_commit(d, f);
        }
    } else if (epl_shadow_supported(d)) {
        epl_reply_error(d, 1, f->seq, "unknown_verb", "this firmware speaks HELLO, PING, RUN, ABORT, SERVE, LOAD, DATA, COMMIT, UNLOAD");
    } else if (epl_install_supported(d)) {
        epl_reply_error(d, 1, f->seq, "unknown_verb", "this firmware speaks HELLO, PING, RUN, ABORT, SERVE, LOAD, DATA, COMMIT");
    } else {
        epl_reply_error(d, 1, f->seq, "unknown_verb", "this firmware speaks HELLO, PING, RUN, ABORT, SERVE");
    }
}

static void handle_line(epl_device *d) {
    epl_frame frame;
    epl_status status = epl_parse_line(d->rx.buf, d->rx.len, &frame);
    switch (status) {
    case EPL_OK:
        d->stats.lines_ok++;
        handle_frame(d, &frame);
        break;
    case EPL_ERR_CRC:
        d->stats.crc_errors++;
        epl_reply_error(d, 0, 0, "crc", "checksum mismatch; line dropped");
        break;
    case EPL_ERR_TOO_LONG:
        d->stats.too_long++;
        epl_reply_error(d, 0, 0, "too_long", "line longer than 400 bytes; dropped");
        break;
    case EPL_ERR_SYNTAX:
        d->stats.syntax_errors++;
        epl_reply_error(d, 0, 0, "syntax", "malformed line; dropped");
        break;
    case EPL_ERR_EMPTY:
        break;
    }
}

void epl_device_feed(epl_device *d, const uint8_t *data, size_t len) {
    size_t i;
    for (i = 0; i < len; i++) {
        switch (epl_line_buffer_push(&d->rx, data[i])) {
        case EPL_LB_LINE:
            handle_line(d);
            break;
        case EPL_LB_TOO_LONG:
            d->stats.too_long++;
            epl_reply_error(d, 0, 0, "too_long", "line longer than 400 bytes; dropped");
            break;
        case EPL_LB_PENDING:
            break;
        }
    }
}

void epl_device_poll(epl_device *d) {
    uint8_t chunk[64];
    size_t n;
    while ((n = d->cb.read(d->cb.ctx, chunk, sizeof chunk)) > 0) {
        epl_device_feed(d, chunk, n);
    }
}

int epl_device_abort_requested(epl_device *d) {
    epl_device_poll(d);
    return d->abort_requested;
}

int epl_send_iteration(epl_device *d, uint32_t iteration, int warmup, uint64_t ticks) {
    epl_writer w;
    epl_reply_begin(d, &w, "ITER");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_u64(&w, "warm", warmup ? 1u : 0u);
    epl_writer_u64(&w, "t", ticks);
    return epl_reply_emit(d, &w);
}

int epl_send_token(epl_device *d, uint32_t iteration, uint32_t index, uint64_t ticks, int32_t token_id) {
    epl_writer w;
    epl_reply_begin(d, &w, "TOK");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_u64(&w, "i", index);
    epl_writer_u64(&w, "t", ticks);
    if (token_id >= 0) epl_writer_u64(&w, "id", (uint64_t)token_id);
    return epl_reply_emit(d, &w);
}

int epl_send_done(epl_device *d, uint32_t iteration, uint64_t ticks, uint32_t tokens, uint64_t energy_nj) {
    epl_writer w;
    epl_reply_begin(d, &w, "DONE");
    epl_writer_u64(&w, "it", iteration);
    epl_writer_u64(&w, "t", ticks);
    epl_writer_u64(&w, "tokens", tokens);
    if (energy_nj != EPL_NO_ENERGY) epl_writer_u64(&w, "nj", energy_nj);
    return epl_reply_emit(d, &w);
}

int epl_send_result(epl_device *d, const epl_run_result *r) {
    epl_writer w;
    uint32_t caps = d->info->caps;
    epl_reply_begin(d, &w, "RESULT");
    epl_writer_u64(&w, "re", d->run_seq);
    epl_writer_text(&w, "status", r->aborted ? "aborted" : "ok");
    epl_writer_u64(&w, "iters", r->iterations);
    epl_writer_u64(&w, "tokens", r->tokens);
    if (caps & EPL_CAP_STACK) epl_writer_u64(&w, "stack_peak", r->stack_peak);
    if (caps & EPL_CAP_ARENA) epl_writer_u64(&w, "arena_hw", r->arena_hw);
    if (caps & EPL_CAP_HEAP) epl_writer_u64(&w, "heap_hw", r->heap_hw);
    epl_writer_u64(&w, "ram_peak", r->ram_peak);
    if (r->energy_nj != EPL_NO_ENERGY) epl_writer_u64(&w, "nj", r->energy_nj);
    if (d->shadow.loaded) epl_writer_u64(&w, "shadow_iters", r->shadow_iterations);
    return epl_reply_emit(d, &w);
}

int epl_send_error(epl_device *d, const char *code, const char *message) {
    return epl_reply_error(d, d->running, d->run_seq, code, message);
}
