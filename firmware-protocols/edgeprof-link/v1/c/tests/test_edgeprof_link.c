/*
 * Host unit test of the C reference implementation: the conformance vectors in ../../vectors
 * and a scripted device session. Usage: test_edgeprof_link VECTOR_DIR
 * Prints "N passed, M failed" and exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeprof_link.h"

static int passed, failed;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (cond) {                                        \
            passed++;                                      \
        } else {                                           \
            failed++;                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fprintf(stderr, "\n");                         \
        }                                                  \
    } while (0)

/* Decodes the \xNN escapes of the vector files; returns the byte count. */
static size_t unescape(const char *in, char *out) {
    size_t n = 0;
    while (*in != '\0') {
        if (in[0] == '\\' && in[1] == 'x') {
            unsigned v;
            sscanf(in + 2, "%2X", &v);
            out[n++] = (char)v;
            in += 4;
        } else {
            out[n++] = *in++;
        }
    }
    out[n] = '\0';
    return n;
}

/* Splits a row on tabs in place; returns the column count. */
static int split_tabs(char *row, char **cols, int max) {
    int n = 0;
    char *p = row;
    cols[n++] = p;
    while ((p = strchr(p, '\t')) != NULL && n < max) {
        *p++ = '\0';
        cols[n++] = p;
    }
    return n;
}

typedef void (*row_fn)(char **cols, int count);

static void each_row(const char *dir, const char *name, row_fn fn) {
    static char row[65536];
    char path[1024];
    FILE *f;
    int rows = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f == NULL) {
        CHECK(0, "cannot open %s", path);
        return;
    }
    while (fgets(row, sizeof row, f) != NULL) {
        char *cols[64];
        size_t len = strlen(row);
        if (row[0] == '#') continue;
        if (len > 0 && row[len - 1] == '\n') row[len - 1] = '\0';
        fn(cols, split_tabs(row, cols, 64));
        rows++;
    }
    fclose(f);
    CHECK(rows > 0, "%s has no rows", name);
}

static void crc_row(char **cols, int count) {
    static char bytes[4096];
    size_t n = unescape(cols[0], bytes);
    unsigned expected = 0;
    (void)count;
    sscanf(cols[1], "%X", &expected);
    CHECK(epl_crc16(EPL_CRC16_INIT, (const uint8_t *)bytes, n) == expected, "crc of '%s'", cols[0]);
}

static const char *status_name(epl_status s) {
    switch (s) {
    case EPL_OK: return "ok";
    case EPL_ERR_SYNTAX: return "syntax";
    case EPL_ERR_CRC: return "crc";
    case EPL_ERR_TOO_LONG: return "too_long";
    case EPL_ERR_EMPTY: return "empty";
    }
    return "?";
}

static void frame_row(char **cols, int count) {
    static char line[4096];
    epl_frame frame;
    size_t n = unescape(cols[1], line);
    epl_status status = epl_parse_line(line, n, &frame);
    int i;
    CHECK(strcmp(status_name(status), cols[0]) == 0, "'%s': got %s, want %s", cols[1], status_name(status), cols[0]);
    if (status != EPL_OK || strcmp(cols[0], "ok") != 0) return;
    CHECK(epl_span_equals(frame.verb, cols[2]), "verb of '%s'", cols[1]);
    CHECK(frame.seq == (uint16_t)atoi(cols[3]), "seq of '%s'", cols[1]);
    CHECK(frame.field_count == count - 4, "field count of '%s'", cols[1]);
    for (i = 4; i < count && i - 4 < frame.field_count; i++) {
        char *eq = strchr(cols[i], '=');
        *eq = '\0';
        CHECK(epl_span_equals(frame.fields[i - 4].key, cols[i]), "key %d of '%s'", i - 4, cols[1]);
        CHECK(epl_span_equals(frame.fields[i - 4].value, eq + 1), "value %d of '%s'", i - 4, cols[1]);
    }
}

static void encode_row(char **cols, int count) {
    static char expected[4096], buf[EPL_MAX_LINE + 2], value[4096];
    epl_writer w;
    size_t n = unescape(cols[0], expected), len;
    int i;
    epl_writer_begin(&w, buf, sizeof buf, cols[1], (uint16_t)atoi(cols[2]));
    for (i = 3; i < count; i++) {
        char *kind = cols[i], *key = strchr(kind, ':'), *raw;
        *key++ = '\0';
        raw = strchr(key, ':');
        *raw++ = '\0';
        if (strcmp(kind, "u64") == 0) {
            epl_writer_u64(&w, key, strtoull(raw, NULL, 10));
        } else if (strcmp(kind, "text") == 0) {
            unescape(raw, value);
            epl_writer_text(&w, key, value);
        } else {
            uint8_t bytes[64];
            size_t b;
            for (b = 0; raw[2 * b] != '\0'; b++) {
                unsigned v;
                sscanf(raw + 2 * b, "%2x", &v);
                bytes[b] = (uint8_t)v;
            }
            epl_writer_hex(&w, key, bytes, b);
        }
    }
    len = epl_writer_finish(&w);
    CHECK(len == n && memcmp(buf, expected, n) == 0, "encode %s %s: got '%.*s'", cols[1], cols[2], (int)len, buf);
}

static void stream_row(char **cols, int count) {
    static char bytes[8192], events[512];
    epl_line_buffer lb;
    size_t n = unescape(cols[0], bytes), i;
    (void)count;
    events[0] = '\0';
    epl_line_buffer_reset(&lb);
    for (i = 0; i < n; i++) {
        epl_lb_event ev = epl_line_buffer_push(&lb, (uint8_t)bytes[i]);
        const char *name = NULL;
        epl_frame frame;
        char verb[EPL_MAX_VERB + 1];
        if (ev == EPL_LB_TOO_LONG) {
            name = "too_long";
        } else if (ev == EPL_LB_LINE) {
            epl_status s = epl_parse_line(lb.buf, lb.len, &frame);
            if (s == EPL_ERR_EMPTY) continue;
            if (s == EPL_OK) {
                memcpy(verb, frame.verb.ptr, frame.verb.len);
                verb[frame.verb.len] = '\0';
                name = verb;
            } else {
                name = status_name(s);
            }
        }
        if (name != NULL) {
            if (events[0] != '\0') strcat(events, ",");
            strcat(events, name);
        }
    }
    CHECK(strcmp(events, cols[1]) == 0, "stream '%.40s...': got %s, want %s", cols[0], events, cols[1]);
}

/* ---- A scripted device session over memory buffers -------------------- */

typedef struct {
    char out[16384];
    size_t out_len;
    const char *in;
    size_t in_len, in_pos;
    uint64_t ticks;
    int abort_after_tokens;
    const char *deferred; /* input that arrives after abort_after_tokens tokens */
} fake_board;

static size_t fake_write(void *ctx, const uint8_t *data, size_t len) {
    fake_board *b = ctx;
    memcpy(b->out + b->out_len, data, len);
    b->out_len += len;
    b->out[b->out_len] = '\0';
    return len;
}

static size_t fake_read(void *ctx, uint8_t *data, size_t cap) {
    fake_board *b = ctx;
    size_t n = b->in_len - b->in_pos;
    if (n > cap) n = cap;
    memcpy(data, b->in + b->in_pos, n);
    b->in_pos += n;
    return n;
}

static uint64_t fake_now(void *ctx) { return ((fake_board *)ctx)->ticks; }

static void fake_run(void *ctx, epl_device *d, const epl_run_request *req) {
    fake_board *b = ctx;
    epl_run_result r;
    uint32_t it, i, total = req->warmup + req->iterations;
    memset(&r, 0, sizeof r);
    r.energy_nj = EPL_NO_ENERGY;
    for (it = 0; it < total && !r.aborted; it++) {
        epl_send_iteration(d, it, it < req->warmup, b->ticks);
        for (i = 0; i < req->tokens; i++) {
            b->ticks += 100;
            epl_send_token(d, it, i, b->ticks, (int32_t)i);
            if (b->abort_after_tokens > 0 && --b->abort_after_tokens == 0) {
                b->in = b->deferred;
                b->in_len = strlen(b->deferred);
                b->in_pos = 0;
            }
            if (epl_device_abort_requested(d)) {
                r.aborted = 1;
                i++;
                break;
            }
        }
        epl_send_done(d, it, b->ticks, i, EPL_NO_ENERGY);
        if (it >= req->warmup && !r.aborted) {
            r.iterations++;
            r.tokens += i;
        }
    }
    r.stack_peak = 1024;
    r.ram_peak = 4096;
    epl_send_result(d, &r);
}

static const epl_board_info BOARD = {
    "test-board", "SN1", "1.2.3", "abc", "tiny", "int8", NULL,
    {0x9f, 0x86, 0xd0, 0x81}, 64000000u, 1000000u, 262144u, 1048576u, EPL_CAP_TOKENS | EPL_CAP_STACK,
};

static void host_line(char *buf, size_t cap, const char *verb, uint16_t seq, const char *extra_key, uint64_t v) {
    epl_writer w;
    size_t n;
    epl_writer_begin(&w, buf, cap, verb, seq);
    if (extra_key != NULL) epl_writer_u64(&w, extra_key, v);
    n = epl_writer_finish(&w);
    buf[n] = '\0';
}

/* Every capability, the emulated one included, is announced by name and fits the list. */
static void capability_tests(void) {
    static fake_board b;
    epl_device d;
    epl_board_info info = BOARD;
    epl_device_callbacks cb = {&b, fake_write, fake_read, fake_now, fake_run, NULL, NULL, NULL, NULL, NULL};
    char cmd[256];
    memset(&b, 0, sizeof b);
    info.caps = EPL_CAP_TOKENS | EPL_CAP_POWER | EPL_CAP_STACK | EPL_CAP_HEAP | EPL_CAP_ARENA | EPL_CAP_EMULATED;
    epl_device_init(&d, &info, &cb);
    epl_device_boot(&d);
    b.out_len = 0;
    host_line(cmd, sizeof cmd, "HELLO", 0, "proto", 1);
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "INFO 1 re=0 proto=1 caps=tokens,power,stack,heap,arena,emulated,serve board=test-board ") == b.out, "INFO caps: %s", b.out);
}

static void session_tests(void) {
    static fake_board b;
    epl_device d;
    epl_device_callbacks cb = {&b, fake_write, fake_read, fake_now, fake_run, NULL, NULL, NULL, NULL, NULL};
    char cmd[1024], line[512];
    memset(&b, 0, sizeof b);
    epl_device_init(&d, &BOARD, &cb);
    epl_device_boot(&d);
    CHECK(strncmp(b.out, "READY 0 proto=1 board=test-board fw=1.2.3 *", 43) == 0, "boot banner: %s", b.out);

    b.out_len = 0;
    host_line(cmd, sizeof cmd, "HELLO", 0, "proto", 1);
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "INFO 1 re=0 proto=1 caps=tokens,stack,serve board=test-board serial=SN1 fw=1.2.3 build=abc clock_hz=64000000 tick_hz=1000000 ram=262144 flash=1048576 state=serving *") == b.out, "INFO: %s", b.out);
    CHECK(strstr(b.out, "\nMODEL 2 re=0 model=tiny sha256=9f86d081000000") != NULL, "MODEL: %s", b.out);

    b.out_len = 0; b.ticks = 777;
    host_line(cmd, sizeof cmd, "PING", 1, NULL, 0);
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strncmp(b.out, "PONG 3 re=1 t=777 *", 19) == 0, "PONG: %s", b.out);

    b.out_len = 0;
    {
        epl_writer w;
        size_t n;
        epl_writer_begin(&w, cmd, sizeof cmd, "RUN", 2);
        epl_writer_text(&w, "input", "p1");
        epl_writer_u64(&w, "tokens", 2);
        epl_writer_u64(&w, "iters", 2);
        epl_writer_u64(&w, "warmup", 1);
        n = epl_writer_finish(&w);
        cmd[n] = '\0';
    }
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "START 4 re=2 iters=2 warmup=1 tokens=2 input=p1 *") == b.out, "START: %s", b.out);
    CHECK(strstr(b.out, "\nITER 5 it=0 warm=1 t=777 *") != NULL, "ITER warmup: %s", b.out);
    CHECK(strstr(b.out, "\nTOK 6 it=0 i=0 t=877 id=0 *") != NULL, "TOK: %s", b.out);
    CHECK(strstr(b.out, "\nITER 9 it=1 warm=0 t=977 *") != NULL, "ITER: %s", b.out);
    CHECK(strstr(b.out, "\nRESULT 17 re=2 status=ok iters=2 tokens=4 stack_peak=1024 ram_peak=4096 *") != NULL, "RESULT: %s", b.out);

    /* Bad arguments, unknown verbs, corrupted and over-long lines are answered, never acted on. */
    b.out_len = 0;
    host_line(cmd, sizeof cmd, "RUN", 3, "iters", 0);
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "ERROR 18 re=3 code=bad_args msg=iters%20must%20be%201..1000000 *") == b.out, "bad args: %s", b.out);

    b.out_len = 0;
    host_line(cmd, sizeof cmd, "FLASH", 4, NULL, 0);
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "ERROR 19 re=4 code=unknown_verb") == b.out, "unknown verb: %s", b.out);

    b.out_len = 0;
    host_line(cmd, sizeof cmd, "PING", 5, NULL, 0);
    cmd[1] = 'O';
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "ERROR 20 code=crc") == b.out, "crc: %s", b.out);
    CHECK(d.stats.crc_errors == 1, "crc counter");

    b.out_len = 0;
    memset(line, 'x', sizeof line);
    line[sizeof line - 1] = '\n';
    b.in = line; b.in_len = sizeof line; b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "ERROR 21 code=too_long") == b.out, "too long: %s", b.out);

    b.out_len = 0;
    host_line(cmd, sizeof cmd, "ABORT", 6, NULL, 0);
    b.in = cmd; b.in_len = strlen(cmd); b.in_pos = 0;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "ERROR 22 re=6 code=idle") == b.out, "abort when idle: %s", b.out);
}

/* Sends one host line with a text field and polls the device. */
static void send_text(fake_board *b, epl_device *d, char *cmd, size_t cap, const char *verb, uint16_t seq, const char *key, const char *value) {
    epl_writer w;
    size_t n;
    epl_writer_begin(&w, cmd, cap, verb, seq);
    if (key != NULL) epl_writer_text(&w, key, value);
    n = epl_writer_finish(&w);
    cmd[n] = '\0';
    b->out_len = 0;
    b->out[0] = '\0';
    b->in = cmd; b->in_len = n; b->in_pos = 0;
    epl_device_poll(d);
}

/* SERVE halts and resumes serving: a halted device refuses RUN and says so in INFO; a reboot
   (a new epl_device_init) serves again; SERVE is refused mid-run and with a bad state. */
static void serve_tests(void) {
    static fake_board b;
    epl_device d;
    epl_device_callbacks cb = {&b, fake_write, fake_read, fake_now, fake_run, NULL, NULL, NULL, NULL, NULL};
    char cmd[256];
    memset(&b, 0, sizeof b);
    epl_device_init(&d, &BOARD, &cb);
    send_text(&b, &d, cmd, sizeof cmd, "SERVE", 1, "state", "halted");
    CHECK(strstr(b.out, "STATE 0 re=1 state=halted *") == b.out, "SERVE halted: %s", b.out);
    send_text(&b, &d, cmd, sizeof cmd, "HELLO", 2, NULL, NULL);
    CHECK(strstr(b.out, " state=halted *") != NULL, "INFO says halted: %s", b.out);
    send_text(&b, &d, cmd, sizeof cmd, "RUN", 3, "input", "p1");
    CHECK(strstr(b.out, "ERROR 3 re=3 code=halted msg=") == b.out, "a halted device refuses RUN: %s", b.out);
    CHECK(strstr(b.out, "START") == NULL && strstr(b.out, "ITER") == NULL, "and runs nothing: %s", b.out);
    send_text(&b, &d, cmd, sizeof cmd, "SERVE", 4, "state", "paused");
    CHECK(strstr(b.out, "ERROR 4 re=4 code=bad_args") == b.out, "unknown state: %s", b.out);
    send_text(&b, &d, cmd, sizeof cmd, "SERVE", 5, NULL, NULL);
    CHECK(strstr(b.out, "ERROR 5 re=5 code=bad_args") == b.out, "missing state: %s", b.out);
    CHECK(d.halted == 1, "a refused SERVE changes nothing");
    send_text(&b, &d, cmd, sizeof cmd, "SERVE", 6, "state", "serving");
    CHECK(strstr(b.out, "STATE 6 re=6 state=serving *") == b.out, "SERVE serving: %s", b.out);
    {
        epl_writer w;
        size_t n;
        epl_writer_begin(&w, cmd, sizeof cmd, "RUN", 7);
        epl_writer_u64(&w, "tokens", 1);
        epl_writer_u64(&w, "iters", 1);
        n = epl_writer_finish(&w);
        cmd[n] = '\0';
        b.out_len = 0;
        b.in = cmd; b.in_len = n; b.in_pos = 0;
        epl_device_poll(&d);
    }
    CHECK(strstr(b.out, "START 7 re=7 ") == b.out && strstr(b.out, "RESULT") != NULL, "serving again, RUN runs: %s", b.out);
    send_text(&b, &d, cmd, sizeof cmd, "SERVE", 8, "state", "halted");
    epl_device_init(&d, &BOARD, &cb);
    CHECK(d.halted == 0, "the state lives in RAM: a reboot serves again");
}

static void abort_test(void) {
    static fake_board b;
    static char abort_line[64];
    epl_device d;
    epl_device_callbacks cb = {&b, fake_write, fake_read, fake_now, fake_run, NULL, NULL, NULL, NULL, NULL};
    epl_writer w;
    char cmd[256];
    size_t n;
    memset(&b, 0, sizeof b);
    epl_device_init(&d, &BOARD, &cb);
    host_line(abort_line, sizeof abort_line, "ABORT", 9, NULL, 0);
    epl_writer_begin(&w, cmd, sizeof cmd, "RUN", 8);
    epl_writer_u64(&w, "tokens", 10);
    epl_writer_u64(&w, "iters", 5);
    n = epl_writer_finish(&w);
    cmd[n] = '\0';
    b.in = cmd; b.in_len = n; b.in_pos = 0;
    b.deferred = abort_line;
    b.abort_after_tokens = 3;
    epl_device_poll(&d);
    CHECK(strstr(b.out, "TOK 4 it=0 i=2 ") != NULL, "three tokens before the abort: %s", b.out);
    CHECK(strstr(b.out, "DONE 5 it=0 t=300 tokens=3 ") != NULL, "the cut iteration ends after its third token: %s", b.out);
    CHECK(strstr(b.out, "RESULT 6 re=8 status=aborted iters=0 tokens=0 ") != NULL, "aborted result: %s", b.out);
    CHECK(d.running == 0, "the device is idle after an aborted run");
}

static void energy_tests(void) {
    /* INA226, 100 mΩ shunt, 1 mA Current_LSB: CAL = 0.00512 / (0.001 × 0.1) = 51.2 → 51 */
    CHECK(epl_ina226_calibration(1000u, 100u) == 51u, "INA226 calibration");
    /* INA219, 100 mΩ shunt, 100 µA Current_LSB: CAL = 0.04096 / (0.0001 × 0.1) = 4096 */
    CHECK(epl_ina219_calibration(100u, 100u) == 4096u, "INA219 calibration");
    CHECK(epl_ina219_calibration(1u, 0u) == 0u, "no division by zero");
    /* Power register 1234 at a 1 mA Current_LSB: INA226 25 mW/bit, INA219 20 mW/bit */
    CHECK(epl_ina226_power_uw(1234u, 1000u) == 30850000u, "INA226 power");
    CHECK(epl_ina219_power_uw(1234u, 1000u) == 24680000u, "INA219 power");
    /* 1 mW for 0.5 s at a 1 MHz tick: 500 µJ = 500 000 nJ; 21.12 mW for 1.5 s at 25 MHz */
    CHECK(epl_energy_nj(1000u, 500000u, 1000000u) == 500000u, "energy, 1 MHz tick");
    CHECK(epl_energy_nj(21120u, 37500000u, 25000000u) == 31680000u, "energy, 25 MHz tick");
    CHECK(epl_energy_nj(100000u, 3600u * 1000000u, 1000000u) == 360000000000u, "an hour at 100 mW stays in range");
}

/* FIPS 180-2 appendix B examples, the empty message, and a message split at every length. */
static void sha256_tests(void) {
    static const char *const cases[][2] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    epl_sha256 s;
    uint8_t digest[32];
    char hex[65];
    unsigned c, i, cut;
    static uint8_t million[1000];
    for (c = 0; c < 3u; c++) {
        size_t len = strlen(cases[c][0]);
        for (cut = 0; cut <= len; cut++) {
            epl_sha256_init(&s);
            epl_sha256_update(&s, (const uint8_t *)cases[c][0], cut);
            epl_sha256_update(&s, (const uint8_t *)cases[c][0] + cut, len - cut);
            epl_sha256_final(&s, digest);
            for (i = 0; i < 32u; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
            CHECK(strcmp(hex, cases[c][1]) == 0, "sha256 case %u cut %u: %s", c, cut, hex);
        }
    }
    memset(million, 'a', sizeof million);
    epl_sha256_init(&s);
    for (i = 0; i < 1000u; i++) epl_sha256_update(&s, million, sizeof million);
    epl_sha256_final(&s, digest);
    for (i = 0; i < 32u; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0, "a million 'a': %s", hex);
}

/* A firmware with an install slot: LOAD, DATA and COMMIT put a new artifact on it. */
typedef struct {
    fake_board link;
    epl_board_info info;
    uint8_t slot[600];
    uint32_t capacity;
    int refuse_commit;
    char model[33], quant[17];
} installing_board;

static int slot_begin(void *ctx, uint32_t size) { return size <= ((installing_board *)ctx)->capacity; }

static int slot_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len) {
    installing_board *b = ctx;
    memcpy(b->slot + offset, data, len);
    return 1;
}

static int slot_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant) {
    installing_board *b = ctx;
    if (b->refuse_commit) return 0;
    memcpy(b->info.model_sha256, sha256, 32);
    snprintf(b->model, sizeof b->model, "%s", model);
    snprintf(b->quant, sizeof b->quant, "%s", quant);
    b->info.model = b->model;
    b->info.quant = b->quant;
    return 1;
}

static size_t slot_link_write(void *ctx, const uint8_t *data, size_t len) { return fake_write(&((installing_board *)ctx)->link, data, len); }
static size_t slot_link_read(void *ctx, uint8_t *data, size_t cap) { return fake_read(&((installing_board *)ctx)->link, data, cap); }
static uint64_t slot_link_now(void *ctx) { return fake_now(&((installing_board *)ctx)->link); }
static void slot_link_run(void *ctx, epl_device *d, const epl_run_request *req) { fake_run(&((installing_board *)ctx)->link, d, req); }

/* Sends one host line built by the caller (already finished into cmd) and polls the device. */
static void deliver(installing_board *b, epl_device *d, const char *cmd, size_t n) {
    b->link.out_len = 0;
    b->link.out[0] = '\0';
    b->link.in = cmd; b->link.in_len = n; b->link.in_pos = 0;
    epl_device_poll(d);
}

static void send_load(installing_board *b, epl_device *d, uint16_t seq, uint64_t size, const char *sha) {
    char cmd[512];
    epl_writer w;
    epl_writer_begin(&w, cmd, sizeof cmd, "LOAD", seq);
    epl_writer_u64(&w, "size", size);
    epl_writer_text(&w, "sha256", sha);
    epl_writer_text(&w, "model", "kws");
    epl_writer_text(&w, "quant", "int4");
    deliver(b, d, cmd, epl_writer_finish(&w));
}

static void send_data(installing_board *b, epl_device *d, uint16_t seq, uint32_t offset, const uint8_t *bytes, size_t count) {
    char cmd[512];
    epl_writer w;
    epl_writer_begin(&w, cmd, sizeof cmd, "DATA", seq);
    epl_writer_u64(&w, "off", offset);
    epl_writer_hex(&w, "hex", bytes, count);
    deliver(b, d, cmd, epl_writer_finish(&w));
}

static void send_bare(installing_board *b, epl_device *d, const char *verb, uint16_t seq) {
    char cmd[64];
    epl_writer w;
    epl_writer_begin(&w, cmd, sizeof cmd, verb, seq);
    deliver(b, d, cmd, epl_writer_finish(&w));
}

static void install_tests(void) {
    static installing_board b;
    static uint8_t artifact[500];
    epl_device d;
    epl_device_callbacks cb = {&b, slot_link_write, slot_link_read, slot_link_now, slot_link_run, slot_begin, slot_write, slot_commit, NULL, NULL};
    epl_device_callbacks plain = {&b, slot_link_write, slot_link_read, slot_link_now, slot_link_run, NULL, NULL, NULL, NULL, NULL};
    epl_sha256 s;
    uint8_t digest[32];
    char sha[65], wrong[65];
    unsigned i;
    uint32_t off;
    memset(&b, 0, sizeof b);
    b.info = BOARD;
    b.capacity = sizeof b.slot;
    for (i = 0; i < sizeof artifact; i++) artifact[i] = (uint8_t)(i * 7u + 3u);
    epl_sha256_init(&s);
    epl_sha256_update(&s, artifact, sizeof artifact);
    epl_sha256_final(&s, digest);
    for (i = 0; i < 32u; i++) snprintf(sha + 2 * i, 3, "%02x", digest[i]);
    memcpy(wrong, sha, sizeof wrong);
    wrong[0] = wrong[0] == '0' ? '1' : '0';

    epl_device_init(&d, &b.info, &plain);
    send_bare(&b, &d, "HELLO", 1);
    CHECK(strstr(b.link.out, "caps=tokens,stack,serve board=") != NULL, "no install callbacks, no install capability: %s", b.link.out);
    send_load(&b, &d, 2, sizeof artifact, sha);
    CHECK(strstr(b.link.out, "ERROR 2 re=2 code=unknown_verb") == b.link.out, "LOAD without an installer: %s", b.link.out);

    epl_device_init(&d, &b.info, &cb);
    send_bare(&b, &d, "HELLO", 1);
    CHECK(strstr(b.link.out, "caps=tokens,stack,serve,install board=") != NULL, "install capability: %s", b.link.out);
    send_data(&b, &d, 2, 0, artifact, 10);
    CHECK(strstr(b.link.out, "ERROR 2 re=2 code=idle") == b.link.out, "DATA before LOAD: %s", b.link.out);
    send_bare(&b, &d, "COMMIT", 3);
    CHECK(strstr(b.link.out, "ERROR 3 re=3 code=idle") == b.link.out, "COMMIT before LOAD: %s", b.link.out);
    send_load(&b, &d, 4, sizeof b.slot + 1u, sha);
    CHECK(strstr(b.link.out, "ERROR 4 re=4 code=too_big") == b.link.out, "an artifact larger than the slot: %s", b.link.out);
    send_load(&b, &d, 5, 0, sha);
    CHECK(strstr(b.link.out, "ERROR 5 re=5 code=bad_args") == b.link.out, "size 0: %s", b.link.out);
    send_load(&b, &d, 6, sizeof artifact, "abc");
    CHECK(strstr(b.link.out, "ERROR 6 re=6 code=bad_args msg=sha256") == b.link.out, "short sha256: %s", b.link.out);

    /* The bytes arrive in order; a repeated or skipped chunk is answered with the offset expected next. */
    send_load(&b, &d, 7, sizeof artifact, sha);
    CHECK(strstr(b.link.out, "ACK 7 re=7 off=0 *") == b.link.out, "LOAD accepted: %s", b.link.out);
    send_data(&b, &d, 8, 0, artifact, EPL_MAX_CHUNK);
    CHECK(strstr(b.link.out, " re=8 off=160 *") != NULL, "first chunk: %s", b.link.out);
    send_data(&b, &d, 9, 0, artifact, EPL_MAX_CHUNK);
    CHECK(strstr(b.link.out, " re=9 off=160 *") != NULL, "a repeated chunk is not stored twice: %s", b.link.out);
    send_data(&b, &d, 10, 320, artifact + 320, 10);
    CHECK(strstr(b.link.out, " re=10 off=160 *") != NULL, "a skipped chunk: %s", b.link.out);
    send_bare(&b, &d, "COMMIT", 11);
    CHECK(strstr(b.link.out, "code=bad_args") != NULL, "COMMIT with bytes missing: %s", b.link.out);
    send_load(&b, &d, 12, sizeof artifact, sha);
    for (off = 0; off < sizeof artifact; off += EPL_MAX_CHUNK) {
        size_t n = sizeof artifact - off < EPL_MAX_CHUNK ? sizeof artifact - off : EPL_MAX_CHUNK;
        send_data(&b, &d, (uint16_t)(13u + off / EPL_MAX_CHUNK), off, artifact + off, n);
    }
    CHECK(strstr(b.link.out, " off=500 *") != NULL, "every byte: %s", b.link.out);
    send_data(&b, &d, 20, 500, artifact, 1);
    CHECK(strstr(b.link.out, "code=bad_args") != NULL, "no byte past the announced size: %s", b.link.out);
    send_bare(&b, &d, "COMMIT", 21);
    CHECK(strstr(b.link.out, "MODEL ") == b.link.out && strstr(b.link.out, " re=21 model=kws sha256=") != NULL &&
              strstr(b.link.out, sha) != NULL && strstr(b.link.out, " quant=int4 *") != NULL,
          "COMMIT answers with the new MODEL: %s", b.link.out);
    CHECK(memcmp(b.slot, artifact, sizeof artifact) == 0, "the firmware holds the bytes");
    send_bare(&b, &d, "HELLO", 22);
    CHECK(strstr(b.link.out, "\nMODEL ") != NULL && strstr(b.link.out, sha) != NULL, "the handshake announces the new artifact: %s", b.link.out);
    send_bare(&b, &d, "COMMIT", 23);
    CHECK(strstr(b.link.out, "code=idle") != NULL, "a COMMIT installs once: %s", b.link.out);

    /* Bytes whose SHA-256 is not the announced one are never installed. */
    b.info = BOARD;
    epl_device_init(&d, &b.info, &cb);
    send_load(&b, &d, 1, sizeof artifact, wrong);
    for (off = 0; off < sizeof artifact; off += EPL_MAX_CHUNK) {
        size_t n = sizeof artifact - off < EPL_MAX_CHUNK ? sizeof artifact - off : EPL_MAX_CHUNK;
        send_data(&b, &d, (uint16_t)(2u + off / EPL_MAX_CHUNK), off, artifact + off, n);
    }
    send_bare(&b, &d, "COMMIT", 9);
    CHECK(strstr(b.link.out, "code=digest") != NULL, "digest mismatch: %s", b.link.out);
    CHECK(b.info.model_sha256[0] == 0x9f && strcmp(b.info.model, "tiny") == 0, "the board keeps its model");

    /* A firmware that cannot run the artifact keeps its model. */
    b.refuse_commit = 1;
    send_load(&b, &d, 10, 10, "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882");
    send_data(&b, &d, 11, 0, (const uint8_t *)"0123456789", 10);
    send_bare(&b, &d, "COMMIT", 12);
    CHECK(strstr(b.link.out, "code=model") != NULL, "refused by the firmware: %s", b.link.out);
    CHECK(strcmp(b.info.model, "tiny") == 0, "still the old model");
}

/* A firmware with a shadow slot: it runs the shadow after every iteration, on the same input. */
static installing_board shadow_board;
static uint8_t shadow_bytes[600];
static int shadow_loaded, shadow_refuse, shadow_unloads;

static int shadow_commit(void *ctx, const uint8_t sha256[32], const char *model, const char *quant) {
    installing_board *b = ctx;
    (void)sha256, (void)model, (void)quant;
    if (shadow_refuse) return 0;
    memcpy(shadow_bytes, b->slot, sizeof shadow_bytes);
    shadow_loaded = 1;
    return 1;
}

static void shadow_unload(void *ctx) {
    (void)ctx;
    shadow_loaded = 0;
    shadow_unloads++;
}

static void shadow_run(void *ctx, epl_device *d, const epl_run_request *req) {
    installing_board *b = ctx;
    epl_run_result r;
    uint32_t it, i, total = req->warmup + req->iterations;
    memset(&r, 0, sizeof r);
    r.energy_nj = EPL_NO_ENERGY;
    for (it = 0; it < total; it++) {
        epl_send_iteration(d, it, it < req->warmup, b->link.ticks);
        for (i = 0; i < req->tokens; i++) epl_send_token(d, it, i, b->link.ticks += 100, (int32_t)i);
        epl_send_done(d, it, b->link.ticks, req->tokens, EPL_NO_ENERGY);
        if (it >= req->warmup) {
            r.iterations++;
            r.tokens += req->tokens;
        }
        if (!epl_device_has_shadow(d)) continue;
        epl_send_shadow_iteration(d, it, b->link.ticks += 10);
        for (i = 0; i < req->tokens; i++) epl_send_shadow_token(d, it, i, b->link.ticks += 150, (int32_t)(i + 1u));
        epl_send_shadow_done(d, it, b->link.ticks, req->tokens, EPL_NO_ENERGY);
        r.shadow_iterations++;
    }
    r.ram_peak = 4096;
    epl_send_result(d, &r);
}

static void send_shadow_load(installing_board *b, epl_device *d, uint16_t seq, uint64_t size, const char *sha, const char *slot) {
    char cmd[512];
    epl_writer w;
    epl_writer_begin(&w, cmd, sizeof cmd, "LOAD", seq);
    epl_writer_u64(&w, "size", size);
    epl_writer_text(&w, "sha256", sha);
    epl_writer_text(&w, "model", "kws-next");
    epl_writer_text(&w, "quant", "int4");
    epl_writer_text(&w, "slot", slot);
    deliver(b, d, cmd, epl_writer_finish(&w));
}

static void send_all_data(installing_board *b, epl_device *d, uint16_t first_seq, const uint8_t *bytes, uint32_t size) {
    uint32_t off;
    for (off = 0; off < size; off += EPL_MAX_CHUNK) {
        size_t n = size - off < EPL_MAX_CHUNK ? size - off : EPL_MAX_CHUNK;
        send_data(b, d, (uint16_t)(first_seq + off / EPL_MAX_CHUNK), off, bytes + off, n);
    }
}

static void shadow_tests(void) {
    installing_board *b = &shadow_board;
    static uint8_t artifact[300];
    epl_device d;
    epl_device_callbacks cb = {b, slot_link_write, slot_link_read, slot_link_now, shadow_run, slot_begin, slot_write, slot_commit, shadow_commit, shadow_unload};
    epl_device_callbacks no_shadow = {b, slot_link_write, slot_link_read, slot_link_now, shadow_run, slot_begin, slot_write, slot_commit, NULL, NULL};
    char cmd[512], expected[200];
    epl_writer w;
    epl_sha256 s;
    uint8_t digest[32];
    char sha[65], wrong[65];
    unsigned i;
    memset(b, 0, sizeof *b);
    b->info = BOARD;
    b->capacity = sizeof b->slot;
    for (i = 0; i < sizeof artifact; i++) artifact[i] = (uint8_t)(i * 13u + 1u);
    epl_sha256_init(&s);
    epl_sha256_update(&s, artifact, sizeof artifact);
    epl_sha256_final(&s, digest);
    for (i = 0; i < 32u; i++) snprintf(sha + 2 * i, 3, "%02x", digest[i]);
    memcpy(wrong, sha, sizeof wrong);
    wrong[1] = wrong[1] == '0' ? '1' : '0';

    /* Without the shadow callbacks: no capability, LOAD slot=shadow refused, UNLOAD unknown. */
    epl_device_init(&d, &b->info, &no_shadow);
    send_bare(b, &d, "HELLO", 1);
    CHECK(strstr(b->link.out, "caps=tokens,stack,serve,install board=") != NULL && strstr(b->link.out, "SHADOW") == NULL,
          "no shadow callbacks, no shadow capability and no SHADOW line: %s", b->link.out);
    send_shadow_load(b, &d, 2, sizeof artifact, sha, "shadow");
    CHECK(strstr(b->link.out, "ERROR 2 re=2 code=bad_args msg=this%20firmware%20has%20no%20shadow") == b->link.out, "LOAD slot=shadow without a shadow slot: %s", b->link.out);
    send_bare(b, &d, "UNLOAD", 3);
    CHECK(strstr(b->link.out, "code=unknown_verb") != NULL, "UNLOAD without a shadow slot: %s", b->link.out);

    epl_device_init(&d, &b->info, &cb);
    send_bare(b, &d, "HELLO", 1);
    CHECK(strstr(b->link.out, "caps=tokens,stack,serve,install,shadow board=") != NULL, "shadow capability: %s", b->link.out);
    CHECK(strstr(b->link.out, "\nSHADOW 2 re=1 sha256=none *") != NULL, "the handshake says no shadow is loaded: %s", b->link.out);
    send_shadow_load(b, &d, 2, sizeof artifact, sha, "spare");
    CHECK(strstr(b->link.out, "code=bad_args msg=slot%20must") != NULL, "an unknown slot: %s", b->link.out);
    send_bare(b, &d, "UNLOAD", 3);
    CHECK(strstr(b->link.out, "code=bad_args msg=only%20the%20shadow") != NULL, "UNLOAD without slot=shadow: %s", b->link.out);

    /* A shadow whose bytes do not match is never loaded. */
    send_shadow_load(b, &d, 4, sizeof artifact, wrong, "shadow");
    send_all_data(b, &d, 5, artifact, sizeof artifact);
    send_bare(b, &d, "COMMIT", 8);
    CHECK(strstr(b->link.out, "code=digest") != NULL && !shadow_loaded, "shadow digest mismatch: %s", b->link.out);

    /* A shadow the firmware cannot run is refused. */
    shadow_refuse = 1;
    send_shadow_load(b, &d, 9, sizeof artifact, sha, "shadow");
    send_all_data(b, &d, 10, artifact, sizeof artifact);
    send_bare(b, &d, "COMMIT", 12);
    CHECK(strstr(b->link.out, "code=model") != NULL && !epl_device_has_shadow(&d), "shadow refused by the firmware: %s", b->link.out);
    shadow_refuse = 0;

    /* Loaded: COMMIT answers SHADOW, the serving model is untouched, the handshake says both. */
    send_shadow_load(b, &d, 13, sizeof artifact, sha, "shadow");
    CHECK(strstr(b->link.out, " re=13 off=0 *") != NULL, "LOAD slot=shadow accepted: %s", b->link.out);
    send_all_data(b, &d, 14, artifact, sizeof artifact);
    send_bare(b, &d, "COMMIT", 16);
    snprintf(expected, sizeof expected, " re=16 model=kws-next sha256=%s quant=int4 *", sha);
    CHECK(strncmp(b->link.out, "SHADOW ", 7) == 0 && strstr(b->link.out, expected) != NULL, "COMMIT answers SHADOW: %s", b->link.out);
    CHECK(shadow_loaded && memcmp(shadow_bytes, artifact, sizeof artifact) == 0, "the firmware holds the shadow's bytes");
    CHECK(strcmp(b->info.model, "tiny") == 0 && b->info.model_sha256[0] == 0x9f, "the serving model is untouched");
    send_bare(b, &d, "HELLO", 17);
    CHECK(strstr(b->link.out, "\nMODEL ") != NULL && strstr(b->link.out, " model=tiny ") != NULL && strstr(b->link.out, "\nSHADOW ") != NULL &&
              strstr(b->link.out, sha) != NULL,
          "the handshake announces serving model and shadow: %s", b->link.out);

    /* A run reports the shadow after each iteration, and RESULT counts the shadow iterations. */
    epl_writer_begin(&w, cmd, sizeof cmd, "RUN", 18);
    epl_writer_u64(&w, "tokens", 2);
    epl_writer_u64(&w, "iters", 2);
    epl_writer_u64(&w, "warmup", 1);
    deliver(b, &d, cmd, epl_writer_finish(&w));
    CHECK(strstr(b->link.out, "\nDONE ") != NULL && strstr(b->link.out, " it=0 t=200 tokens=2 *") != NULL &&
              strstr(b->link.out, "\nSITER ") != NULL && strstr(b->link.out, " it=0 t=210 *") != NULL &&
              strstr(b->link.out, "\nSTOK ") != NULL && strstr(b->link.out, " it=0 i=1 t=510 id=2 *") != NULL &&
              strstr(b->link.out, "\nSDONE ") != NULL && strstr(b->link.out, " it=2 t=") != NULL,
          "shadow events follow each DONE: %s", b->link.out);
    CHECK(strstr(b->link.out, "\nRESULT ") != NULL && strstr(b->link.out, " shadow_iters=3 *") != NULL, "RESULT counts shadow iterations: %s", b->link.out);

    /* UNLOAD drops it: SHADOW sha256=none, the firmware is told, RESULT no longer mentions it. */
    epl_writer_begin(&w, cmd, sizeof cmd, "UNLOAD", 20);
    epl_writer_text(&w, "slot", "shadow");
    deliver(b, &d, cmd, epl_writer_finish(&w));
    CHECK(strstr(b->link.out, "SHADOW ") == b->link.out && strstr(b->link.out, " re=20 sha256=none *") != NULL, "UNLOAD answers SHADOW sha256=none: %s", b->link.out);
    CHECK(!shadow_loaded && shadow_unloads == 1 && !epl_device_has_shadow(&d), "the firmware dropped its shadow");
    epl_writer_begin(&w, cmd, sizeof cmd, "RUN", 21);
    epl_writer_u64(&w, "tokens", 1);
    epl_writer_u64(&w, "iters", 1);
    deliver(b, &d, cmd, epl_writer_finish(&w));
    CHECK(strstr(b->link.out, "SITER") == NULL && strstr(b->link.out, "shadow_iters") == NULL && strstr(b->link.out, "\nRESULT ") != NULL,
          "no shadow, no shadow events: %s", b->link.out);
    epl_writer_begin(&w, cmd, sizeof cmd, "UNLOAD", 22);
    epl_writer_text(&w, "slot", "shadow");
    deliver(b, &d, cmd, epl_writer_finish(&w));
    CHECK(strstr(b->link.out, " re=22 sha256=none *") != NULL && shadow_unloads == 1, "UNLOAD with nothing loaded: %s", b->link.out);

    /* A reboot forgets the shadow, as it forgets a halt. */
    send_shadow_load(b, &d, 23, sizeof artifact, sha, "shadow");
    send_all_data(b, &d, 24, artifact, sizeof artifact);
    send_bare(b, &d, "COMMIT", 26);
    CHECK(epl_device_has_shadow(&d), "loaded again");
    epl_device_init(&d, &b->info, &cb);
    send_bare(b, &d, "HELLO", 1);
    CHECK(strstr(b->link.out, " re=1 sha256=none *") != NULL, "after a reboot no shadow is loaded: %s", b->link.out);
}

/* Parses a comma list of decimals ("-" is empty) into out; returns the count. */
static uint32_t parse_list(const char *text, uint64_t *out, uint32_t cap) {
    uint32_t n = 0;
    char *end;
    if (strcmp(text, "-") == 0) return 0;
    while (*text != '\0' && n < cap) {
        out[n++] = strtoull(text, &end, 10);
        text = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* records.tsv and record-frames.tsv: one iteration reported with records (or frames) on gives
   exactly the oracle's REC lines (or record frames), byte for byte. */
static void report_row(char **cols, int count, int mode) {
    static fake_board b;
    static uint64_t ticks[2048], ids64[2048];
    static int32_t ids[2048];
    static char expected[16384];
    epl_device d;
    epl_device_callbacks cb = {&b, fake_write, fake_read, fake_now, fake_run, NULL, NULL, NULL, NULL, NULL};
    epl_iteration_report r;
    uint32_t k, id_count;
    if (count < 10) {
        CHECK(0, "records row has %d columns", count);
        return;
    }
    memset(&b, 0, sizeof b);
    memset(&r, 0, sizeof r);
    size_t expected_len;
    epl_device_init(&d, &BOARD, &cb);
    d.tx_seq = (uint16_t)strtoul(cols[0], NULL, 10);
    d.records = mode;
    r.iteration = (uint32_t)strtoul(cols[1], NULL, 10);
    r.warmup = atoi(cols[2]);
    r.shadow = atoi(cols[3]);
    r.start_ticks = strtoull(cols[4], NULL, 10);
    r.tokens = parse_list(cols[5], ticks, 2048);
    r.token_ticks = ticks;
    id_count = parse_list(cols[6], ids64, 2048);
    for (k = 0; k < id_count; k++) ids[k] = (int32_t)ids64[k];
    r.token_ids = id_count == r.tokens && strcmp(cols[6], "-") != 0 ? ids : NULL;
    r.end_ticks = strtoull(cols[7], NULL, 10);
    r.energy_nj = strcmp(cols[8], "-") == 0 ? EPL_NO_ENERGY : strtoull(cols[8], NULL, 10);
    expected_len = unescape(cols[9], expected);
    CHECK(epl_send_report(&d, &r) == 1, "record of iteration %s sent", cols[1]);
    CHECK(b.out_len == expected_len && memcmp(b.out, expected, expected_len) == 0,
          "records of iteration %s: got %zu bytes, want %zu", cols[1], b.out_len, expected_len);
}

static void record_row(char **cols, int count) {
    report_row(cols, count, EPL_REPORT_RECORDS);
}

static void record_frame_row(char **cols, int count) {
    report_row(cols, count, EPL_REPORT_FRAMES);
}

/* Sends RUN tokens=1 iters=1 rec=`rec` and polls the device. */
static void send_run_asking_records(fake_board *b, epl_device *d, char *cmd, size_t cap, uint16_t seq, uint64_t rec) {
    epl_writer w;
    size_t n;
    epl_writer_begin(&w, cmd, cap, "RUN", seq);
    epl_writer_u64(&w, "tokens", 1);
    epl_writer_u64(&w, "iters", 1);
    epl_writer_u64(&w, "rec", rec);
    n = epl_writer_finish(&w);
    b->out_len = 0;
    b->in = cmd; b->in_len = n; b->in_pos = 0;
    epl_device_poll(d);
}

/* RUN rec=1 turns records on only where the board announces them; START says so. Without rec=1,
   or on a board without EPL_CAP_RECORDS, the same report goes out as ITER/TOK/DONE; ticks that go
   back fall back to those lines even with records on. */
static void record_negotiation_tests(void) {
    static fake_board b;
    static const uint64_t ticks[2] = {150, 180};
    static const uint64_t backwards[2] = {150, 140};
    static const int32_t ids[2] = {5, 6};
    epl_board_info info = BOARD;
    epl_device d;
    epl_device_callbacks cb = {&b, fake_write, fake_read, fake_now, fake_run, NULL, NULL, NULL, NULL, NULL};
    epl_iteration_report r = {2, 0, 0, 100, ticks, ids, 2, 200, EPL_NO_ENERGY};
    char cmd[256];

    memset(&b, 0, sizeof b);
    info.caps |= EPL_CAP_RECORDS;
    epl_device_init(&d, &info, &cb);
    send_text(&b, &d, cmd, sizeof cmd, "HELLO", 1, "proto", "1");
    CHECK(strstr(b.out, ",records") != NULL || strstr(b.out, "caps=records") != NULL, "INFO announces records: %s", b.out);
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 2, 1);
    CHECK(strstr(b.out, "START ") == b.out && strstr(b.out, " rec=1 *") != NULL, "START confirms records: %s", b.out);
    CHECK(d.records == 0, "records end with the run");
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 3, 2);
    CHECK(strstr(b.out, "START ") == b.out && strstr(b.out, " rec=1 *") != NULL,
          "a board with records but not frames answers rec=2 with records: %s", b.out);
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 3, 3);
    CHECK(strstr(b.out, "code=bad_args") != NULL, "rec=3 is refused: %s", b.out);

    d.records = 1;
    b.out_len = 0;
    epl_send_report(&d, &r);
    CHECK(strncmp(b.out, "REC ", 4) == 0 && strchr(b.out, '\n') == b.out + b.out_len - 1, "one REC line: %s", b.out);
    r.token_ticks = backwards;
    b.out_len = 0;
    epl_send_report(&d, &r);
    CHECK(strncmp(b.out, "ITER ", 5) == 0 && strstr(b.out, " it=2 i=1 t=140 id=6 *") != NULL, "ticks going back travel as lines: %s", b.out);
    r.token_ticks = ticks;
    r.shadow = 1;
    d.records = 0;
    b.out_len = 0;
    epl_send_report(&d, &r);
    CHECK(strncmp(b.out, "SITER ", 6) == 0 && strstr(b.out, "\nSTOK ") != NULL && strstr(b.out, "\nSDONE ") != NULL,
          "a shadow report without records is SITER/STOK/SDONE: %s", b.out);

    epl_device_init(&d, &BOARD, &cb);
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 4, 1);
    CHECK(strstr(b.out, "START ") == b.out && strstr(b.out, "rec=") == NULL && strstr(b.out, "\nTOK ") != NULL,
          "a board without the capability ignores rec=1: %s", b.out);
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 5, 2);
    CHECK(strstr(b.out, "START ") == b.out && strstr(b.out, "rec=") == NULL && strstr(b.out, "\nTOK ") != NULL,
          "and rec=2: %s", b.out);

    info = BOARD;
    info.caps |= EPL_CAP_RECORDS | EPL_CAP_FRAMES;
    epl_device_init(&d, &info, &cb);
    send_text(&b, &d, cmd, sizeof cmd, "HELLO", 6, "proto", "1");
    CHECK(strstr(b.out, ",records,frames,") != NULL, "INFO announces records and frames: %s", b.out);
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 7, 2);
    CHECK(strstr(b.out, "START ") == b.out && strstr(b.out, " rec=2 *") != NULL, "START confirms frames: %s", b.out);
    CHECK(d.records == EPL_REPORT_LINES, "frames end with the run");
    send_run_asking_records(&b, &d, cmd, sizeof cmd, 8, 1);
    CHECK(strstr(b.out, "START ") == b.out && strstr(b.out, " rec=1 *") != NULL, "rec=1 still gives REC lines: %s", b.out);
    d.records = EPL_REPORT_FRAMES;
    b.out_len = 0;
    epl_send_report(&d, &r);
    CHECK(b.out_len > 8 && (uint8_t)b.out[0] == 0x1Eu && b.out[b.out_len - 1] == '\n' &&
          memchr(b.out, '\n', b.out_len) == b.out + b.out_len - 1, "one record frame (%zu bytes)", b.out_len);
    r.token_ticks = backwards;
    b.out_len = 0;
    epl_send_report(&d, &r);
    CHECK(strncmp(b.out, "SITER ", 6) == 0, "ticks going back travel as lines with frames on too: %s", b.out);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "../vectors";
    each_row(dir, "crc16.tsv", crc_row);
    each_row(dir, "frames.tsv", frame_row);
    each_row(dir, "encode.tsv", encode_row);
    each_row(dir, "stream.tsv", stream_row);
    each_row(dir, "records.tsv", record_row);
    each_row(dir, "record-frames.tsv", record_frame_row);
    record_negotiation_tests();
    session_tests();
    capability_tests();
    serve_tests();
    abort_test();
    energy_tests();
    sha256_tests();
    install_tests();
    shadow_tests();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
