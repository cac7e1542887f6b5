/*
 * EdgeProf Link v1 firmware for QEMU's MPS2 boards: announces the board and the tiny-lm model
 * it carries, answers RUN by generating tokens with it, timed by SysTick, installs another
 * tiny-lm sent over the link (src/install.c), and runs a shadow tiny-lm beside it when one is
 * loaded (SPEC §2, "Shadow").
 *
 * Each iteration is generated first and reported after (one or two record frames or REC lines when
 * the host asks for Link v1.2 frames or v1.1 records, else ITER, TOK…, DONE, with the ticks taken
 * while generating), so that
 * the UART never enters the measured time; under `-icount shift=0` the tick counts are then the
 * same on every run, in either form. The shadow's run of the same input follows each iteration's
 * report and is reported the same way, so it never enters the serving model's window.
 */
#include <string.h>

#include "build_id.h"
#include "board.h"
#include "edgeprof_link.h"
#include "install.h"
#include "model.h"

#ifndef BOARD_NAME
#error "build with -DBOARD_NAME=\"qemu-mps2-an386\" (see Makefile)"
#endif

extern const uint8_t tiny_lm_weights[], tiny_lm_weights_end[];

static epl_device device;
static epl_board_info info;
static tlm_weights weights, shadow_weights;

static size_t link_write(void *ctx, const uint8_t *data, size_t length) {
    (void)ctx;
    return uart_write(data, length);
}

static size_t link_read(void *ctx, uint8_t *data, size_t capacity) {
    (void)ctx;
    return uart_read(data, capacity);
}

static uint64_t link_now(void *ctx) {
    (void)ctx;
    return clock_ticks();
}

static int hex_digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Generates one iteration with `model`: the prompt, then `tokens` tokens; their ticks go into `ticks`. */
static uint64_t generate(const tlm_weights *model, const epl_run_request *request, uint64_t *ticks, int32_t *ids, uint32_t tokens) {
    arena_reset();
    tlm_state *state = arena_alloc(sizeof(tlm_state));
    tlm_reset(state);
    int next = 0;
    for (const char *c = request->input; *c; c++) next = tlm_step(model, state, (unsigned char)*c);
    for (uint32_t i = 0; i < tokens; i++) {
        ids[i] = next;
        ticks[i] = clock_ticks();
        next = tlm_step(model, state, next);
    }
    return clock_ticks();
}

#define MAX_REPORTED_TOKENS 1024u

static void run(void *ctx, epl_device *dev, const epl_run_request *request) {
    (void)ctx;
    static uint64_t ticks[MAX_REPORTED_TOKENS];
    static int32_t ids[MAX_REPORTED_TOKENS];
    if (request->tokens > MAX_REPORTED_TOKENS) {
        epl_send_error(dev, "too-many-tokens", "this firmware reports at most 1024 tokens per iteration");
        return;
    }
    epl_run_result result;
    memset(&result, 0, sizeof result);
    result.energy_nj = EPL_NO_ENERGY;
    const uint32_t total = request->warmup + request->iterations;
    clock_align();
    for (uint32_t iteration = 0; iteration < total; iteration++) {
        const int warmup = iteration < request->warmup;
        const uint64_t start = clock_ticks();
        /* The first token's tick is taken after the prompt: time to first token includes prefill. */
        const uint64_t end = generate(&weights, request, ticks, ids, request->tokens);
        const epl_iteration_report report = {iteration, warmup, 0, start, ticks, ids, request->tokens, end, EPL_NO_ENERGY};
        epl_send_report(dev, &report);
        if (!warmup) {
            result.iterations++;
            result.tokens += request->tokens;
        }
        if (epl_device_has_shadow(dev)) {
            clock_align();
            const uint64_t shadow_start = clock_ticks();
            const uint64_t shadow_end = generate(&shadow_weights, request, ticks, ids, request->tokens);
            const epl_iteration_report shadow_report = {iteration, 0, 1, shadow_start, ticks, ids, request->tokens, shadow_end, EPL_NO_ENERGY};
            epl_send_report(dev, &shadow_report);
            result.shadow_iterations++;
        }
        if (epl_device_abort_requested(dev)) {
            result.aborted = 1;
            break;
        }
        clock_align();
    }
    result.stack_peak = memory_stack_peak();
    result.arena_hw = arena_high_water();
#ifdef BOARD_NO_INSTALL
    result.ram_peak = memory_static_ram() + result.stack_peak;
#else
    result.ram_peak = memory_static_ram() + result.stack_peak + install_ram_bytes();
#endif
    epl_send_result(dev, &result);
}

int main(void) {
    clock_init();
    uart_init();
    tlm_init();
    if (!tlm_bind(&weights, tiny_lm_weights, (size_t)(tiny_lm_weights_end - tiny_lm_weights))) {
        static const char message[] = "tiny-lm weights do not match this firmware's model shape\r\n";
        uart_write((const uint8_t *)message, sizeof message - 1);
        for (;;) {
        }
    }
    static const char sha[] = MODEL_SHA256;
    for (int i = 0; i < 32; i++) info.model_sha256[i] = (uint8_t)(hex_digit(sha[2 * i]) << 4 | hex_digit(sha[2 * i + 1]));
    info.board = BOARD_NAME;
    info.serial = "QEMU";
    info.fw_version = "1.0.0";
    info.fw_build = build_id_hex();
    info.model = "tiny-lm";
    info.quant = "int8";
    info.device_class = BOARD_NAME;
    info.clock_hz = BOARD_CLOCK_HZ;
    info.tick_hz = BOARD_CLOCK_HZ;
    info.ram_bytes = BOARD_RAM_BYTES;
    info.flash_bytes = BOARD_FLASH_BYTES;
    info.caps = EPL_CAP_TOKENS | EPL_CAP_STACK | EPL_CAP_ARENA | EPL_CAP_EMULATED | EPL_CAP_RECORDS | EPL_CAP_FRAMES;

#ifdef BOARD_NO_INSTALL
    /* Too little RAM for install slots: the board profiles the model linked into flash. */
    epl_device_callbacks callbacks = {0, link_write, link_read, link_now, run, 0, 0, 0, 0, 0};
#else
    install_init(&weights, &shadow_weights, &info);
    epl_device_callbacks callbacks = {0, link_write, link_read, link_now, run, install_begin, install_write, install_commit,
                                      shadow_commit, shadow_unload};
#endif
    epl_device_init(&device, &info, &callbacks);
    epl_device_boot(&device);
    for (;;) {
        epl_device_poll(&device);
        (void)clock_ticks();
    }
}
