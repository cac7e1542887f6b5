/// A Semantic Versioning 2.0.0 version (semver.org): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD],
/// ordered by semver precedence (build metadata is ignored when ordering).
public struct SemanticVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: [String]
    public var build: [String]

    public init(major: UInt64, minor: UInt64, patch: UInt64, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses strictly; the error says what is wrong and shows a valid example.
    public init(parsing text: String) throws(SemanticVersionError) {
        var rest = Substring(text)
        var build: [String] = []
        var prerelease: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<plus]
            guard build.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) }) else {
                throw SemanticVersionError(text: text, problem: "build metadata must be dot-separated [0-9A-Za-z-] identifiers")
            }
        }
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<dash]
            for identifier in prerelease {
                guard !identifier.isEmpty, identifier.allSatisfy(Self.isIdentifierCharacter) else {
                    throw SemanticVersionError(text: text, problem: "pre-release must be dot-separated [0-9A-Za-z-] identifiers")
                }
                if identifier.allSatisfy(\.isASCIIDigit), identifier.count > 1, identifier.first == "0" {
                    throw SemanticVersionError(text: text, problem: "numeric pre-release identifier '\(identifier)' has a leading zero")
                }
            }
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else {
            throw SemanticVersionError(text: text, problem: "expected three numbers MAJOR.MINOR.PATCH")
        }
        var numbers: [UInt64] = []
        for (name, part) in zip(["major", "minor", "patch"], core) {
            guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit), let value = UInt64(part) else {
                throw SemanticVersionError(text: text, problem: "\(name) '\(part)' is not a non-negative integer")
            }
            guard part.count == 1 || part.first != "0" else {
                throw SemanticVersionError(text: text, problem: "\(name) '\(part)' has a leading zero")
            }
            numbers.append(value)
        }
        self.init(major: numbers[0], minor: numbers[1], patch: numbers[2], prerelease: prerelease, build: build)
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (a, b) in zip(lhs.prerelease, rhs.prerelease) where a != b {
            switch (UInt64(a), UInt64(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    /// Precedence equality (ignores build metadata), as opposed to `==` on every component.
    public func hasSamePrecedence(as other: SemanticVersion) -> Bool { !(self < other) && !(other < self) }

    private static func isIdentifierCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-")
    }
}

/// A version string that is not valid Semantic Versioning 2.0.0.
public struct SemanticVersionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var problem: String

    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    public var description: String {
        "invalid semantic version '\(text)': \(problem). Use MAJOR.MINOR.PATCH such as 1.4.0 or 2.0.0-rc.1 (semver.org)"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
