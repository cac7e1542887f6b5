/// A search filter in MLflow's grammar: clauses `KEY COMPARATOR VALUE` joined by `AND`, as
/// `search_model_versions` and `search_runs` send it. Keys are an attribute (`name`, `run_id`…)
/// or a namespaced name (`tags.k`, `metrics.p95_ms`, `params.device_class`; a name with
/// spaces or dots is quoted with backticks or double quotes). Values are quoted strings, numbers,
/// or a parenthesised list of strings for `IN`. Parsing is pure and total: malformed text is a
/// `MLflowFilterError` naming the problem, never a crash.
public struct MLflowFilter: Sendable, Hashable {
    /// A clause's comparison, as the filter text spells it.
    public enum Comparator: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case like = "LIKE"
        case ilike = "ILIKE"
        case inList = "IN"
        case notInList = "NOT IN"
    }

    /// A clause's right-hand side: a quoted string, a number, or a list for `IN`.
    public enum Value: Sendable, Hashable {
        case string(String)
        case number(Double)
        case list([String])
    }

    /// What a clause compares: an attribute, or a name in a namespace (`tags`, `metrics`, `params`).
    /// `namespace` is nil for an attribute (`attributes.x` and `attribute.x` are attributes too).
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        public var namespace: String?
        public var name: String

        public init(namespace: String?, name: String) {
            self.namespace = namespace
            self.name = name
        }

        public var description: String { namespace.map { "\($0).\(name)" } ?? name }
    }

    /// One `KEY COMPARATOR VALUE` of the filter.
    public struct Clause: Sendable, Hashable {
        public var key: Key
        public var comparator: Comparator
        public var value: Value
    }

    public var clauses: [Clause]

    public init(clauses: [Clause]) {
        self.clauses = clauses
    }

    /// Parses `text` (empty or blank: no clause, everything matches).
    public init(parsing text: String) throws(MLflowFilterError) {
        var tokens = try MLflowFilterTokens(text)
        var clauses: [Clause] = []
        while !tokens.atEnd {
            if !clauses.isEmpty {
                guard case .word(let word) = try tokens.next(), word.uppercased() == "AND" else {
                    throw MLflowFilterError("clauses are joined by AND only (OR is not part of MLflow's filter grammar)")
                }
            }
            clauses.append(try Self.clause(&tokens))
        }
        self.clauses = clauses
    }

    private static func clause(_ tokens: inout MLflowFilterTokens) throws(MLflowFilterError) -> Clause {
        let key: Key
        switch try tokens.next() {
        case .word(let word):
            if let dot = word.firstIndex(of: ".") {
                let namespace = String(word[..<dot])
                var name = String(word[word.index(after: dot)...])
                if name.isEmpty, case .quoted(let quoted)? = tokens.peek() {
                    _ = try tokens.next()
                    name = quoted
                }
                guard !name.isEmpty else { throw MLflowFilterError("'\(word)' names no key after the dot") }
                key = ["attribute", "attributes"].contains(namespace) ? Key(namespace: nil, name: name) : Key(namespace: namespace, name: name)
            } else {
                key = Key(namespace: nil, name: word)
            }
        case .quoted(let name): key = Key(namespace: nil, name: name)
        default: throw MLflowFilterError("expected a key (name, tags.KEY, metrics.KEY…)")
        }
        let comparator: Comparator
        switch try tokens.next() {
        case .symbol(let symbol):
            guard let known = Comparator(rawValue: symbol) else { throw MLflowFilterError("unknown comparator '\(symbol)'") }
            comparator = known
        case .word(let word):
            switch word.uppercased() {
            case "LIKE": comparator = .like
            case "ILIKE": comparator = .ilike
            case "IN": comparator = .inList
            case "NOT":
                guard case .word(let next) = try tokens.next(), next.uppercased() == "IN" else { throw MLflowFilterError("NOT must be followed by IN") }
                comparator = .notInList
            default: throw MLflowFilterError("unknown comparator '\(word)': use = != < <= > >= LIKE ILIKE IN")
            }
        default: throw MLflowFilterError("expected a comparator after \(key)")
        }
        let value: Value
        switch try tokens.next() {
        case .string(let text): value = .string(text)
        case .word(let word):
            guard let number = Double(word), number.isFinite else {
                throw MLflowFilterError("the value for \(key) must be quoted ('text') or a number, not \(word.prefix(40))")
            }
            value = .number(number)
        case .symbol("("):
            var items: [String] = []
            while true {
                guard case .string(let item) = try tokens.next() else { throw MLflowFilterError("IN takes a list of quoted strings: ('a', 'b')") }
                items.append(item)
                let separator = try tokens.next()
                if separator == .symbol(")") { break }
                guard separator == .symbol(",") else { throw MLflowFilterError("items of an IN list are separated by commas") }
            }
            value = .list(items)
        default: throw MLflowFilterError("expected a value for \(key)")
        }
        let isList = if case .list = value { true } else { false }
        guard isList == [.inList, .notInList].contains(comparator) else {
            throw MLflowFilterError(isList ? "a list value needs IN or NOT IN" : "IN and NOT IN take a parenthesised list")
        }
        return Clause(key: key, comparator: comparator, value: value)
    }

    /// Whether `value` (a string the entity holds) satisfies the clause. An absent value (a tag
    /// the entity does not carry) differs from anything, so it satisfies `!=` and `NOT IN` only
    /// (MLflow's own clients rely on it: they search models with `tags.mlflow.prompt.is_prompt != 'true'`).
    /// `numeric` compares as numbers (metrics, version numbers).
    public static func matches(_ clause: Clause, _ value: String?, numeric: Bool) -> Bool {
        guard let value else { return [.notEqual, .notInList].contains(clause.comparator) }
        switch (clause.comparator, clause.value) {
        case (.inList, .list(let items)): return items.contains(value)
        case (.notInList, .list(let items)): return !items.contains(value)
        case (.like, .string(let pattern)): return like(value, pattern, caseInsensitive: false)
        case (.ilike, .string(let pattern)): return like(value, pattern, caseInsensitive: true)
        case (let comparator, .number(let expected)):
            guard let actual = Double(value) else { return false }
            return compare(actual, expected, comparator)
        case (let comparator, .string(let expected)):
            if numeric, let actual = Double(value), let wanted = Double(expected) { return compare(actual, wanted, comparator) }
            switch comparator {
            case .equal: return value == expected
            case .notEqual: return value != expected
            case .less: return value < expected
            case .lessOrEqual: return value <= expected
            case .greater: return value > expected
            case .greaterOrEqual: return value >= expected
            default: return false
            }
        default: return false
        }
    }

    private static func compare(_ actual: Double, _ expected: Double, _ comparator: Comparator) -> Bool {
        switch comparator {
        case .equal: actual == expected
        case .notEqual: actual != expected
        case .less: actual < expected
        case .lessOrEqual: actual <= expected
        case .greater: actual > expected
        case .greaterOrEqual: actual >= expected
        default: false
        }
    }

    /// SQL LIKE: `%` any run of characters, `_` one character, everything else literal.
    public static func like(_ text: String, _ pattern: String, caseInsensitive: Bool) -> Bool {
        let text = Array(caseInsensitive ? text.lowercased() : text)
        let pattern = Array(caseInsensitive ? pattern.lowercased() : pattern)
        // Iterative matching with one backtrack point for the last `%`: linear in practice, never recursive.
        var (t, p) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count, pattern[p] == "_" || (pattern[p] != "%" && pattern[p] == text[t]) {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "%" {
                star = (p, t)
                p += 1
            } else if let last = star {
                star = (last.pattern, last.text + 1)
                p = last.pattern + 1
                t = last.text + 1
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "%" { p += 1 }
        return p == pattern.count
    }
}

/// Why a filter string was refused (MLflow answers INVALID_PARAMETER_VALUE with it).
public struct MLflowFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ problem: String) {
        description = "invalid filter: \(problem)"
    }
}

/// The filter's tokens: words (keys, numbers, keywords), quoted strings ('…' values), quoted
/// identifiers (`…` or "…" keys), and symbols (comparators, parentheses, commas).
struct MLflowFilterTokens {
    enum Token: Hashable {
        case word(String)
        case string(String)
        case quoted(String)
        case symbol(String)
    }

    private var tokens: [Token]
    private var position = 0

    /// Longest filter accepted: far beyond any real search, short enough to bound the work.
    static let maximumLength = 10_000

    init(_ text: String) throws(MLflowFilterError) {
        guard text.count <= Self.maximumLength else { throw MLflowFilterError("longer than \(Self.maximumLength) characters") }
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "'" || character == "\"" || character == "`" {
                var content = ""
                index += 1
                while index < characters.count, characters[index] != character {
                    content.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw MLflowFilterError("unterminated \(character)…\(character)") }
                index += 1
                // Double quotes quote keys in MLflow's grammar and values in some clients: a
                // quoted token after a comparator is a value either way (`clause` decides).
                let isValue = character == "'" || (character == "\"" && tokens.last.map(Self.isComparator) == true)
                tokens.append(isValue ? .string(content) : .quoted(content))
            } else if "=!<>".contains(character) {
                var symbol = String(character)
                if index + 1 < characters.count, characters[index + 1] == "=" {
                    symbol.append("=")
                    index += 1
                }
                index += 1
                guard symbol != "!" else { throw MLflowFilterError("'!' alone is not a comparator: use !=") }
                tokens.append(.symbol(symbol))
            } else if "(),".contains(character) {
                tokens.append(.symbol(String(character)))
                index += 1
            } else {
                var word = ""
                while index < characters.count, !characters[index].isWhitespace, !"=!<>(),'\"`".contains(characters[index]) {
                    word.append(characters[index])
                    index += 1
                }
                tokens.append(.word(word))
            }
        }
        self.tokens = tokens
    }

    private static func isComparator(_ token: Token) -> Bool {
        switch token {
        case .symbol(let symbol): ["=", "!=", "<", "<=", ">", ">="].contains(symbol)
        case .word(let word): ["LIKE", "ILIKE"].contains(word.uppercased())
        default: false
        }
    }

    var atEnd: Bool { position >= tokens.count }

    func peek() -> Token? { atEnd ? nil : tokens[position] }

    mutating func next() throws(MLflowFilterError) -> Token {
        guard !atEnd else { throw MLflowFilterError("it ends too early") }
        defer { position += 1 }
        return tokens[position]
    }
}
