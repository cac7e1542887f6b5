#!/usr/bin/env python3
"""Writes the EdgeProf Link v1 conformance vectors from this independent Python oracle.

Both the Swift codec and the C reference implementation must reproduce every row.
Escapes in all files: \\xNN for any byte outside 0x20..0x7E and for backslash and tab.
Run from anywhere: python3 generate.py (rewrites the .tsv files next to it).
"""
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_LINE = 400


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def escape(data: bytes) -> str:
    out = []
    for b in data:
        if b < 0x20 or b > 0x7E or b in (0x5C,):
            out.append("\\x%02X" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def pct(text: bytes) -> str:
    out = []
    for b in text:
        if b <= 0x20 or b >= 0x7F or b in b"%*=":
            out.append("%%%02X" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def frame(verb: str, seq: int, fields) -> bytes:
    body = verb + " " + str(seq)
    for key, value in fields:
        body += " " + key + "=" + value
    return (body + " *%04X" % crc16(body.encode())).encode()


KEY = re.compile(r"^[a-z][a-z0-9_]{0,15}$")


def parse(line: bytes):
    """The oracle decoder: returns (status, verb, seq, fields)."""
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line:
        return ("empty", None, None, None)
    if len(line) > MAX_LINE:
        return ("too_long", None, None, None)
    if any(b < 0x20 or b > 0x7E for b in line):
        return ("syntax", None, None, None)
    text = line.decode()
    if len(text) < 9 or text[-6:-4] != " *" or not re.fullmatch(r"[0-9A-Fa-f]{4}", text[-4:]):
        return ("syntax", None, None, None)
    body = text[:-6]
    if crc16(body.encode()) != int(text[-4:], 16):
        return ("crc", None, None, None)
    parts = body.split(" ")
    if len(parts) < 2 or not re.fullmatch(r"[A-Z]{1,8}", parts[0]):
        return ("syntax", None, None, None)
    if not re.fullmatch(r"0|[1-9][0-9]{0,4}", parts[1]) or int(parts[1]) > 65535:
        return ("syntax", None, None, None)
    fields = []
    if len(parts) - 2 > 24:
        return ("syntax", None, None, None)
    for part in parts[2:]:
        if "=" not in part:
            return ("syntax", None, None, None)
        key, value = part.split("=", 1)
        if not KEY.match(key) or "=" in value or "*" in value:
            return ("syntax", None, None, None)
        if re.search(r"%(?![0-9A-Fa-f]{2})", value):
            return ("syntax", None, None, None)
        if any(k == key for k, _ in fields):
            return ("syntax", None, None, None)
        fields.append((key, value))
    return ("ok", parts[0], int(parts[1]), fields)


def crc_vectors():
    rows = [b"", b"123456789", b"A", b"PING 0", b"\x00\xff\x10\x21", bytes(range(256))]
    rnd = random.Random(1)
    rows += [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 64))) for _ in range(20)]
    return ["%s\t%04X" % (escape(r), crc16(r)) for r in rows]


def wrong_crc(line: bytes) -> bytes:
    last = b"1" if line[-1:] == b"0" else b"0"
    return line[:-1] + last


def frame_cases():
    sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    good = [
        frame("READY", 0, [("proto", "1"), ("board", "edgeprof-sim"), ("fw", "1.0.0")]),
        frame("PING", 7, []),
        frame("PONG", 8, [("re", "7"), ("t", "18446744073709551615")]),
        frame("MODEL", 2, [("re", "0"), ("model", "demo"), ("sha256", sha), ("quant", "int8")]),
        frame("TOK", 65535, [("it", "3"), ("i", "17"), ("t", "123456789"), ("id", "42")]),
        frame("ERROR", 3, [("re", "1"), ("code", "busy"), ("msg", "run%20in%20progress%3D%2A%25")]),
        frame("DONE", 9, [("it", "0"), ("t", "5"), ("tokens", "0"), ("future_field", "x")]),
        frame("NEWVERB", 1, [("a", "")]),
        frame("RESULT", 10, [("k%d" % i, str(i)) for i in range(24)]),
    ]
    lower = frame("PING", 1, [])
    lower = lower[:-4] + lower[-4:].lower()
    crlf = frame("PONG", 2, [("re", "1"), ("t", "0")]) + b"\r"
    flipped = bytearray(frame("TOK", 5, [("it", "0"), ("i", "1"), ("t", "100")]))
    flipped[10] ^= 0x01
    bad = [
        lower,
        crlf,
        b"",
        b"\r",
        bytes(flipped),
        wrong_crc(frame("TOK", 5, [("it", "0")])),
        b"PING 1",
        b"PING 1 *ZZZZ",
        b"PING 1 * 1234",
        frame("ping", 1, []),
        frame("TOOLONGVERB", 1, []),
        frame("PING", 65536, []),
        frame("PING", 1, [("Key", "1")]),
        frame("PING", 1, [("1key", "1")]),
        frame("PING", 1, [("a", "1"), ("a", "2")]),
        frame("PING", 1, [("a", "%4")]),
        frame("PING", 1, [("a", "%G0")]),
        frame("PING", 1, [("a", "b=c")]),
        frame("PING", 1, [("abcdefghijklmnopq", "1")]),
        frame("PING", 1, [("k%d" % i, "1") for i in range(25)]),
        b"PING 01 *" + ("%04X" % crc16(b"PING 01")).encode(),
        b"PING  1 *" + ("%04X" % crc16(b"PING  1")).encode(),
        b"PING 1  *" + ("%04X" % crc16(b"PING 1 ")).encode(),
        b"PING 1 a *" + ("%04X" % crc16(b"PING 1 a")).encode(),
        b"PING *" + ("%04X" % crc16(b"PING")).encode(),
        b"PING 1\x00 *" + ("%04X" % crc16(b"PING 1\x00")).encode(),
        b"\xff\xfe garbage \x01\x02",
        frame("PING", 1, [("pad", "x" * (MAX_LINE - 20))]),
        frame("PING", 1, [("pad", "x" * (MAX_LINE - 19))]),
    ]
    rnd = random.Random(2)
    noise = []
    for _ in range(30):
        base = bytearray(rnd.choice(good))
        for _ in range(rnd.randrange(1, 4)):
            base[rnd.randrange(len(base))] = rnd.randrange(0x20, 0x7F)
        noise.append(bytes(base))
    # Shadow lines (SPEC §2, "Shadow"), after the noise so that its draws stay as they were.
    shadow = [
        frame("LOAD", 7, [("size", "76832"), ("sha256", sha), ("model", "tiny-lm"), ("quant", "int8"), ("slot", "shadow")]),
        frame("SHADOW", 490, [("re", "489"), ("model", "tiny-lm"), ("sha256", sha), ("quant", "int8")]),
        frame("SHADOW", 3, [("re", "0"), ("sha256", "none")]),
        frame("UNLOAD", 502, [("slot", "shadow")]),
        frame("SITER", 40, [("it", "2"), ("t", "9000")]),
        frame("STOK", 41, [("it", "2"), ("i", "0"), ("t", "9150"), ("id", "7")]),
        frame("SDONE", 42, [("it", "2"), ("t", "9900"), ("tokens", "1"), ("nj", "1200")]),
        frame("RESULT", 43, [("re", "1"), ("status", "ok"), ("iters", "2"), ("tokens", "2"), ("ram_peak", "4096"), ("shadow_iters", "3")]),
    ]
    rows = []
    for line in good + bad + noise + shadow:
        status, verb, seq, fields = parse(line)
        if status == "ok":
            rendered = "\t".join("%s=%s" % kv for kv in fields)
            rows.append("ok\t%s\t%s\t%d%s" % (escape(line), verb, seq, ("\t" + rendered) if fields else ""))
        else:
            rows.append("%s\t%s" % (status, escape(line)))
    return rows


def encode_cases():
    sha = bytes(range(32))
    cases = [
        ("READY", 0, [("u64", "proto", 1), ("text", "board", b"edgeprof-sim"), ("text", "fw", b"1.0.0")]),
        ("HELLO", 0, [("u64", "proto", 1)]),
        ("PING", 65535, []),
        ("RUN", 12, [("text", "input", b"prompt-1"), ("u64", "tokens", 32), ("u64", "iters", 20), ("u64", "warmup", 2)]),
        ("MODEL", 3, [("u64", "re", 0), ("text", "model", b"demo"), ("hex", "sha256", sha), ("text", "quant", b"q4_0")]),
        ("ERROR", 4, [("text", "code", b"bad_args"), ("text", "msg", b"100% sure * a=b \t\x7f\xc3\xa9")]),
        ("DONE", 5, [("u64", "it", 0), ("u64", "t", 18446744073709551615), ("u64", "tokens", 0), ("u64", "nj", 0)]),
        ("RESULT", 6, [("text", "status", b"")]),
        ("LOAD", 7, [("u64", "size", 76832), ("hex", "sha256", sha), ("text", "model", b"tiny-lm"), ("text", "quant", b"int8"), ("text", "slot", b"shadow")]),
        ("UNLOAD", 8, [("text", "slot", b"shadow")]),
        ("SHADOW", 9, [("u64", "re", 8), ("text", "sha256", b"none")]),
        ("STOK", 10, [("u64", "it", 0), ("u64", "i", 3), ("u64", "t", 4096), ("u64", "id", 42)]),
    ]
    rows = []
    for verb, seq, fields in cases:
        rendered_fields = []
        cols = []
        for kind, key, value in fields:
            if kind == "u64":
                rendered_fields.append((key, str(value)))
                cols.append("u64:%s:%d" % (key, value))
            elif kind == "text":
                rendered_fields.append((key, pct(value)))
                cols.append("text:%s:%s" % (key, escape(value)))
            else:
                rendered_fields.append((key, value.hex()))
                cols.append("hex:%s:%s" % (key, value.hex()))
        line = frame(verb, seq, rendered_fields) + b"\n"
        rows.append("\t".join([escape(line), verb, str(seq)] + cols))
    return rows


def stream_cases():
    """Byte streams with garbage, cuts and over-long lines; expected events in order."""
    ready = frame("READY", 0, [("proto", "1"), ("board", "b"), ("fw", "1")])
    ping = frame("PONG", 1, [("re", "0"), ("t", "10")])
    corrupted = bytearray(ping)
    corrupted[3] = ord("X")
    cases = [
        (ready + b"\n" + ping + b"\n", ["READY", "PONG"]),
        (b"\x00\x01garbage" + b"\n" + ready + b"\n", ["syntax", "READY"]),
        (b"\x00\x01garbage" + ready + b"\n" + ping + b"\n", ["syntax", "PONG"]),
        (ready[:10] + b"\n" + ping + b"\r\n", ["syntax", "PONG"]),
        (b"x" * 1000 + b"\n" + ping + b"\n", ["too_long", "PONG"]),
        (b"\n\r\n\n" + ping + b"\n", ["PONG"]),
        (bytes(corrupted) + b"\n" + ready + b"\n", ["crc", "READY"]),
        (ready + b"\n" + ping, ["READY"]),
    ]
    return ["%s\t%s" % (escape(data), ",".join(events)) for data, events in cases]


# ---- Link v1.1 compact iteration records (SPEC §7) ----------------------------------------

REC_MAX_BLOB = 270
FLAG_BEGIN, FLAG_WARMUP, FLAG_IDS, FLAG_END, FLAG_ENERGY, FLAG_SHADOW = 1, 2, 4, 8, 16, 32
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def zigzag(difference: int) -> int:
    """The zigzag code of a difference taken modulo 2**64, read as a signed 64-bit number."""
    n = difference % 2**64
    n = n - 2**64 if n >= 2**63 else n
    return 2 * n if n >= 0 else -2 * n - 1


def token_value(delta: int, previous_delta: int, first_in_line: bool) -> int:
    return delta if first_in_line else zigzag(delta - previous_delta)


def b64url(data: bytes) -> str:
    bits = "".join("{:08b}".format(b) for b in data)
    bits += "0" * (-len(bits) % 6)
    return "".join(B64[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6))


def rec_line(seq, it, blob):
    """A record as a v1.1 REC line (SPEC §7.2)."""
    line = frame("REC", seq, [("it", str(it)), ("d", b64url(blob))])
    assert len(line) <= MAX_LINE
    return line + b"\n"


def record_lines(seq, it, warm, shadow, start, ticks, ids, end, energy, max_blob=REC_MAX_BLOB, emit=rec_line):
    """The records of one iteration, chunked as the reference chunks them: a record takes tokens
    while 1 flag byte + first + 3 (count) + start (first record) + tokens + 20 (tail) <= max_blob
    bytes; each goes out through `emit` (a REC line, or a record frame)."""
    lines, first, previous, begin = [], 0, start, True
    while True:
        used = 1 + len(varint(first)) + 3 + (len(varint(start)) if begin else 0)
        last, last_delta, count = previous, 0, 0
        while first + count < len(ticks):
            k = first + count
            delta = ticks[k] - last
            size = len(varint(token_value(delta, last_delta, count == 0))) + (len(varint(ids[k])) if ids is not None else 0)
            if used + size + 20 > max_blob:
                break
            used += size
            last, last_delta = ticks[k], delta
            count += 1
        flags = (FLAG_BEGIN if begin else 0) | (FLAG_WARMUP if warm and not shadow else 0)
        flags |= (FLAG_IDS if ids is not None else 0) | (FLAG_SHADOW if shadow else 0)
        ends = first + count == len(ticks)
        if ends:
            flags |= FLAG_END | (FLAG_ENERGY if energy is not None else 0)
        blob = bytes([flags]) + varint(first) + varint(count) + (varint(start) if begin else b"")
        for k in range(first, first + count):
            delta = ticks[k] - previous
            blob += varint(token_value(delta, last_delta, k == first)) + (varint(ids[k]) if ids is not None else b"")
            previous, last_delta = ticks[k], delta
        if ends:
            blob += varint(end - previous) + (varint(energy) if energy is not None else b"")
        assert len(blob) <= max_blob
        lines.append(emit(seq, it, blob))
        seq = (seq + 1) & 0xFFFF
        first += count
        begin = False
        if first >= len(ticks):
            return lines


def record_iterations():
    """seq, iteration, warmup, shadow, start, ticks, ids (or None), end, energy (or None)."""
    rnd = random.Random(7)
    cases = [
        (4, 0, 1, 0, 1200, [19012 + 9400 * i for i in range(16)], [17 + i for i in range(16)], 184220, 4329170),
        (5, 3, 0, 0, 25_000_000, [25_010_000 + 9_371 * i for i in range(16)], [rnd.randrange(128) for _ in range(16)], 25_160_000, None),
        (65535, 7, 0, 0, 10, [], None, 10, None),
        (0, 0, 0, 0, 0, [0], [0], 0, 0),
        (9, 2, 0, 1, 500, [510, 510, 900], [1, 2, 300], 1000, None),
        (100, 1, 0, 0, 2**64 - 40, [2**64 - 30, 2**64 - 2], None, 2**64 - 1, 2**64 - 2),  # energy 2**64 - 1 is the C reference's 'none'
        (7, 4294967295, 1, 0, 2**40, [2**40 + 2**35 * (i + 1) for i in range(20)], [2**31 - 1] * 20, 2**40 + 2**35 * 21, 123),
    ]
    ticks, t = [], 1_000_000
    for _ in range(300):
        t += rnd.randrange(1, 40_000_000)
        ticks.append(t)
    cases.append((60000, 12, 0, 0, 1_000_000, ticks, [rnd.randrange(32000) for _ in range(300)], t + 5, 99))
    ticks, t = [], 5
    for _ in range(1000):
        t += rnd.randrange(0, 20_000)
        ticks.append(t)
    cases.append((65530, 0, 0, 1, 5, ticks, None, t + 17, None))
    return cases


def record_cases(max_blob=REC_MAX_BLOB, emit=rec_line, extra=()):
    rows = []
    for seq, it, warm, shadow, start, ticks, ids, end, energy in record_iterations() + list(extra):
        lines = record_lines(seq, it, warm, shadow, start, ticks, ids, end, energy, max_blob, emit)
        rows.append("\t".join([
            str(seq), str(it), str(warm), str(shadow), str(start),
            ",".join(map(str, ticks)) or "-", "-" if ids is None else ",".join(map(str, ids)) or "-",
            str(end), "-" if energy is None else str(energy), escape(b"".join(lines)),
        ]))
    return rows


def record_error_cases():
    """REC lines with a valid CRC whose record no reader may accept, and why."""
    good = bytes([FLAG_BEGIN | FLAG_END]) + varint(0) + varint(1) + varint(100) + varint(5) + varint(7)
    short = bytes([FLAG_BEGIN | FLAG_END]) + varint(0) + varint(0) + varint(100) + varint(7)
    assert len(short) % 3 != 0 and len(good) % 3 == 0
    cases = [
        ("bad_char", "it=0 d=" + b64url(good)[:-1] + "%2B"),
        ("bad_length", "it=0 d=" + b64url(good) + "A"),
        ("trailing_bits", "it=0 d=" + b64url(short)[:-1] + B64[B64.index(b64url(short)[-1]) | 1]),
        ("truncated", "it=0 d=" + b64url(good[:-1])),
        ("trailing_bytes", "it=0 d=" + b64url(good + b"\x00")),
        ("unknown_flag", "it=0 d=" + b64url(bytes([good[0] | 0x40]) + good[1:])),
        ("overlong_varint", "it=0 d=" + b64url(bytes([FLAG_BEGIN | FLAG_END, 0, 0]) + b"\x80" * 10 + b"\x01\x00")),
        ("u64_overflow", "it=0 d=" + b64url(bytes([FLAG_BEGIN | FLAG_END, 0, 0]) + b"\xff" * 9 + b"\x02\x00")),
        ("non_minimal", "it=0 d=" + b64url(bytes([FLAG_BEGIN | FLAG_END, 0, 0, 0x85, 0x00, 0]))),
        ("tick_overflow", "it=0 d=" + b64url(bytes([FLAG_BEGIN | FLAG_END, 0, 1]) + varint(2**64 - 2) + varint(5) + varint(0))),
        ("energy_without_end", "it=0 d=" + b64url(bytes([FLAG_BEGIN | FLAG_ENERGY, 0, 1, 100, 5]))),
        ("warmup_shadow", "it=0 d=" + b64url(bytes([FLAG_BEGIN | FLAG_END | FLAG_WARMUP | FLAG_SHADOW, 0, 0, 100, 0]))),
        ("first_without_begin_zero", "it=0 d=" + b64url(bytes([FLAG_END, 0, 1, 5, 0]))),
        ("no_progress", "it=0 d=" + b64url(bytes([FLAG_BEGIN, 0, 0, 100]))),
        ("count_too_big", "it=0 d=" + b64url(bytes([FLAG_BEGIN]) + varint(0) + varint(65536) + varint(1))),
        ("empty", "it=0 d="),
        ("missing_it", "d=" + b64url(good)),
        ("missing_d", "it=0"),
    ]
    rows = []
    for reason, fields in cases:
        pairs = [tuple(part.split("=", 1)) for part in fields.split(" ")]
        rows.append("%s\t%s" % (reason, escape(frame("REC", 3, pairs))))
    return rows


# ---- Link v1.2 record frames (SPEC §8) --------------------------------------------------------

FRAME_MAX_BLOB = 180
FRAME_MARKER, FRAME_ESCAPE = 0x1E, 0x1B


def frame_escape(data: bytes) -> bytes:
    out = bytearray()
    for b in data:
        if b in (0x0A, 0x0D, FRAME_ESCAPE):
            out += bytes([FRAME_ESCAPE, b ^ 0x40])
        else:
            out.append(b)
    return bytes(out)


def record_frame(seq, it, blob, crc_fix=None):
    """A record as a v1.2 record frame (SPEC §8.2): 0x1E, then SEQ, IT, the record and the CRC of
    all of them (the marker included), escaped, then \\n."""
    inner = seq.to_bytes(2, "big") + varint(it) + blob
    crc = crc16(bytes([FRAME_MARKER]) + inner) if crc_fix is None else crc_fix
    line = bytes([FRAME_MARKER]) + frame_escape(inner + crc.to_bytes(2, "big"))
    assert len(line) <= MAX_LINE
    return line + b"\n"


def frame_iterations():
    """Iterations that exercise the escapes: SEQ, IT, ticks, ids and the CRC holding 0x0A, 0x0D or 0x1B."""
    return [
        (0x0A0D, 0x1B, 0, 0, 0x0A, [0x0A + 0x0D, 0x0A + 0x0D + 0x1B], [0x0A, 0x0D], 0x0A + 0x0D + 0x1B + 0x0A, 0x1B),
        (0x1B1B, 10, 1, 0, 13, [13 + 27 * (i + 1) for i in range(16)], [10, 13, 27] * 5 + [10], 13 + 27 * 18, None),
        (0x0D0A, 2**32 - 1, 0, 1, 0, [], None, 0, None),
    ]


def record_frame_cases():
    return record_cases(FRAME_MAX_BLOB, record_frame, frame_iterations())


def record_frame_error_cases():
    """Record frames that every reader refuses, and why (SPEC §8.2)."""
    good = bytes([FLAG_BEGIN | FLAG_END]) + varint(0) + varint(1) + varint(100) + varint(5) + varint(7)

    def raw(inner: bytes) -> bytes:
        """The frame of these unescaped bytes with their right CRC, not yet escaped."""
        return inner + crc16(bytes([FRAME_MARKER]) + inner).to_bytes(2, "big")

    def sent(inner: bytes) -> bytes:
        return bytes([FRAME_MARKER]) + frame_escape(raw(inner))

    head = (3).to_bytes(2, "big") + varint(0)
    cases = [
        ("bad_crc", record_frame(3, 0, good, crc_fix=crc16(bytes([FRAME_MARKER]) + head + good) ^ 1)[:-1]),
        ("bad_escape", sent(head + good)[:4] + bytes([FRAME_ESCAPE, 0x41]) + sent(head + good)[4:]),
        ("escape_at_end", sent(head + good) + bytes([FRAME_ESCAPE])),
        ("raw_cr", bytes([FRAME_MARKER]) + raw(head + good)[:4] + b"\x0d" + raw(head + good)[4:]),
        ("short", sent((3).to_bytes(2, "big"))),
        ("it_overflow", sent((3).to_bytes(2, "big") + varint(2**32) + good)),
        ("it_non_minimal", sent((3).to_bytes(2, "big") + b"\x80\x00" + good)),
        ("it_unterminated", sent((3).to_bytes(2, "big") + b"\x80")),
        ("record_unknown_flag", sent(head + bytes([good[0] | 0x40]) + good[1:])),
        ("record_trailing_bytes", sent(head + good + b"\x00")),
        ("record_truncated", sent(head + good[:-1])),
        ("no_record", sent(head)),
        ("marker_only", bytes([FRAME_MARKER])),
    ]
    return ["%s\t%s" % (reason, escape(line)) for reason, line in cases]


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# " + header + "\n")
        for row in rows:
            f.write(row + "\n")


if __name__ == "__main__":
    write("crc16.tsv", "input<TAB>CRC-16/CCITT-FALSE (generated by generate.py)", crc_vectors())
    write("frames.tsv", "status<TAB>line[<TAB>verb<TAB>seq<TAB>key=value...] (generated by generate.py)", frame_cases())
    write("encode.tsv", "line<TAB>verb<TAB>seq<TAB>kind:key:value... (generated by generate.py)", encode_cases())
    write("stream.tsv", "bytes<TAB>events in order (generated by generate.py)", stream_cases())
    write("records.tsv", "seq<TAB>it<TAB>warm<TAB>shadow<TAB>start<TAB>ticks<TAB>ids<TAB>end<TAB>energy<TAB>REC lines (generated by generate.py)", record_cases())
    write("record-errors.tsv", "why<TAB>REC line no reader accepts (generated by generate.py)", record_error_cases())
    write("record-frames.tsv", "seq<TAB>it<TAB>warm<TAB>shadow<TAB>start<TAB>ticks<TAB>ids<TAB>end<TAB>energy<TAB>record frames (generated by generate.py)", record_frame_cases())
    write("record-frame-errors.tsv", "why<TAB>record frame (without its \\n) no reader accepts (generated by generate.py)", record_frame_error_cases())
