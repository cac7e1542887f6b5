/// Parses a catalogue entry's `flasher:` mapping, with the fields each tool needs.
enum BoardFlasherParser {
    static let fieldNames = ["tool", "interface", "target", "chip", "address", "alt", "server", "reset", "timeout-seconds"]

    static func parse(_ node: YAMLNode?) throws(ConfigError) -> BoardFlasher? {
        guard let node else { return nil }
        let fields = try node.withContext("flasher: ").fields(known: fieldNames, what: "a mapping with tool and the fields that tool needs")
        guard let toolName = try fields.choice("tool", of: BoardFlasher.Tool.allCases.map(\.rawValue)), let tool = BoardFlasher.Tool(rawValue: toolName) else {
            throw node.error("flasher: missing field 'tool' (one of \(BoardFlasher.Tool.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let flasher = BoardFlasher(
            tool: tool, interface: try fields.choice("interface", of: BoardFlasher.openOCDInterfaces), target: try word(fields, "target"),
            chip: try word(fields, "chip"), address: try address(fields), alt: try fields.integer("alt", atLeast: 0),
            server: try server(fields), reset: try fields.strings("reset") ?? [],
            timeoutSeconds: try fields.integer("timeout-seconds", atLeast: 1) ?? BoardFlasher.defaultTimeoutSeconds)
        let needed: [String] = switch tool {
        case .openocd: ["interface", "target"]
        case .pyocd: ["target"]
        case .esptool: ["chip", "address"]
        case .dfuUtil: ["address"]
        case .picotool, .gdbRemote, .none: []
        }
        // Only the GDB server's own commands: a catalogue file must not make gdb run a shell
        // command (`shell …`, `!…`, `python …`) on the host that flashes.
        for command in flasher.reset {
            guard command.hasPrefix("monitor "), !command.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw fields.requiredNodeError("reset", "each 'reset' entry must be one 'monitor …' command (the GDB server's reset) on one line, got '\(command)'")
            }
        }
        for field in needed where fields.node(field) == nil {
            throw node.error("flasher: \(tool.rawValue) needs field '\(field)'")
        }
        return flasher
    }

    /// A name passed to a tool as one argument: letters, digits, '-', '_' and '.'.
    private static func word(_ fields: YAMLFields, _ key: String) throws(ConfigError) -> String? {
        guard let text = try fields.string(key) else { return nil }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw fields.requiredNodeError(key, "field '\(key)' must be a plain name (letters, digits, '-', '_', '.'), got '\(text)'")
        }
        return text
    }

    /// `address: "0x08000000"` (hex, quoted) or a decimal number.
    private static func address(_ fields: YAMLFields) throws(ConfigError) -> UInt32? {
        guard let text = try fields.string("address") else { return nil }
        let value = text.lowercased().hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
        guard let value else { throw fields.requiredNodeError("address", "field 'address' must be a 32-bit address such as \"0x08000000\", got '\(text)'") }
        return value
    }

    private static func server(_ fields: YAMLFields) throws(ConfigError) -> String? {
        guard let text = try fields.string("server") else { return nil }
        guard GDBServerAddress(text) != nil else {
            throw fields.requiredNodeError("server", "field 'server' must be HOST:PORT (a GDB server's address), got '\(text)'")
        }
        return text
    }
}

/// A GDB server's `HOST:PORT`, checked: a host of letters, digits, '.', '-' (or an IPv6 literal
/// in brackets) and a port in 1…65535.
public struct GDBServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        let host = String(text[..<colon])
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2
            && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" }
        let named = !host.isEmpty && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        guard bracketed || named else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}
