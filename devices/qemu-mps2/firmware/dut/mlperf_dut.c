/*
 * The MLPerf Tiny (EEMBC EnergyRunner) device-under-test protocol, performance mode, on QEMU's
 * MPS2 boards — EdgeProf's own implementation of firmware-protocols/mlperf-tiny-dut/SPEC.md,
 * so that the host driver is tested against real firmware. The model under test is tiny-lm:
 * an inference feeds the uploaded input bytes as tokens and reports the next-token scores of
 * the first four vocabulary entries.
 */
#include <string.h>

#include "../src/board.h"
#include "../src/model.h"

extern const uint8_t tiny_lm_weights[], tiny_lm_weights_end[];

#define COMMAND_MAX 80u
#define INPUT_MAX 64u

static tlm_weights weights;
static uint8_t input[INPUT_MAX];
static uint32_t input_expected, input_loaded;
static uint32_t last_scores[4]; /* thousandths */

static void put(const char *text) {
    uart_write((const uint8_t *)text, strlen(text));
}

static void put_u64(uint64_t value) {
    char digits[21];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    while (n > 0) uart_write((const uint8_t *)&digits[--n], 1);
}

static void line(const char *text) {
    put(text);
    put("\r\n");
}

static uint64_t micros(void) {
    return clock_ticks() / (BOARD_CLOCK_HZ / 1000000u);
}

static void lap_at(uint64_t microseconds) {
    put("m-lap-us-");
    put_u64(microseconds);
    put("\r\n");
}

static void lap(void) {
    lap_at(micros());
}

static int parse_u32(const char *text, uint32_t *out) {
    uint64_t value = 0;
    if (*text == '\0') return 0;
    for (; *text; text++) {
        if (*text < '0' || *text > '9') return 0;
        value = value * 10u + (uint64_t)(*text - '0');
        if (value > 0xFFFFFFFFu) return 0;
    }
    *out = (uint32_t)value;
    return 1;
}

static int hex_value(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One inference: the input bytes as tokens; the result is tiny-lm's next-token distribution
 * over tokens 0..3 after the last one (softmax of their logits). */
static void infer_once(void) {
    static tlm_state state;
    int32_t logits[4];
    tlm_reset(&state);
    uint32_t count = input_loaded > 0 ? input_loaded : 1u;
    for (uint32_t i = 0; i < count; i++) (void)tlm_step_logits(&weights, &state, input[i], logits, 4);
    tlm_softmax_permille(logits, 4, last_scores);
}

static void put_scores(void) {
    put("m-results-[");
    for (int k = 0; k < 4; k++) {
        if (k) put(",");
        const uint32_t value = last_scores[k] > 999u ? 999u : last_scores[k];
        char digits[5] = {'0', '.', (char)('0' + value / 100u), (char)('0' + value / 10u % 10u), (char)('0' + value % 10u)};
        uart_write((const uint8_t *)(last_scores[k] >= 1000u ? "1.000" : digits), 5);
    }
    put("]\r\n");
}

static void command(char *text) {
    char *words[4] = {0};
    int count = 0;
    for (char *p = text; *p && count < 4;) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        words[count++] = p;
        while (*p && *p != ' ') p++;
    }
    if (count == 0) {
        line("e-[empty command]");
    } else if (strcmp(words[0], "name") == 0) {
        line("m-name-dut-[" BOARD_NAME " edgeprof]");
    } else if (strcmp(words[0], "profile") == 0) {
        line("m-profile-[EdgeProf tiny-lm DUT 1.0.0]");
        line("m-model-[tlm01]");
    } else if (strcmp(words[0], "timestamp") == 0) {
        lap();
    } else if (strcmp(words[0], "db") == 0 && count == 3 && strcmp(words[1], "load") == 0) {
        uint32_t bytes;
        if (!parse_u32(words[2], &bytes) || bytes == 0u || bytes > INPUT_MAX) {
            line("e-[db load needs 1 to 64 bytes]");
        } else {
            input_expected = bytes;
            input_loaded = 0;
            put("m-[Expecting ");
            put_u64(bytes);
            put(" bytes]\r\n");
        }
    } else if (strcmp(words[0], "db") == 0 && count == 2) {
        const char *hex = words[1];
        size_t length = strlen(hex);
        if (input_expected == 0u) {
            line("e-[db load first]");
        } else if (length % 2u != 0u) {
            line("e-[odd number of hex digits]");
        } else {
            for (size_t i = 0; i < length; i += 2) {
                int high = hex_value(hex[i]), low = hex_value(hex[i + 1]);
                if (high < 0 || low < 0) {
                    line("e-[not hex]");
                    return;
                }
                if (input_loaded < input_expected) input[input_loaded++] = (uint8_t)(high << 4 | low);
            }
            if (input_loaded == input_expected) line("m-load-done");
        }
    } else if (strcmp(words[0], "infer") == 0 && count >= 2) {
        uint32_t iterations, warmup = 0;
        if (!parse_u32(words[1], &iterations) || iterations == 0u || (count == 3 && !parse_u32(words[2], &warmup))) {
            line("e-[infer needs N [W]]");
            return;
        }
        put("m-warmup-start-");
        put_u64(warmup);
        put("\r\n");
        for (uint32_t i = 0; i < warmup; i++) infer_once();
        line("m-warmup-done");
        put("m-infer-start-");
        put_u64(iterations);
        put("\r\n");
        /* Both stamps are taken around the inferences and printed after, so that the UART
         * never enters the timed interval (and the figures repeat under -icount). */
        clock_align();
        const uint64_t started = clock_ticks();
        for (uint32_t i = 0; i < iterations; i++) infer_once();
        const uint64_t elapsed = clock_ticks() - started;
        /* The end stamp is the start plus the elapsed whole microseconds: within a microsecond of
         * the free-running clock, and the difference does not depend on where in a microsecond
         * the window began. */
        const uint64_t start = started / (BOARD_CLOCK_HZ / 1000000u);
        lap_at(start);
        lap_at(start + elapsed / (BOARD_CLOCK_HZ / 1000000u));
        line("m-infer-done");
        put_scores();
    } else {
        put("e-[Unknown command: ");
        put(words[0]);
        put("]\r\n");
    }
}

int main(void) {
    clock_init();
    uart_init();
    tlm_init();
    if (!tlm_bind(&weights, tiny_lm_weights, (size_t)(tiny_lm_weights_end - tiny_lm_weights))) {
        line("e-[tiny-lm weights do not match this firmware]");
        for (;;) {
        }
    }
    line("m-timestamp-mode-performance");
    lap();
    line("m-init-done");
    line("m-ready");
    static char buffer[COMMAND_MAX + 1];
    uint32_t length = 0;
    int overflow = 0;
    for (;;) {
        uint8_t byte;
        (void)clock_ticks();
        if (uart_read(&byte, 1) == 0) continue;
        if (byte == '%') {
            buffer[length] = '\0';
            if (overflow) {
                line("e-[command longer than 80 characters]");
            } else {
                command(buffer);
            }
            line("m-ready");
            length = 0;
            overflow = 0;
        } else if (byte == '\r' || byte == '\n') {
            continue;
        } else if (length < COMMAND_MAX) {
            buffer[length++] = (char)byte;
        } else {
            overflow = 1;
        }
    }
}
