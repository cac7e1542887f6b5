/// One line from a device running MLPerf Tiny (EEMBC EnergyRunner) benchmark firmware,
/// firmware-protocols/mlperf-tiny-dut/SPEC.md. Pure: text in, value out.
public enum MLPerfMessage: Sendable, Hashable {
    /// `m-ready`: the response to a command is complete.
    case ready
    /// `e-[…]`: the device refused or failed.
    case error(String)
    /// `m-lap-us-N`: the device's microsecond timestamp.
    case lap(microseconds: UInt64)
    /// `m-results-[f,f,…]`.
    case results([Double])
    /// `m-name-dut-[…]`, or a vendor's `m-name-VENDOR-[…]`: the name, with the vendor when it is
    /// not the plain `dut`.
    case name(String)
    /// `m-profile-[…]`.
    case profile(String)
    /// `m-model-[…]`.
    case model(String)
    /// `m-[Expecting N bytes]`.
    case expecting(bytes: Int)
    case loadDone
    /// `m-timestamp-mode-performance` or `-energy`.
    case timestampMode(String)
    case initDone
    case inferStart(count: Int)
    case inferDone
    /// Any other `m-` line (warmup progress, vendor lines): kept, not interpreted.
    case other(String)
    /// A line that is not part of the protocol (boot noise, garbage).
    case noise(String)

    public init(line: String) {
        let text = line.trimmingCharacters(in: [" ", "\r", "\n", "\t"])
        if text == "m-ready" { self = .ready; return }
        if let inner = Self.bracketed(text, prefix: "e-") { self = .error(inner); return }
        guard text.hasPrefix("m-") else { self = .noise(text); return }
        if let value = Self.number(text, prefix: "m-lap-us-") { self = .lap(microseconds: value); return }
        if let inner = Self.bracketed(text, prefix: "m-results-") {
            let values = inner.split(separator: ",").map { Double($0.trimmingCharacters(in: [" "])) }
            self = values.allSatisfy { $0 != nil } ? .results(values.compactMap { $0 }) : .other(text)
            return
        }
        if let inner = Self.bracketed(text, prefix: "m-name-dut-") { self = .name(inner); return }
        if text.hasPrefix("m-name-"), let open = text.range(of: "-["), text.hasSuffix("]") {
            let vendor = text[text.index(text.startIndex, offsetBy: "m-name-".count)..<open.lowerBound]
            let inner = text[open.upperBound..<text.index(before: text.endIndex)]
            if !vendor.isEmpty { self = .name("\(inner) (\(vendor))"); return }
        }
        if let inner = Self.bracketed(text, prefix: "m-profile-") { self = .profile(inner); return }
        if let inner = Self.bracketed(text, prefix: "m-model-") { self = .model(inner); return }
        if let inner = Self.bracketed(text, prefix: "m-"), inner.hasPrefix("Expecting "), inner.hasSuffix(" bytes"),
           let count = Int(inner.dropFirst("Expecting ".count).dropLast(" bytes".count)) {
            self = .expecting(bytes: count)
            return
        }
        if let value = Self.number(text, prefix: "m-infer-start-") { self = .inferStart(count: Int(clamping: value)); return }
        switch text {
        case "m-load-done": self = .loadDone
        case "m-init-done": self = .initDone
        case "m-infer-done": self = .inferDone
        case "m-timestamp-mode-performance", "m-timestamp-mode-energy": self = .timestampMode(String(text.dropFirst("m-timestamp-mode-".count)))
        default: self = .other(text)
        }
    }

    private static func bracketed(_ text: String, prefix: String) -> String? {
        guard text.hasPrefix(prefix + "["), text.hasSuffix("]") else { return nil }
        return String(text.dropFirst(prefix.count + 1).dropLast())
    }

    /// The microseconds between two `m-lap-us` stamps of a 32-bit counter, across one wrap
    /// (every 71.6 minutes); nil when they cannot be from one window (end before start on a
    /// counter wider than 32 bits).
    public static func lapMicroseconds(from start: UInt64, to end: UInt64) -> UInt64? {
        if end >= start { return end - start }
        guard start <= UInt64(UInt32.max), end <= UInt64(UInt32.max) else { return nil }
        return (UInt64(UInt32.max) + 1) - start + end
    }

    private static func number(_ text: String, prefix: String) -> UInt64? {
        guard text.hasPrefix(prefix) else { return nil }
        return UInt64(text.dropFirst(prefix.count))
    }
}

/// The host's commands: ASCII words terminated by `%`, at most 80 characters.
public enum MLPerfCommand {
    public static let maximumLength = 80
    /// Input bytes per `db` command: "db " plus two hex digits a byte within 80 characters.
    public static let bytesPerChunk = 32

    public static func encode(_ command: String) -> [UInt8] {
        Array((command + "%").utf8)
    }

    /// `db load N` then `db HEX…` chunks.
    public static func upload(_ bytes: [UInt8]) -> [String] {
        var commands = ["db load \(bytes.count)"]
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + bytesPerChunk, bytes.count)]
            commands.append("db " + chunk.map { String(format: "%02x", $0) }.joined())
            index += bytesPerChunk
        }
        return commands
    }
}
