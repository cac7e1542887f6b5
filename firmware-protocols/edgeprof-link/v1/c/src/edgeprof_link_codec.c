/*
 * EdgeProf Link v1: CRC, line writer, line parser and line assembler (see ../SPEC.md).
 */
#include "edgeprof_link.h"

static const char HEX_UPPER[16] = {'0', '1', '2', '3', '4', '5', '6', '7',
                                   '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
static const char HEX_LOWER[16] = {'0', '1', '2', '3', '4', '5', '6', '7',
                                   '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

uint16_t epl_crc16(uint16_t crc, const uint8_t *data, size_t len) {
    size_t i;
    int bit;
    uint32_t value = crc;
    for (i = 0; i < len; i++) {
        value ^= (uint32_t)data[i] << 8;
        for (bit = 0; bit < 8; bit++) {
            value = (value & 0x8000u) ? ((value << 1) ^ 0x1021u) : (value << 1);
            value &= 0xFFFFu;
        }
    }
    return (uint16_t)value;
}

/* ---- Writer ------------------------------------------------------------- */

static void put_char(epl_writer *w, char c) {
    if (w->len + 1 > w->cap || w->len + 1 > EPL_MAX_LINE) {
        w->overflow = 1;
        return;
    }
    w->buf[w->len++] = c;
}

static void put_string(epl_writer *w, const char *s) {
    while (*s != '\0') {
        put_char(w, *s++);
    }
}

static void put_u64(epl_writer *w, uint64_t value) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(value % 10u));
        value /= 10u;
    } while (value != 0u);
    while (n > 0) {
        put_char(w, digits[--n]);
    }
}

static void put_key(epl_writer *w, const char *key) {
    put_char(w, ' ');
    put_string(w, key);
    put_char(w, '=');
}

void epl_writer_begin(epl_writer *w, char *buf, size_t cap, const char *verb, uint16_t seq) {
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = 0;
    put_string(w, verb);
    put_char(w, ' ');
    put_u64(w, seq);
}

void epl_writer_u64(epl_writer *w, const char *key, uint64_t value) {
    put_key(w, key);
    put_u64(w, value);
}

static int needs_escape(unsigned char c) {
    return c <= 0x20u || c >= 0x7Fu || c == '%' || c == '*' || c == '=';
}

void epl_writer_text(epl_writer *w, const char *key, const char *text) {
    const unsigned char *p = (const unsigned char *)text;
    put_key(w, key);
    for (; *p != '\0'; p++) {
        if (needs_escape(*p)) {
            put_char(w, '%');
            put_char(w, HEX_UPPER[*p >> 4]);
            put_char(w, HEX_UPPER[*p & 0x0Fu]);
        } else {
            put_char(w, (char)*p);
        }
    }
}

void epl_writer_hex(epl_writer *w, const char *key, const uint8_t *bytes, size_t count) {
    size_t i;
    put_key(w, key);
    for (i = 0; i < count; i++) {
        put_char(w, HEX_LOWER[bytes[i] >> 4]);
        put_char(w, HEX_LOWER[bytes[i] & 0x0Fu]);
    }
}

size_t epl_writer_finish(epl_writer *w) {
    uint16_t crc;
    if (w->overflow || w->len + 6 > EPL_MAX_LINE || w->len + 7 > w->cap) {
        return 0;
    }
    crc = epl_crc16(EPL_CRC16_INIT, (const uint8_t *)w->buf, w->len);
    w->buf[w->len++] = ' ';
    w->buf[w->len++] = '*';
    w->buf[w->len++] = HEX_UPPER[(crc >> 12) & 0x0Fu];
    w->buf[w->len++] = HEX_UPPER[(crc >> 8) & 0x0Fu];
    w->buf[w->len++] = HEX_UPPER[(crc >> 4) & 0x0Fu];
    w->buf[w->len++] = HEX_UPPER[crc & 0x0Fu];
    w->buf[w->len++] = '\n';
    return w->len;
}

/* ---- Parser ------------------------------------------------------------- */

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_key_char(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_'; }

static int spans_equal(epl_span a, epl_span b) {
    uint16_t i;
    if (a.len != b.len) return 0;
    for (i = 0; i < a.len; i++) {
        if (a.ptr[i] != b.ptr[i]) return 0;
    }
    return 1;
}

/* Checks a value: printable, no '*' or '=', every '%' followed by two hex digits. */
static int valid_value(const char *p, size_t len) {
    size_t i;
    for (i = 0; i < len; i++) {
        if (p[i] == '*' || p[i] == '=') return 0;
        if (p[i] == '%') {
            if (i + 2 >= len) return 0;
            if (hex_value(p[i + 1]) < 0 || hex_value(p[i + 2]) < 0) return 0;
            i += 2;
        }
    }
    return 1;
}

static epl_status parse_field(const char *p, size_t len, epl_field *field) {
    size_t eq = 0;
    while (eq < len && p[eq] != '=') eq++;
    if (eq == 0 || eq == len || eq > EPL_MAX_KEY || !(p[0] >= 'a' && p[0] <= 'z')) return EPL_ERR_SYNTAX;
    {
        size_t i;
        for (i = 0; i < eq; i++) {
            if (!is_key_char(p[i])) return EPL_ERR_SYNTAX;
        }
    }
    if (!valid_value(p + eq + 1, len - eq - 1)) return EPL_ERR_SYNTAX;
    field->key.ptr = p;
    field->key.len = (uint16_t)eq;
    field->value.ptr = p + eq + 1;
    field->value.len = (uint16_t)(len - eq - 1);
    return EPL_OK;
}

static epl_status parse_body(const char *body, size_t len, epl_frame *out) {
    size_t pos = 0, start, i;
    uint32_t seq = 0;
    /* verb */
    while (pos < len && body[pos] != ' ') {
        if (!is_upper(body[pos])) return EPL_ERR_SYNTAX;
        pos++;
    }
    if (pos == 0 || pos > EPL_MAX_VERB || pos == len) return EPL_ERR_SYNTAX;
    out->verb.ptr = body;
    out->verb.len = (uint16_t)pos;
    /* sequence number */
    start = ++pos;
    while (pos < len && body[pos] != ' ') {
        if (!is_digit(body[pos])) return EPL_ERR_SYNTAX;
        seq = seq * 10u + (uint32_t)(body[pos] - '0');
        if (seq > 65535u) return EPL_ERR_SYNTAX;
        pos++;
    }
    if (pos == start || (pos - start > 1 && body[start] == '0')) return EPL_ERR_SYNTAX;
    out->seq = (uint16_t)seq;
    out->field_count = 0;
    /* fields */
    while (pos < len) {
        pos++; /* the separating space */
        start = pos;
        while (pos < len && body[pos] != ' ') pos++;
        if (pos == start || out->field_count >= EPL_MAX_FIELDS) return EPL_ERR_SYNTAX;
        if (parse_field(body + start, pos - start, &out->fields[out->field_count]) != EPL_OK) {
            return EPL_ERR_SYNTAX;
        }
        for (i = 0; i < out->field_count; i++) {
            if (spans_equal(out->fields[i].key, out->fields[out->field_count].key)) return EPL_ERR_SYNTAX;
        }
        out->field_count++;
    }
    return EPL_OK;
}

epl_status epl_parse_line(const char *line, size_t len, epl_frame *out) {
    size_t i;
    uint16_t crc = 0;
    if (len > 0 && line[len - 1] == '\r') len--;
    if (len == 0) return EPL_ERR_EMPTY;
    if (len > EPL_MAX_LINE) return EPL_ERR_TOO_LONG;
    for (i = 0; i < len; i++) {
        if ((unsigned char)line[i] < 0x20u || (unsigned char)line[i] > 0x7Eu) return EPL_ERR_SYNTAX;
    }
    if (len < 6 + 3 || line[len - 6] != ' ' || line[len - 5] != '*') return EPL_ERR_SYNTAX;
    for (i = len - 4; i < len; i++) {
        int v = hex_value(line[i]);
        if (v < 0) return EPL_ERR_SYNTAX;
        crc = (uint16_t)((crc << 4) | (uint16_t)v);
    }
    if (epl_crc16(EPL_CRC16_INIT, (const uint8_t *)line, len - 6) != crc) return EPL_ERR_CRC;
    return parse_body(line, len - 6, out);
}

int epl_span_equals(epl_span span, const char *text) {
    uint16_t i;
    for (i = 0; i < span.len; i++) {
        if (text[i] == '\0' || text[i] != span.ptr[i]) return 0;
    }
    return text[span.len] == '\0';
}

const epl_span *epl_frame_find(const epl_frame *frame, const char *key) {
    uint8_t i;
    for (i = 0; i < frame->field_count; i++) {
        if (epl_span_equals(frame->fields[i].key, key)) return &frame->fields[i].value;
    }
    return NULL;
}

int epl_span_u64(epl_span span, uint64_t *out) {
    uint64_t value = 0;
    uint16_t i;
    if (span.len == 0 || span.len > 20) return 0;
    for (i = 0; i < span.len; i++) {
        uint64_t digit;
        if (!is_digit(span.ptr[i])) return 0;
        digit = (uint64_t)(span.ptr[i] - '0');
        if (value > (UINT64_MAX - digit) / 10u) return 0;
        value = value * 10u + digit;
    }
    *out = value;
    return 1;
}

int epl_span_text(epl_span span, char *out, size_t cap) {
    size_t n = 0;
    uint16_t i;
    for (i = 0; i < span.len; i++) {
        char c = span.ptr[i];
        if (c == '%') {
            int hi, lo;
            if ((size_t)i + 2 >= span.len) return -1;
            hi = hex_value(span.ptr[i + 1]);
            lo = hex_value(span.ptr[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            c = (char)((hi << 4) | lo);
            i = (uint16_t)(i + 2);
        }
        if (n + 1 >= cap) return -1;
        out[n++] = c;
    }
    if (cap == 0) return -1;
    out[n] = '\0';
    return (int)n;
}

/* ---- Line assembler ----------------------------------------------------- */

void epl_line_buffer_reset(epl_line_buffer *lb) {
    lb->len = 0;
    lb->discarding = 0;
    lb->complete = 0;
}

epl_lb_event epl_line_buffer_push(epl_line_buffer *lb, uint8_t byte) {
    if (lb->complete) {
        lb->len = 0;
        lb->complete = 0;
    }
    if (byte == '\n') {
        if (lb->discarding) {
            lb->discarding = 0;
            lb->len = 0;
            return EPL_LB_TOO_LONG;
        }
        lb->complete = 1;
        return EPL_LB_LINE;
    }
    if (lb->discarding) return EPL_LB_PENDING;
    if (lb->len >= EPL_MAX_LINE + 1) {
        lb->discarding = 1;
        lb->len = 0;
        return EPL_LB_PENDING;
    }
    lb->buf[lb->len++] = (char)byte;
    return EPL_LB_PENDING;
}
