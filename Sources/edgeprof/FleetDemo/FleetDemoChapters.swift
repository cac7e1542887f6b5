import EdgeProfAgent
import EdgeProfCore
import Foundation

/// The chapters of `edgeprof demo --fleet`, in order, against a started lab: each acts through the
/// API as the person whose role it is, lets the fleet follow in rounds, and reads back what the
/// devices report. A figure outside what the rules promise becomes a problem (the verdict FAIL).
struct FleetDemoChapters {
    let lab: FleetDemoLab
    let files: FleetDemoFiles
    let options: FleetDemoStory.Options
    let note: (String) -> Void

    var release: FleetDemoRelease { FleetDemoRelease(lab: lab, files: files) }
    var model: String { FleetDemoStory.model }
    var v100: ModelReference { ModelReference(name: model, version: SemanticVersion(major: 1, minor: 0, patch: 0)) }
    var v110: ModelReference { ModelReference(name: model, version: SemanticVersion(major: 1, minor: 1, patch: 0)) }

    func play() async throws -> FleetDemoReport {
        var simulatorOptions = FleetSimulator.Options(devices: options.devices)
        simulatorOptions.seed = options.seed
        simulatorOptions.concurrency = options.concurrency
        let fleet = try FleetSimulator(
            options: simulatorOptions, agents: lab.agents, model: model, artifactSHA256: ArtifactDigest.of(bytes: FleetDemoFiles.incumbent.bytes).sha256)
        let lead = try release.remote("gus")
        var problems: [String] = []
        let benchBoards = try await releaseIncumbent(fleet, lead)
        let (candidate, shadow, canary) = try await candidateToCanary(fleet, lead, benchBoards: benchBoards, problems: &problems)
        let abtest = try await abTestThenProduction(fleet, lead, problems: &problems)
        let (regression, rollback) = try await regressionRolledBack(fleet, lead, candidate: candidate, problems: &problems)
        let (halt, resume, final) = try await haltAndResume(fleet, lead)
        if final.onAssignment != options.devices { problems.append("\(final.onAssignment) of \(options.devices) devices serve what they were assigned") }
        return FleetDemoReport(
            verdict: problems.isEmpty ? "PASS" : "FAIL", problems: problems, collector: lab.url, database: lab.location, devices: options.devices,
            classes: Dictionary(grouping: fleet.devices, by: \.deviceClass).mapValues(\.count), released: v100.description, canary: canary,
            shadow: shadow, abtest: abtest, regression: regression, rollback: rollback,
            halt: halt, resume: resume, devicesOnExpectedVersion: final.onAssignment, serving: rollback.to)
    }

    /// 1.0.0: registered, validated, qualified on a bench board of each class, released through
    /// every gate; the whole fleet serves it. Returns the bench boards.
    func releaseIncumbent(_ fleet: FleetSimulator, _ lead: RegistryRemote) async throws -> [FleetSimulator.Device] {
        _ = try await release.register("1.0.0")
        _ = try await release.toStaging(v100)
        let enrolment = await fleet.enroll(as: v100)
        guard enrolment.isEmpty else { throw AgentError.invalidArgument("devices could not enroll: \(enrolment.prefix(3).joined(separator: "; "))") }
        note("\(options.devices) devices enrolled from \(FleetDemoLab.benches.count) sites, carrying \(v100)")
        let benchBoards = qualificationBoards(fleet)
        for device in benchBoards { try await fleet.uploadRun(on: device, as: v100, request: FleetDemoStory.request) }
        _ = try await release.toCanary(v100, shadow: nil)
        _ = try await release.toProduction(v100, regulatory: true)
        _ = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        note("\(v100) released through every gate (major track) and served by the whole fleet")
        return benchBoards
    }

    /// 1.1.0: shadow beside production (every device loads it; the bench boards' runs record it
    /// and make the shadow report), bench qualification, then a canary on at most the policy's
    /// share of each class. Returns the candidate, the shadow period's figures and the canary.
    func candidateToCanary(
        _ fleet: FleetSimulator, _ lead: RegistryRemote, benchBoards: [FleetSimulator.Device], problems: inout [String]
    ) async throws -> (RegisteredModel, FleetDemoReport.Shadow, FleetDemoReport.Canary) {
        let candidate = try await release.register("1.1.0")
        _ = try await release.toStaging(v110)
        let period = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices && $0.shadowRunning == $0.shadowAssigned }).status
        var benchRuns: [(FleetSimulator.Device, RecordedRun)] = []
        for device in benchBoards { benchRuns.append((device, try await fleet.uploadRun(on: device, as: v100, request: FleetDemoStory.request))) }
        let shadow = FleetDemoShadowPeriod(version: v110, served: v100, status: period, benchRuns: benchRuns)
        note("\(v110) in staging: \(shadow.devicesRunning) of \(shadow.devicesAssigned) devices run it in shadow beside \(v100); "
            + "on the bench boards it reproduces " + (shadow.tokenAgreement.map { String(format: "%.1f %%", $0 * 100) } ?? "—")
            + " of the served tokens at " + (shadow.latencyRatio.map { String(format: "%.2f×", $0) } ?? "—") + " the latency")
        if shadow.devicesAssigned != options.devices { problems.append("\(shadow.devicesAssigned) of \(options.devices) devices were assigned \(v110) in shadow") }
        if shadow.rows.count != benchBoards.count { problems.append("\(shadow.rows.count) of \(benchBoards.count) bench runs recorded the shadow") }
        for device in benchBoards {
            try await fleet.qualify(on: device, artifact: FleetDemoFiles.candidate.bytes, sha256: candidate.artifactSHA256, as: v110, request: FleetDemoStory.request)
        }
        _ = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        _ = try await release.toCanary(v110, shadow: shadow)
        let canary = canaryFigures(try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices }).status, version: v110)
        note("canary \(v110): " + canary.share.keys.sorted().map { "\($0) \(canary.devices[$0] ?? 0) devices" }.joined(separator: ", "))
        for deviceClass in canary.share.keys.sorted() where canary.share[deviceClass] ?? 0 > canary.policyShare {
            problems.append("class \(deviceClass) has \(canary.share[deviceClass] ?? 0) of its devices on the canary, above the policy's \(canary.policyShare)")
        }
        // A class draws its canary devices from those whose bucket is below the share: a small class may draw none.
        if canary.devices.values.reduce(0, +) == 0 { problems.append("no device of any class drew a canary slot: a larger --fleet-size draws some") }
        return (candidate, shadow.figures, canary)
    }

    /// An A/B test of the candidate against production, by device, for one round; then the
    /// candidate goes to production (minor track) and the whole fleet follows.
    func abTestThenProduction(_ fleet: FleetSimulator, _ lead: RegistryRemote, problems: inout [String]) async throws -> FleetDemoReport.ABTestFigures {
        let test = try await release.remote("bo").startABTest(ABTestRequest(
            model: model, b: v110.version.description, split: FleetDemoStory.split, unit: .device, minimumSamples: 100, maximumHours: 24,
            reason: "1.1.0 against 1.0.0 on a tenth of the fleet"))
        let abtest = abFigures(try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices }).status, test: test)
        note(String(format: "A/B test %lld: %d devices serve B, %d serve A (observed split %.3f)", test.id, abtest.devicesOnB, abtest.devicesOnA, abtest.splitObserved))
        if abtest.devicesOnB == 0 { problems.append("no device served arm B of the A/B test") }
        _ = try await release.remote("bo").stopABTest(test.id, reason: "B served its share without an alert")
        _ = try await release.toProduction(v110, regulatory: false)
        _ = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        note("\(v110) promoted to production (minor track); \(v100) deprecated, kept deployable")
        return abtest
    }

    /// Two devices' runs of 1.1.0 make its baseline; the injected regression opens two critical
    /// alerts; the collector rolls back by itself and the rounds go on until every device confirms.
    func regressionRolledBack(
        _ fleet: FleetSimulator, _ lead: RegistryRemote, candidate: RegisteredModel, problems: inout [String]
    ) async throws -> (FleetDemoReport.Regression, FleetDemoReport.Rollback) {
        let watched = Array(fleet.devices.prefix(2))
        for _ in 0..<2 { for device in watched { try await fleet.uploadRun(on: device, as: v110, request: FleetDemoStory.request) } }
        fleet.injectRegression(artifactSHA256: candidate.artifactSHA256, latencyFactor: FleetDemoStory.regressionFactor)
        note("injected: \(v110) now runs \(String(format: "%g", FleetDemoStory.regressionFactor))× slower on every device")
        for device in watched { try await fleet.uploadRun(on: device, as: v110, request: FleetDemoStory.request) }
        let decided = try await automaticRollback(lead)
        let critical = try await criticalAlerts(lead, version: v110)
        let secondAlert = critical.map(\.openedAt).sorted().dropFirst().first ?? decided.decidedAt
        note("\(critical.count) critical alerts on \(v110): the collector rolled back to \(decided.to) as \(decided.decidedBy)")
        var rounds = 0
        var verified = decided
        while verified.state != RollbackProgress.State.verified {
            rounds += 1
            guard rounds <= 20 else { throw AgentError.invalidArgument("the rollback was not verified after 20 rounds: \(verified.stragglers.count) stragglers") }
            try await round(fleet)
            verified = try await lead.rollbackProgress(model: model) ?? verified
        }
        if !verified.automatic { problems.append("the rollback was not decided by the system") }
        if verified.to != v100 { problems.append("the rollback restored \(verified.to), not \(v100)") }
        let regression = FleetDemoReport.Regression(
            version: v110.description, latencyFactor: FleetDemoStory.regressionFactor, devices: watched.map(\.identity), criticalAlerts: critical.count)
        let rollback = FleetDemoReport.Rollback(
            automatic: verified.automatic, decidedBy: verified.decidedBy, from: verified.from.description, to: verified.to.description, reason: verified.reason,
            secondsToDecided: verified.decidedAt.timeIntervalSince(secondAlert), secondsToVerified: verified.secondsToVerified ?? 0,
            secondsFromAlertToVerified: (verified.verifiedAt ?? verified.decidedAt).timeIntervalSince(secondAlert), rounds: rounds)
        return (regression, rollback)
    }

    /// dee (security) halts the model until every device reports halted; gus resumes it until
    /// every device serves again. Returns both timings and the fleet's final status.
    func haltAndResume(
        _ fleet: FleetSimulator, _ lead: RegistryRemote
    ) async throws -> (FleetDemoReport.HaltFigures, FleetDemoReport.ResumeFigures, FleetStatus) {
        let halted = try await release.remote("dee").halt(model, "halt", reason: "field report: stop serving while we look")
        let halt = try await rounds(fleet, lead, until: { status in status.entries.allSatisfy { $0.assignedState == .halted && $0.verdict == .onAssignment } })
        note(String(format: "halted by %@: every device halted in %.2f s", halted.actor, halt.seconds))
        let resumed = try await release.remote("gus").halt(model, "resume", reason: "cleared: serve again")
        let resume = try await rounds(fleet, lead, until: { status in status.entries.allSatisfy { $0.assignedState == .serving && $0.verdict == .onAssignment } })
        note(String(format: "resumed by %@: every device serving in %.2f s", resumed.actor, resume.seconds))
        return (
            .init(actor: halted.actor, secondsToAllHalted: halt.seconds, rounds: halt.rounds),
            .init(actor: resumed.actor, secondsToAllServing: resume.seconds, rounds: resume.rounds), resume.status)
    }
}
