/// How one diagnostic check came out.
public enum DiagnosticVerdict: String, Sendable, Codable, Hashable {
    case ok = "OK"
    case warn = "WARN"
    case fail = "FAIL"
    case skipped = "SKIPPED"
}

/// One check of `edgeprof diag`: what was measured, the verdict, and what to do about it.
public struct DiagnosticCheck: Sendable, Codable, Hashable {
    public var name: String
    public var verdict: DiagnosticVerdict
    public var measured: String
    /// What to do when the verdict is not OK.
    public var hint: String?

    public init(name: String, verdict: DiagnosticVerdict, measured: String, hint: String? = nil) {
        self.name = name
        self.verdict = verdict
        self.measured = measured
        self.hint = hint
    }
}

/// Everything `edgeprof diag` found about one port.
public struct DiagnosticReport: Sendable, Codable, Hashable {
    public var port: String
    public var board: BoardInfo?
    public var model: BoardModelInfo?
    public var checks: [DiagnosticCheck]

    public init(port: String, board: BoardInfo? = nil, model: BoardModelInfo? = nil, checks: [DiagnosticCheck] = []) {
        self.port = port
        self.board = board
        self.model = model
        self.checks = checks
    }

    /// FAIL if any check failed, else WARN if any warned, else OK.
    public var verdict: DiagnosticVerdict {
        if checks.contains(where: { $0.verdict == .fail }) { return .fail }
        if checks.contains(where: { $0.verdict == .warn }) { return .warn }
        return .ok
    }
}
