extension RunUploadValidation {
    /// The first problem of a run's shadow (Link v1 `shadow`), or nil: each shadow iteration
    /// shadows a measured iteration of the run, once, with its ticks in order, and its comparison
    /// counts no more tokens than either side produced.
    static func shadowProblem(in run: RecordedRun) -> UploadProblem? {
        if let announced = run.board.shadowModel, !isSHA256(announced.artifactSHA256) {
            return UploadProblem(field: "run.board.shadowModel.artifactSHA256", problem: "must be 64 lowercase hex digits")
        }
        guard let shadow = run.shadow else { return nil }
        if !isSHA256(shadow.model.artifactSHA256) {
            return UploadProblem(field: "run.shadow.model.artifactSHA256", problem: "must be 64 lowercase hex digits")
        }
        for (field, text, limit) in [("run.shadow.model.model", shadow.model.model, 128), ("run.shadow.model.quantization", shadow.model.quantization, 64)] {
            if let problem = textProblem(text, limit: limit) { return UploadProblem(field: field, problem: problem) }
        }
        if shadow.discardedIterations < 0 {
            return UploadProblem(field: "run.shadow.discardedIterations", problem: "is \(shadow.discardedIterations); a count is never negative")
        }
        let shadowTokens = shadow.iterations.reduce(0) { $0 + $1.tokenTicks.count }
        if shadowTokens > maximumTokenTicksPerRun {
            return UploadProblem(field: "run.shadow.iterations", problem: "\(shadowTokens) token timestamps; at most \(maximumTokenTicksPerRun) per run")
        }
        if shadow.iterations.count > maximumIterations {
            return UploadProblem(field: "run.shadow.iterations", problem: "\(shadow.iterations.count) iterations; at most \(maximumIterations) per run")
        }
        let serving = Dictionary(run.iterations.map { ($0.index, $0.tokenTicks.count) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<UInt32>()
        for (position, iteration) in shadow.iterations.enumerated() {
            let field = "run.shadow.iterations[\(position)]"
            guard let servingTokens = serving[iteration.index] else {
                return UploadProblem(field: "\(field).index", problem: "shadows iteration \(iteration.index), which the run did not measure")
            }
            if !seen.insert(iteration.index).inserted {
                return UploadProblem(field: "\(field).index", problem: "iteration \(iteration.index) is shadowed twice")
            }
            if iteration.endTicks < iteration.startTicks {
                return UploadProblem(field: "\(field).endTicks", problem: "is before startTicks")
            }
            if iteration.endTicks > largestStorable {
                return UploadProblem(field: "\(field).endTicks", problem: "\(iteration.endTicks) does not fit a signed 64-bit integer (at most \(largestStorable))")
            }
            if run.board.tickHz > 0, Double(iteration.endTicks - iteration.startTicks) / Double(run.board.tickHz) > longestIterationSeconds {
                return UploadProblem(field: "\(field).endTicks", problem: "the shadow ran longer than \(Int(longestIterationSeconds)) s: a broken counter, not a measurement")
            }
            if iteration.tokenTicks.count > maximumTokensPerIteration {
                return UploadProblem(field: "\(field).tokenTicks", problem: "more than \(maximumTokensPerIteration) tokens")
            }
            var previous = iteration.startTicks
            for (tokenIndex, ticks) in iteration.tokenTicks.enumerated() {
                if ticks < previous || ticks > iteration.endTicks {
                    return UploadProblem(field: "\(field).tokenTicks[\(tokenIndex)]", problem: "must lie between startTicks and endTicks, in order")
                }
                previous = ticks
            }
            if let ids = iteration.tokenIDs, ids.count != iteration.tokenTicks.count {
                return UploadProblem(field: "\(field).tokenIDs", problem: "\(ids.count) ids for \(iteration.tokenTicks.count) tokens")
            }
            if iteration.servingTokens != servingTokens {
                return UploadProblem(field: "\(field).servingTokens", problem: "is \(iteration.servingTokens); the iteration it shadows has \(servingTokens) tokens")
            }
            if let matching = iteration.matchingTokens, matching < 0 || matching > min(servingTokens, iteration.tokenTicks.count) {
                return UploadProblem(field: "\(field).matchingTokens", problem: "must be 0 to the smaller of both sides' token counts")
            }
        }
        return nil
    }

    private static func isSHA256(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
