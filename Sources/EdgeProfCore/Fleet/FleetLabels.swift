/// The rules labels follow, so that a label can be matched, shown and used to target a rollout
/// without surprises: lowercase keys, printable bounded values, at most 32 per device. Pure.
public enum FleetLabels {
    public static let maximumPerDevice = 32
    public static let maximumValueLength = 128

    /// Why `key` cannot be a label key, or nil when it can.
    public static func keyProblem(_ key: String) -> String? {
        let allowed = key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._/-".unicodeScalars.contains($0) }
        guard (1...63).contains(key.count), allowed, let first = key.unicodeScalars.first, !"._/-".unicodeScalars.contains(first) else {
            return "label key '\(key)' must be 1 to 63 of a-z, 0-9, '.', '_', '/', '-', starting with a letter or digit"
        }
        return nil
    }

    /// Why `value` cannot be a label value, or nil when it can.
    public static func valueProblem(_ value: String) -> String? {
        guard (1...maximumValueLength).contains(value.count),
              !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "label value '\(value.prefix(40))' must be 1 to \(maximumValueLength) printable characters"
        }
        return nil
    }

    /// `KEY=VALUE` as the command line and query strings give it.
    public static func parse(_ text: String) throws(GovernanceError) -> FleetLabel {
        // Split on the scalar: "=" followed by a combining mark is one Character, not an "=".
        let scalars = text.unicodeScalars
        guard let equals = scalars.firstIndex(of: "=") else {
            throw .invalid("label '\(text)' must be KEY=VALUE, e.g. site=lab-2")
        }
        let key = String(scalars[..<equals])
        let value = String(scalars[scalars.index(after: equals)...])
        if let problem = keyProblem(key) ?? valueProblem(value) { throw .invalid(problem) }
        return FleetLabel(key: key, value: value)
    }

    /// `labels` after setting `set` and removing `remove`, refused in words when a key or value
    /// breaks the rules, a key is both set and removed, or the device would carry too many.
    public static func applying(set: [String: String], remove: [String], to labels: [String: String]) throws(GovernanceError) -> [String: String] {
        for (key, value) in set {
            if let problem = keyProblem(key) ?? valueProblem(value) { throw .invalid(problem) }
        }
        for key in remove {
            if let problem = keyProblem(key) { throw .invalid(problem) }
        }
        if let both = remove.first(where: { set[$0] != nil }) {
            throw .invalid("label '\(both)' is both set and removed: give it once")
        }
        var result = labels.merging(set) { $1 }
        for key in remove { result.removeValue(forKey: key) }
        guard result.count <= maximumPerDevice else {
            throw .invalid("a device carries at most \(maximumPerDevice) labels; this would give it \(result.count)")
        }
        return result
    }
}
