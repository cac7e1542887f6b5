/*
 * EdgeProf Link v1 — portable C reference implementation (device side).
 *
 * C99, no malloc, no stdio, no global state. The firmware supplies write/read/clock
 * callbacks and a run handler; this library frames, checksums and parses the ASCII
 * lines described in ../SPEC.md. Everything lives in caller-owned structs.
 */
#ifndef EDGEPROF_LINK_H
#define EDGEPROF_LINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EPL_PROTOCOL_VERSION 1u
/** Longest line in bytes, excluding the '\n' terminator (and an optional '\r'). */
#define EPL_MAX_LINE 400u
/** Most key=value fields one line may carry. */
#define EPL_MAX_FIELDS 24u
#define EPL_MAX_VERB 8u
#define EPL_MAX_KEY 16u
#define EPL_CRC16_INIT 0xFFFFu
/** Passed as energy to say "this board measured no energy". */
#define EPL_NO_ENERGY UINT64_MAX
/** Passed as token id to say "no token id". */
#define EPL_NO_TOKEN_ID (-1)

/** Outcome of parsing or writing a line. */
typedef enum {
    EPL_OK = 0,
    EPL_ERR_SYNTAX = -1,
    EPL_ERR_CRC = -2,
    EPL_ERR_TOO_LONG = -3,
    EPL_ERR_EMPTY = -4
} epl_status;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor). */
uint16_t epl_crc16(uint16_t crc, const uint8_t *data, size_t len);

/* ---- Writing lines ------------------------------------------------------ */

/** Builds one line into a caller buffer; any overflow makes epl_writer_finish return 0. */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    int overflow;
} epl_writer;

void epl_writer_begin(epl_writer *w, char *buf, size_t cap, const char *verb, uint16_t seq);
void epl_writer_u64(epl_writer *w, const char *key, uint64_t value);
/** Adds key=text, percent-encoding space, '%', '*', '=' and bytes outside 0x21..0x7E. */
void epl_writer_text(epl_writer *w, const char *key, const char *text);
/** Adds key=lowercase hex of bytes. */
void epl_writer_hex(epl_writer *w, const char *key, const uint8_t *bytes, size_t count);
/** Appends " *XXXX\n"; returns the line length, or 0 when it did not fit in EPL_MAX_LINE. */
size_t epl_writer_finish(epl_writer *w);

/* ---- Parsing lines ------------------------------------------------------ */

/** A run of bytes inside a parsed line (not NUL-terminated). */
typedef struct {
    const char *ptr;
    uint16_t len;
} epl_span;

typedef struct {
    epl_span key;
    epl_span value; /* still percent-encoded */
} epl_field;

/** One checked line: verb, sequence number and fields, pointing into the caller's line. */
typedef struct {
    epl_span verb;
    uint16_t seq;
    uint8_t field_count;
    epl_field fields[EPL_MAX_FIELDS];
} epl_frame;

/** Parses one line without its '\n' (a trailing '\r' is ignored). */
epl_status epl_parse_line(const char *line, size_t len, epl_frame *out);
/** The value of key, or NULL. */
const epl_span *epl_frame_find(const epl_frame *frame, const char *key);
int epl_span_equals(epl_span span, const char *text);
/** Decimal u64; returns 1 on success, 0 when empty, not a number or out of range. */
int epl_span_u64(epl_span span, uint64_t *out);
/** Percent-decodes into out (NUL-terminated); returns the length, or -1 on a bad escape or no room. */
int epl_span_text(epl_span span, char *out, size_t cap);

/** Assembles lines from a byte stream; discards an over-long line up to its '\n' (resync). */
typedef struct {
    char buf[EPL_MAX_LINE + 2];
    size_t len;
    int discarding;
    int complete;
} epl_line_buffer;

typedef enum {
    EPL_LB_PENDING = 0,  /* no complete line yet */
    EPL_LB_LINE = 1,     /* buf[0..len) holds a line without its terminator */
    EPL_LB_TOO_LONG = 2  /* an over-long line just ended and was discarded */
} epl_lb_event;

void epl_line_buffer_reset(epl_line_buffer *lb);
/** Feeds one byte. After EPL_LB_LINE, the line is valid until the next push. */
epl_lb_event epl_line_buffer_push(epl_line_buffer *lb, uint8_t byte);

/* ---- SHA-256 (FIPS 180-4): a device checks an artifact it is sent ---------- */

/** A SHA-256 in progress; feed it in pieces of any size. */
typedef struct {
    uint32_t state[8];
    uint64_t length;
    uint8_t block[64];
    size_t used;
} epl_sha256;

void epl_sha256_init(epl_sha256 *s);
void epl_sha256_update(epl_sha256 *s, const uint8_t *data, size_t len);
void epl_sha256_final(epl_sha256 *s, uint8_t digest[32]);

/* ---- The device side of a session --------------------------------------- */

#define EPL_CAP_TOKENS 0x01u /* streams one TOK event per generated token */
#define EPL_CAP_POWER 0x02u  /* measures its own energy (nj= fields) */
#define EPL_CAP_STACK 0x04u  /* reports peak stack */
#define EPL_CAP_HEAP 0x08u   /* reports heap high-water */
#define EPL_CAP_ARENA 0x10u  /* reports tensor-arena high-water */
#define EPL_CAP_EMULATED 0x20u /* runs under an emulator: ticks count instructions, not silicon time */
#define EPL_CAP_RECORDS 0x40u  /* sends compact iteration records (REC) when RUN asks with rec=1 (SPEC.md §7) */
#define EPL_CAP_FRAMES 0x80u   /* sends them as binary record frames when RUN asks with rec=2 (SPEC.md §8); with EPL_CAP_RECORDS */
/** Most bytes one REC line's record carries before base64url (360 characters: the line stays within EPL_MAX_LINE). */
#define EPL_RECORD_MAX_BLOB 270u
/** Most bytes one record frame's record carries: escaped in full, the frame stays within EPL_MAX_LINE. */
#define EPL_FRAME_MAX_BLOB 180u
/** How a run reports its iterations (epl_run_request.records, SPEC.md §7 and §8). */
#define EPL_REPORT_LINES 0
#define EPL_REPORT_RECORDS 1
#define EPL_REPORT_FRAMES 2
/** Most artifact bytes one DATA line carries (SPEC.md §2, "Installing an artifact"). */
#define EPL_MAX_CHUNK 160u

/** What the board announces in INFO. Strings must not be NULL except device_class. */
typedef struct {
    const char *board;
    const char *serial;
    const char *fw_version;
    const char *fw_build;
    const char *model;
    const char *quant;
    const char *device_class; /* optional: NULL leaves it to the host's catalogue */
    uint8_t model_sha256[32];
    uint32_t clock_hz;
    uint32_t tick_hz;
    uint32_t ram_bytes;
    uint32_t flash_bytes;
    uint32_t caps;
} epl_board_info;

/** A RUN command, already validated. */
typedef struct {
    uint16_t host_seq;
    char input[33];
    uint32_t tokens;
    uint32_t iterations;
    uint32_t warmup;
    /**
     * EPL_REPORT_RECORDS: the host asked for compact records (RUN rec=1 or 2) and the board announces
     * EPL_CAP_RECORDS; EPL_REPORT_FRAMES: it asked for frames (rec=2) and the board announces
     * EPL_CAP_FRAMES too; EPL_REPORT_LINES otherwise.
     */
    int records;
} epl_run_request;

/** Totals a firmware reports at the end of a run. */
typedef struct {
    int aborted;
    uint32_t iterations;
    uint64_t tokens;
    uint32_t stack_peak;
    uint32_t arena_hw;
    uint32_t heap_hw;
    uint32_t ram_peak;
    uint64_t energy_nj; /* EPL_NO_ENERGY when not measured */
    uint32_t shadow_iterations; /* shadow iterations sent (SDONE); reported while a shadow is loaded */
} epl_run_result;

typedef struct epl_device epl_device;

/** Everything the library needs from the firmware. */
typedef struct {
    void *ctx;
    /** Writes all bytes (blocking); returns how many were written. */
    size_t (*write)(void *ctx, const uint8_t *data, size_t len);
    /** Reads what is waiting without blocking; returns 0 when nothing is. */
    size_t (*read)(void *ctx, uint8_t *data, size_t cap);
    /** The device's free-running tick counter (tick_hz from epl_board_info). */
    uint64_t (*now_ticks)(void *ctx);
    /** Runs the model; reports through epl_send_iteration/token/done/result. */
    void (*run)(void *ctx, epl_device *device, const epl_run_request *request);
    /*
     * Installing an artifact (LOAD, DATA, COMMIT). Optional: with all three NULL the device
     * does not announce the `install` capability. The model in use keeps serving until COMMIT.
     */
    /** A LOAD of `size` bytes begins: returns 1 when the firmware has room for them. */
    int (*install_begin)(void *ctx, uint32_t size);
    /** Stores `len` bytes at `offset` of the artifact being received (offsets only grow); 1 on success. */
    int (*install_write)(void *ctx, uint32_t offset, const uint8_t *data, size_t len);
    /**
     * Every byte arrived and their SHA-256 is the one LOAD announced: switch to the artifact, so
     * that the board info's model, quant and model_sha256 describe it. Returns 1 when the board
     * now runs it, 0 when it cannot (it then keeps the model it had).
     */
    int (*install_commit)(void *ctx, const uint8_t sha256[32], const char *model, const char *quant);
    /*
     * A shadow model (LOAD slot=shadow, UNLOAD slot=shadow): it runs after the serving model on
     * the same input, and its outputs are reported, never served. Optional: with both NULL, or
     * without the install callbacks, the device does not announce the `shadow` capability. Its
     * bytes arrive through install_begin and install_write like any artifact's, so the firmware
     * stages them where neither the serving nor the shadow model lives.
     */
    /** The staged bytes (their SHA-256 checked) become the shadow model; 1 when the board can run them. */
    int (*shadow_commit)(void *ctx, const uint8_t sha256[32], const char *model, const char *quant);
    /** The shadow model is dropped: later runs run only the serving model. */
    void (*shadow_unload)(void *ctx);
} epl_device_callbacks;

/** Counters a firmware may show on a debug console. */
typedef struct {
    uint32_t lines_ok;
    uint32_t crc_errors;
    uint32_t syntax_errors;
    uint32_t too_long;
} epl_device_stats;

/** An artifact being received between LOAD and COMMIT. */
typedef struct {
    int active;
    /** LOAD said slot=shadow: COMMIT makes it the shadow model. */
    int shadow;
    uint32_t size;
    uint32_t received;
    uint8_t expected_sha256[32];
    char model[33];
    char quant[17];
    epl_sha256 hash;
} epl_install;

/** The shadow model the device runs beside the serving one, as LOAD announced it (SPEC.md §2, "Shadow"). */
typedef struct {
    int loaded;
    uint8_t sha256[32];
    char model[33];
    char quant[17];
} epl_shadow;

struct epl_device {
    epl_device_callbacks cb;
    const epl_board_info *info;
    uint16_t tx_seq;
    uint16_t run_seq;
    int running;
    int abort_requested;
    /** How the run under way reports iterations: EPL_REPORT_LINES, _RECORDS (SPEC.md §7) or _FRAMES (§8). */
    int records;
    /** Set by SERVE state=halted: RUN is refused. Kept in RAM, so a reboot serves again. */
    int halted;
    epl_install install;
    /** Kept in RAM like the serving state: a reboot runs no shadow until one is loaded again. */
    epl_shadow shadow;
    epl_line_buffer rx;
    char tx[EPL_MAX_LINE + 2];
    epl_device_stats stats;
};

void epl_device_init(epl_device *device, const epl_board_info *info, const epl_device_callbacks *callbacks);
/** Announces (re)boot with READY; the sequence restarts at 0. */
void epl_device_boot(epl_device *device);
/** Reads waiting bytes and answers complete commands. Call from the main loop. */
void epl_device_poll(epl_device *device);
/** Same as poll, for bytes the firmware received itself (e.g. in a UART interrupt). */
void epl_device_feed(epl_device *device, const uint8_t *data, size_t len);
/** During a run: handles waiting input (PING is answered) and returns 1 once ABORT arrived. */
int epl_device_abort_requested(epl_device *device);

int epl_send_iteration(epl_device *device, uint32_t iteration, int warmup, uint64_t ticks);
int epl_send_token(epl_device *device, uint32_t iteration, uint32_t index, uint64_t ticks, int32_t token_id);
int epl_send_done(epl_device *device, uint32_t iteration, uint64_t ticks, uint32_t tokens, uint64_t energy_nj);
int epl_send_result(epl_device *device, const epl_run_result *result);
int epl_send_error(epl_device *device, const char *code, const char *message);

/*
 * One finished iteration, reported at once (SPEC.md §7, §8): as record frames or compact REC lines
 * when the run asked for them, otherwise as ITER, TOK… and DONE (SITER, STOK…, SDONE for a shadow's run). A
 * firmware that reports each iteration after it ends calls this instead of the per-line functions.
 */
typedef struct {
    uint32_t iteration;
    int warmup;                    /* a warmup iteration (serving runs only) */
    int shadow;                    /* the shadow model's run of `iteration` */
    uint64_t start_ticks;
    const uint64_t *token_ticks;   /* `tokens` ticks, in order */
    const int32_t *token_ids;      /* `tokens` ids (each >= 0), or NULL when the model has none */
    uint32_t tokens;
    uint64_t end_ticks;
    uint64_t energy_nj;            /* EPL_NO_ENERGY when not measured */
} epl_iteration_report;

/** Sends `report`; ticks that go back or a negative id fall back to ITER/TOK/DONE, which carry them as they are. */
int epl_send_report(epl_device *device, const epl_iteration_report *report);

/*
 * Shadow runs (SPEC.md §2, "Shadow"): while a shadow model is loaded, the run handler runs it
 * after each iteration's DONE on the same input and the same number of tokens, outside the
 * serving model's measured window, and reports it with these (SITER, STOK…, SDONE, numbered
 * like the iteration it shadows).
 */
/** 1 when a shadow model is loaded. */
int epl_device_has_shadow(const epl_device *device);
int epl_send_shadow_iteration(epl_device *device, uint32_t iteration, uint64_t ticks);
int epl_send_shadow_token(epl_device *device, uint32_t iteration, uint32_t index, uint64_t ticks, int32_t token_id);
int epl_send_shadow_done(epl_device *device, uint32_t iteration, uint64_t ticks, uint32_t tokens, uint64_t energy_nj);

/* ---- Board-measured energy: INA219 / INA226 current monitors (SPEC.md §6) ---- */

/** INA219 calibration register (05h) for a Current_LSB in µA and a shunt in mΩ (truncated, as the datasheet says). */
uint16_t epl_ina219_calibration(uint32_t current_lsb_ua, uint32_t shunt_milliohm);
/** INA226 calibration register (05h), likewise. */
uint16_t epl_ina226_calibration(uint32_t current_lsb_ua, uint32_t shunt_milliohm);
/** Power in µW from an INA219 power register (03h): Power_LSB = 20 × Current_LSB. */
uint64_t epl_ina219_power_uw(uint16_t power_register, uint32_t current_lsb_ua);
/** Power in µW from an INA226 power register (03h): Power_LSB = 25 × Current_LSB. */
uint64_t epl_ina226_power_uw(uint16_t power_register, uint32_t current_lsb_ua);
/** Energy in nJ of `power_uw` held for `ticks` at `tick_hz` (integer arithmetic, no FPU needed). */
uint64_t epl_energy_nj(uint64_t power_uw, uint64_t ticks, uint32_t tick_hz);

#ifdef __cplusplus
}
#endif

#endif
