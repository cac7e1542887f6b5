/// One reason an upload cannot be stored, naming the field.
public struct UploadProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var problem: String

    public var description: String { "\(field): \(problem)" }
}

/// Checks an upload before anything is written, so the store never receives a run that would
/// break a report (ticks running backwards, a zero tick rate) or flood it.
public enum RunUploadValidation {
    /// Measured iterations per run: a documented bound on what one upload may cost (docs/collector.md).
    public static let maximumIterations = 10_000
    public static let maximumTokensPerIteration = 65_536

    /// The first problem of `upload`, or nil when it may be stored.
    public static func problem(in upload: RunUpload) -> UploadProblem? {
        if let problem = keyProblem(upload.idempotencyKey) { return UploadProblem(field: "idempotencyKey", problem: problem) }
        if let problem = nameProblem(upload.bench) { return UploadProblem(field: "bench", problem: problem) }
        do throws(ModelReferenceError) {
            _ = try ModelReference(parsing: upload.model)
        } catch {
            return UploadProblem(field: "model", problem: error.description)
        }
        let sha = upload.artifactSHA256
        if sha.count != 64 || !sha.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
            return UploadProblem(field: "artifactSHA256", problem: "must be 64 lowercase hex digits")
        }
        if nameProblem(upload.context.deviceClass) != nil {
            return UploadProblem(field: "context.deviceClass", problem: "must be 1 to 64 letters, digits, '.', '_', '-' or ':'")
        }
        if let place = upload.context.place, nameProblem(place) != nil {
            return UploadProblem(field: "context.place", problem: "must be 1 to 64 letters, digits, '.', '_', '-' or ':'")
        }
        if let wiring = upload.context.wiring, wiring.count > 1024 {
            return UploadProblem(field: "context.wiring", problem: "must be at most 1024 characters")
        }
        if upload.context.finishedAt < upload.context.startedAt {
            return UploadProblem(field: "context.finishedAt", problem: "is before startedAt")
        }
        let run = upload.run
        if run.board.tickHz == 0 { return UploadProblem(field: "run.board.tickHz", problem: "must be positive") }
        if run.model.artifactSHA256 != upload.artifactSHA256 {
            return UploadProblem(field: "run.model.artifactSHA256", problem: "differs from artifactSHA256: the board carried another artifact")
        }
        if run.iterations.count > maximumIterations {
            return UploadProblem(field: "run.iterations", problem: "\(run.iterations.count) iterations; at most \(maximumIterations) per run")
        }
        var seen = Set<UInt32>()
        for (position, iteration) in run.iterations.enumerated() {
            let field = "run.iterations[\(position)]"
            if !seen.insert(iteration.index).inserted {
                return UploadProblem(field: "\(field).index", problem: "iteration \(iteration.index) appears twice")
            }
            if iteration.endTicks < iteration.startTicks {
                return UploadProblem(field: "\(field).endTicks", problem: "is before startTicks")
            }
            if iteration.tokenTicks.count > maximumTokensPerIteration {
                return UploadProblem(field: "\(field).tokenTicks", problem: "more than \(maximumTokensPerIteration) tokens")
            }
            var previous = iteration.startTicks
            for (tokenIndex, ticks) in iteration.tokenTicks.enumerated() {
                if ticks < previous || ticks > iteration.endTicks {
                    return UploadProblem(
                        field: "\(field).tokenTicks[\(tokenIndex)]",
                        problem: "must lie between startTicks and endTicks, in order")
                }
                previous = ticks
            }
            if iteration.inferences == 0 {
                return UploadProblem(field: "\(field).inferences", problem: "must be at least 1 when given")
            }
        }
        if let problem = shadowProblem(in: run) { return problem }
        return plausibilityProblem(in: upload)
    }

    /// Idempotency keys: 8 to 128 of letters, digits, '-', '_', '.'.
    public static func keyProblem(_ key: String) -> String? {
        let allowed = key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        return (8...128).contains(key.count) && allowed ? nil : "must be 8 to 128 letters, digits, '-', '_' or '.' (a UUID is fine)"
    }

    /// Bench and device class names: 1 to 64 of letters, digits, '.', '_', '-', ':'.
    public static func nameProblem(_ name: String) -> String? {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-:".contains($0)) }
        return (1...64).contains(name.count) && allowed ? nil : "must be 1 to 64 letters, digits, '.', '_', '-' or ':'"
    }
}
