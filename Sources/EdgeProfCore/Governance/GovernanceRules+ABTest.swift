import Foundation

/// A/B tests as governance acts: started by those who deploy, against the serving version, one
/// at a time per model, with bounds that keep the split meaningful; stopped with a reason.
extension GovernanceRules {
    /// Starts an A/B test of `request.b` against the version serving `request.model`.
    public func startABTest(_ request: ABTestRequest) throws(GovernanceError) -> GovernanceChange {
        let actor = try authorized(Self.fleetOperators, to: "start A/B tests")
        guard !request.reason.trimmingWhitespace.isEmpty else { throw .invalid("starting an A/B test needs a reason: --reason TEXT") }
        guard let serving = snapshot.serving else {
            throw .illegalMove("\(request.model) has no serving version to be arm A: an A/B test compares a candidate with production")
        }
        let version: SemanticVersion
        do { version = try SemanticVersion(parsing: request.b) } catch { throw .invalid("b: \(error.description)") }
        let reference = ModelReference(name: request.model, version: version)
        guard let candidate = snapshot.version(reference) else { throw .notFound("there is no version \(reference)") }
        guard [.staging, .canary].contains(candidate.stage) else {
            throw .illegalMove("\(reference) is in \(candidate.stage.rawValue): arm B must be a candidate in staging or canary (validated, not yet serving)")
        }
        if let running = snapshot.abTests.first(where: { $0.state == .running }) {
            throw .illegalMove("A/B test \(running.id) (\(running.a) vs \(running.b)) still runs on \(request.model): stop it first")
        }
        let split = request.split ?? ABTest.defaultSplit
        guard split > 0, split <= 0.5 else { throw .invalid("split is \(split): the share to B must be above 0 and at most 0.5") }
        let minimumSamples = request.minimumSamples ?? ABTest.defaultMinimumSamples
        guard (1...100_000_000).contains(minimumSamples) else { throw .invalid("minimumSamples is \(minimumSamples): 1 to 100000000 per arm") }
        let hours = request.maximumHours ?? ABTest.defaultMaximumHours
        guard hours > 0, hours <= 90 * 24 else { throw .invalid("maximumHours is \(hours): above 0 and at most 2160 (90 days)") }
        let test = ABTest(
            model: request.model, a: serving.reference, b: reference, split: split, unit: request.unit ?? .device, minimumSamples: minimumSamples,
            maximumHours: hours, startedBy: actor.name, startedAt: now, reason: request.reason)
        return change([.startABTest(test)])
    }

    /// Stops the running A/B test `id`.
    public func stopABTest(_ id: Int64, reason: String) throws(GovernanceError) -> GovernanceChange {
        let actor = try authorized(Self.fleetOperators, to: "stop A/B tests")
        guard let test = snapshot.abTests.first(where: { $0.id == id }) else { throw .notFound("\(snapshot.name) has no A/B test \(id)") }
        guard test.state == .running else { throw .illegalMove("A/B test \(id) was stopped already (by \(test.stoppedBy ?? "?"))") }
        guard !reason.trimmingWhitespace.isEmpty else { throw .invalid("stopping an A/B test needs a reason: --reason TEXT") }
        return change([.stopABTest(ABTestStop(testID: id, model: test.model, actor: actor.name, at: now, reason: reason))])
    }

    /// The collector's actor for the A/B tests it stops on their verdict.
    public static let abTestActor = "system:abtest"

    /// Stops a running A/B test whose verdict says B loses — significantly worse on some metric,
    /// harmful to the share of the fleet that serves it — as the system, with the verdict as the
    /// reason. nil when the test no longer runs or its verdict is anything else.
    public func stopLosingABTest(_ id: Int64, verdict: ABTestVerdict) throws(GovernanceError) -> GovernanceChange? {
        guard actor == Self.abTestActor else {
            throw .notPermitted("only the system (\(Self.abTestActor)) stops an A/B test on its verdict; people stop one with a reason")
        }
        guard verdict.outcome == .bLoses, let test = snapshot.abTests.first(where: { $0.id == id }), test.state == .running else { return nil }
        return change([.stopABTest(ABTestStop(testID: id, model: test.model, actor: actor, at: now, reason: "B loses: \(verdict.reason)"))])
    }
}
