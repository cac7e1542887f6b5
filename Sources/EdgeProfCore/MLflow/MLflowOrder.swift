/// `order_by` of a model-version search: `KEY [ASC|DESC]` clauses over `name`,
/// `version_number`, `creation_timestamp` and `last_updated_timestamp`, applied in turn. With none,
/// name ascending then newest version first.
public struct MLflowOrder: Sendable {
    /// A model-version attribute a search may be ordered by.
    public enum Key: String, Sendable, Hashable {
        case name
        case versionNumber = "version_number"
        case creationTimestamp = "creation_timestamp"
        case lastUpdatedTimestamp = "last_updated_timestamp"
    }

    public var keys: [(key: Key, ascending: Bool)]

    public init(_ clauses: [String]) throws(MLflowFilterError) {
        var keys: [(key: Key, ascending: Bool)] = []
        for clause in clauses {
            let words = clause.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let first = words.first, words.count <= 2, let key = Key(rawValue: first.hasPrefix("attributes.") ? String(first.dropFirst(11)) : first) else {
                throw MLflowFilterError("order_by '\(clause.prefix(60))': use name, version_number, creation_timestamp or last_updated_timestamp, then ASC or DESC")
            }
            let direction = words.count == 2 ? words[1].uppercased() : "ASC"
            guard ["ASC", "DESC"].contains(direction) else { throw MLflowFilterError("order_by direction '\(words[1])': ASC or DESC") }
            keys.append((key, direction == "ASC"))
        }
        self.keys = keys.isEmpty ? [(.name, true), (.versionNumber, false)] : keys
    }

    public func sorted(_ versions: [MLflowWire.ModelVersion]) -> [MLflowWire.ModelVersion] {
        versions.sorted { lhs, rhs in
            for (key, ascending) in keys {
                let order: Bool?
                switch key {
                case .name: order = lhs.name == rhs.name ? nil : lhs.name < rhs.name
                case .versionNumber:
                    let (l, r) = (Int(lhs.version) ?? 0, Int(rhs.version) ?? 0)
                    order = l == r ? nil : l < r
                case .creationTimestamp: order = lhs.creationTimestamp == rhs.creationTimestamp ? nil : lhs.creationTimestamp < rhs.creationTimestamp
                case .lastUpdatedTimestamp:
                    order = lhs.lastUpdatedTimestamp == rhs.lastUpdatedTimestamp ? nil : lhs.lastUpdatedTimestamp < rhs.lastUpdatedTimestamp
                }
                if let order { return ascending ? order : !order }
            }
            return false
        }
    }
}
