import Yams

/// Reads small YAML configuration files with errors that name the file, the line and the
/// field, and catch misspelt keys. Shared by the gate thresholds and the device catalogue.
public struct YAMLFile: Sendable {
    public let file: String
    public let root: YAMLNode

    public init(yaml: String, file: String) throws(ConfigError) {
        self.file = file
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        guard let node else { throw ConfigError(file: file, line: nil, message: "the file is empty") }
        root = YAMLNode(node: node, file: file, context: "")
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}

/// One node of a YAML file, with the context ("device class 'm4': ") its errors start with.
public struct YAMLNode: @unchecked Sendable {
    let node: Node
    public let file: String
    public let context: String

    public var line: Int? { node.mark?.line }

    public func error(_ message: String, line: Int? = nil) -> ConfigError {
        ConfigError(file: file, line: line ?? self.line, message: context + message)
    }

    /// The entries of a mapping, in file order; an error when this is not a mapping.
    public func entries(expecting what: String) throws(ConfigError) -> [(key: String, keyLine: Int?, value: YAMLNode)] {
        guard let mapping = node.mapping else { throw error("expected \(what)") }
        return mapping.map { key, value in
            (key.string ?? "", key.mark?.line, YAMLNode(node: value, file: file, context: context))
        }
    }

    /// A mapping's fields by key, refusing keys outside `known` (with a "did you mean").
    public func fields(known: [String], what: String) throws(ConfigError) -> YAMLFields {
        var values: [String: YAMLNode] = [:]
        for (key, keyLine, value) in try entries(expecting: what) {
            guard known.contains(key) else {
                let hint = Spelling.closest(to: key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw error("unknown field '\(key)'\(hint); known fields: \(known.joined(separator: ", "))", line: keyLine)
            }
            values[key] = value
        }
        return YAMLFields(owner: self, values: values)
    }

    public func withContext(_ context: String) -> YAMLNode {
        YAMLNode(node: node, file: file, context: context)
    }

    public var scalar: String? { node.scalar?.string }
}

/// The fields of one mapping, read with typed accessors whose errors name the field.
public struct YAMLFields: Sendable {
    let owner: YAMLNode
    let values: [String: YAMLNode]

    public func node(_ key: String) -> YAMLNode? { values[key] }

    /// An error located at `key`'s node (or at the mapping, when the key is absent).
    public func error(at key: String, _ message: String) -> ConfigError {
        (values[key] ?? owner).error(message)
    }

    public func requiredNode(_ key: String) throws(ConfigError) -> YAMLNode {
        guard let node = values[key] else { throw owner.error("missing field '\(key)'") }
        return node
    }

    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let node = values[key] else { return nil }
        guard let text = node.scalar, !text.isEmpty else { throw node.error("field '\(key)' must be a non-empty text") }
        return text
    }

    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let text = try string(key) else { throw owner.error("missing field '\(key)'") }
        return text
    }

    /// A number, checked against `range`; `unit` goes into the message.
    public func number(_ key: String, atLeast minimum: Double, unit: String = "") throws(ConfigError) -> Double? {
        guard let node = values[key] else { return nil }
        guard let raw = node.scalar, let value = Double(raw), value.isFinite, value >= minimum else {
            let suffix = unit.isEmpty ? "" : " (in \(unit))"
            throw node.error("field '\(key)' must be a number ≥ \(Self.plain(minimum))\(suffix), got '\(node.scalar ?? "a non-scalar")'")
        }
        return value
    }

    public func integer(_ key: String, atLeast minimum: Int) throws(ConfigError) -> Int? {
        guard let node = values[key] else { return nil }
        guard let raw = node.scalar, let value = Int(raw), value >= minimum else {
            throw node.error("field '\(key)' must be a whole number ≥ \(minimum), got '\(node.scalar ?? "a non-scalar")'")
        }
        return value
    }

    public func requiredInteger(_ key: String, atLeast minimum: Int) throws(ConfigError) -> Int {
        guard let value = try integer(key, atLeast: minimum) else { throw owner.error("missing field '\(key)'") }
        return value
    }

    /// One of `choices`.
    public func choice(_ key: String, of choices: [String]) throws(ConfigError) -> String? {
        guard let text = try string(key) else { return nil }
        guard choices.contains(text) else {
            throw error(at: key, "field '\(key)' must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// A configuration file that cannot be used; the message names the file, line and field.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Suggests the known word a misspelt one was meant to be.
enum Spelling {
    /// The candidate within edit distance 3 of `word`, if any.
    static func closest(to word: String, in candidates: [String]) -> String? {
        candidates.map { ($0, distance($0, word)) }.filter { $0.1 <= 3 }.min { $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension YAMLNode {
    /// The items of a sequence; an error when this is not a sequence.
    public func items(expecting what: String) throws(ConfigError) -> [YAMLNode] {
        guard let sequence = node.sequence else { throw error("expected \(what)") }
        return sequence.map { YAMLNode(node: $0, file: file, context: context) }
    }
}

extension YAMLFields {
    /// `true` or `false`.
    public func boolean(_ key: String) throws(ConfigError) -> Bool? {
        try choice(key, of: ["true", "false"]).map { $0 == "true" }
    }

    /// A sequence of non-empty texts.
    public func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let node = values[key] else { return nil }
        var texts: [String] = []
        for item in try node.items(expecting: "'\(key)' to be a list") {
            guard let text = item.scalar, !text.isEmpty else { throw item.error("'\(key)' must list non-empty texts") }
            texts.append(text)
        }
        return texts
    }
}
