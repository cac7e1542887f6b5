import EdgeProfAgent
import EdgeProfCore
import Foundation

/// The chapters of `edgeprof demo --fleet`, in order, against a started lab.
struct Chapters {
    let lab: FleetDemoLab
    let files: FleetDemoFiles
    let options: FleetDemoStory.Options
    let note: (String) -> Void

    var release: FleetDemoRelease { FleetDemoRelease(lab: lab, files: files) }
    var model: String { FleetDemoStory.model }

    func play() async throws -> FleetDemoReport {
        let v100 = ModelReference(name: model, version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let v110 = ModelReference(name: model, version: SemanticVersion(major: 1, minor: 1, patch: 0))
        var simulatorOptions = FleetSimulator.Options(devices: options.devices)
        simulatorOptions.seed = options.seed
        simulatorOptions.concurrency = options.concurrency
        let fleet = try FleetSimulator(
            options: simulatorOptions, agents: lab.agents, model: model, artifactSHA256: ArtifactDigest.of(bytes: FleetDemoFiles.incumbent.bytes).sha256)
        let lead = try release.remote("gus")
        var problems: [String] = []

        // 1.0.0: registered, validated, qualified on a board of each class, released through every gate.
        _ = try await release.register("1.0.0")
        _ = try await release.toStaging(v100)
        let enrolment = await fleet.enroll(as: v100)
        guard enrolment.isEmpty else { throw AgentError.invalidArgument("devices could not enroll: \(enrolment.prefix(3).joined(separator: "; "))") }
        note("\(options.devices) devices enrolled from \(FleetDemoLab.benches.count) sites, carrying \(v100)")
        let benchBoards = qualificationBoards(fleet)
        for device in benchBoards { try await fleet.uploadRun(on: device, as: v100, request: FleetDemoStory.request) }
        _ = try await release.toCanary(v100, shadowDevices: 0)
        _ = try await release.toProduction(v100, regulatory: true)
        _ = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        note("\(v100) released through every gate (major track) and served by the whole fleet")

        // 1.1.0: shadow beside production, then a canary on at most the policy's share of each class.
        let candidate = try await release.register("1.1.0")
        _ = try await release.toStaging(v110)
        let shadowing = try await devicesShadowing(v110, fleet: fleet, lead: lead)
        note("\(v110) in staging: \(shadowing) devices run it in shadow beside production")
        for device in benchBoards {
            try await fleet.qualify(on: device, artifact: FleetDemoFiles.candidate.bytes, sha256: candidate.artifactSHA256, as: v110, request: FleetDemoStory.request)
        }
        _ = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        _ = try await release.toCanary(v110, shadowDevices: shadowing)
        let canaryStatus = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices }).status
        let canary = canaryFigures(canaryStatus, version: v110)
        note("canary \(v110): " + canary.share.keys.sorted().map { "\($0) \(canary.devices[$0] ?? 0) devices" }.joined(separator: ", "))
        for deviceClass in canary.share.keys.sorted() where canary.share[deviceClass] ?? 0 > canary.policyShare {
            problems.append("class \(deviceClass) has \(canary.share[deviceClass] ?? 0) of its devices on the canary, above the policy's \(canary.policyShare)")
        }
        // A class draws its canary devices from those whose bucket is below the share: a small class may draw none.
        if canary.devices.values.reduce(0, +) == 0 { problems.append("no device of any class drew a canary slot: a larger --fleet-size draws some") }

        // An A/B test of the candidate against production, by device.
        let test = try await release.remote("bo").startABTest(ABTestRequest(
            model: model, b: "1.1.0", split: FleetDemoStory.split, unit: .device, minimumSamples: 100, maximumHours: 24, reason: "1.1.0 against 1.0.0 on a tenth of the fleet"))
        let abStatus = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices }).status
        let abtest = abFigures(abStatus, test: test)
        note(String(format: "A/B test %lld: %d devices serve B, %d serve A (observed split %.3f)", test.id, abtest.devicesOnB, abtest.devicesOnA, abtest.splitObserved))
        if abtest.devicesOnB == 0 { problems.append("no device served arm B of the A/B test") }
        _ = try await release.remote("bo").stopABTest(test.id, reason: "B served its share without an alert")

        _ = try await release.toProduction(v110, regulatory: false)
        _ = try await rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        note("\(v110) promoted to production (minor track); \(v100) deprecated, kept deployable")

        // Monitoring: two devices' runs of 1.1.0 make its baseline; then the regression.
        let watched = Array(fleet.devices.prefix(2))
        for _ in 0..<2 { for device in watched { try await fleet.uploadRun(on: device, as: v110, request: FleetDemoStory.request) } }
        fleet.injectRegression(artifactSHA256: candidate.artifactSHA256, latencyFactor: FleetDemoStory.regressionFactor)
        note("injected: \(v110) now runs \(String(format: "%g", FleetDemoStory.regressionFactor))× slower on every device")
        for device in watched { try await fleet.uploadRun(on: device, as: v110, request: FleetDemoStory.request) }
        let decided = try await automaticRollback(lead)
        let critical = try await criticalAlerts(lead, version: v110)
        let secondAlert = critical.map(\.openedAt).sorted().dropFirst().first ?? decided.decidedAt
        note("\(critical.count) critical alerts on \(v110): the collector rolled back to \(decided.to) as \(decided.decidedBy)")
        var rollbackRounds = 0
        var verified = decided
        while verified.state != RollbackProgress.State.verified {
            rollbackRounds += 1
            guard rollbackRounds <= 20 else { throw AgentError.invalidArgument("the rollback was not verified after 20 rounds: \(verified.stragglers.count) stragglers") }
            try await round(fleet)
            verified = try await lead.rollbackProgress(model: model) ?? verified
        }
        if !verified.automatic { problems.append("the rollback was not decided by the system") }
        if verified.to != v100 { problems.append("the rollback restored \(verified.to), not \(v100)") }

        // A halt stops every device; a resume brings them back.
        let halted = try await release.remote("dee").halt(model, "halt", reason: "field report: stop serving while we look")
        let halt = try await rounds(fleet, lead, until: { status in status.entries.allSatisfy { $0.assignedState == .halted && $0.verdict == .onAssignment } })
        note(String(format: "halted by %@: every device halted in %.2f s", halted.actor, halt.seconds))
        let resumed = try await release.remote("gus").halt(model, "resume", reason: "cleared: serve again")
        let resume = try await rounds(fleet, lead, until: { status in status.entries.allSatisfy { $0.assignedState == .serving && $0.verdict == .onAssignment } })
        note(String(format: "resumed by %@: every device serving in %.2f s", resumed.actor, resume.seconds))

        let final = resume.status
        if final.onAssignment != options.devices { problems.append("\(final.onAssignment) of \(options.devices) devices serve what they were assigned") }
        let classes = Dictionary(grouping: fleet.devices, by: \.deviceClass).mapValues(\.count)
        return FleetDemoReport(
            verdict: problems.isEmpty ? "PASS" : "FAIL", problems: problems, collector: lab.url, database: lab.location, devices: options.devices, classes: classes,
            released: v100.description, canary: canary, shadow: .init(version: v110.description, devicesAssigned: shadowing), abtest: abtest,
            regression: .init(version: v110.description, latencyFactor: FleetDemoStory.regressionFactor, devices: watched.map(\.identity), criticalAlerts: critical.count),
            rollback: .init(
                automatic: verified.automatic, decidedBy: verified.decidedBy, from: verified.from.description, to: verified.to.description, reason: verified.reason,
                secondsToDecided: verified.decidedAt.timeIntervalSince(secondAlert), secondsToVerified: verified.secondsToVerified ?? 0,
                secondsFromAlertToVerified: (verified.verifiedAt ?? verified.decidedAt).timeIntervalSince(secondAlert), rounds: rollbackRounds),
            halt: .init(actor: halted.actor, secondsToAllHalted: halt.seconds, rounds: halt.rounds),
            resume: .init(actor: resumed.actor, secondsToAllServing: resume.seconds, rounds: resume.rounds),
            devicesOnExpectedVersion: final.onAssignment, serving: verified.to.description)
    }

    /// The lab's bench boards: the first device of each class.
    func qualificationBoards(_ fleet: FleetSimulator) -> [FleetSimulator.Device] {
        var seen: Set<String> = []
        return fleet.devices.filter { seen.insert($0.deviceClass).inserted }
    }

    /// One agent pass on every device; a device that fails stops the demo.
    func round(_ fleet: FleetSimulator) async throws {
        let report = await fleet.round()
        guard report.failed.isEmpty else { throw AgentError.invalidArgument("devices failed to reconcile: \(report.failed.prefix(3).joined(separator: "; "))") }
    }

    /// Rounds until the fleet's status satisfies `done`: the seconds from the first round's start, the rounds and the status.
    func rounds(
        _ fleet: FleetSimulator, _ lead: RegistryRemote, until done: (FleetStatus) -> Bool
    ) async throws -> (seconds: Double, rounds: Int, status: FleetStatus) {
        let started = ContinuousClock.now
        for count in 1...20 {
            try await round(fleet)
            let status = try await lead.fleetStatus(FleetQuery())
            if done(status) {
                let elapsed = ContinuousClock.now - started
                return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, count, status)
            }
        }
        throw AgentError.invalidArgument("the fleet did not follow its assignments within 20 rounds")
    }

    /// How many devices' assignments run `version` in shadow.
    func devicesShadowing(_ version: ModelReference, fleet: FleetSimulator, lead: RegistryRemote) async throws -> Int {
        var count = 0
        for device in fleet.devices where try await lead.assignment(device.identity).shadow == version { count += 1 }
        return count
    }

    func canaryFigures(_ status: FleetStatus, version: ModelReference) -> FleetDemoReport.Canary {
        var share: [String: Double] = [:]
        var devices: [String: Int] = [:]
        for (deviceClass, entries) in Dictionary(grouping: status.entries, by: \.deviceClass) {
            let serving = entries.filter { $0.arm == .canary && $0.verdict == .onAssignment && $0.reported == version }.count
            devices[deviceClass] = serving
            share[deviceClass] = Double(serving) / Double(entries.count)
        }
        return FleetDemoReport.Canary(version: version.description, policyShare: 0.05, share: share, devices: devices)
    }

    func abFigures(_ status: FleetStatus, test: ABTest) -> FleetDemoReport.ABTestFigures {
        let onB = status.entries.filter { $0.arm == .b && $0.verdict == .onAssignment && $0.reported == test.b }.count
        let onA = status.entries.filter { $0.arm == .a && $0.verdict == .onAssignment && $0.reported == test.a }.count
        return FleetDemoReport.ABTestFigures(
            id: test.id, a: test.a.description, b: test.b.description, split: test.split, splitObserved: onA + onB == 0 ? 0 : Double(onB) / Double(onA + onB),
            devicesOnA: onA, devicesOnB: onB)
    }

    /// Waits (up to a minute: the watcher also sweeps every 30 s) for the system's rollback.
    func automaticRollback(_ lead: RegistryRemote) async throws -> RollbackProgress {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let progress = try await lead.rollbackProgress(model: model), progress.automatic { return progress }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw AgentError.invalidArgument("two critical alerts on \(model) and no automatic rollback within 60 s: see `edgeprof alerts list` and the collector's log")
    }

    func criticalAlerts(_ lead: RegistryRemote, version: ModelReference) async throws -> [Alert] {
        let alerts = try lead.client.decoded([Alert].self, from: try await lead.client.call(.GET, "/v1/alerts?limit=500"), what: "the alerts")
        return alerts.filter { $0.severity == .critical && $0.key.model == version.description }
    }
}
