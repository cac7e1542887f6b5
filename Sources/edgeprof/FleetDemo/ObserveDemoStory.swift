import EdgeProfAgent
import EdgeProfCollector
import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging

/// `edgeprof demo --observe`: production monitoring's story against a collector the demo starts.
/// 60 simulated devices in three classes serve fleet-lm@1.0.0 and report four weeks of inference
/// telemetry (dated in the past, a day at a time). After a clean reference week, five changes are
/// injected one at a time on sim-cortex-m7; the collector's drift scheduler is stepped through the
/// days as its clock would pass them, and its incident sweep runs after each step. The team works
/// each incident through the API. Then 1.1.0, known to be right more often, enters staging and runs
/// in shadow on every device (its shadow report pairs the answers; its 7-day period has only begun),
/// and is A/B tested against 1.0.0 on telemetry reported now, batch by batch, until the verdict is given.
struct ObserveDemoStory {
    static let affected = "sim-cortex-m7"
    static let devices = 60
    static let requestsPerDevicePerDay = 30

    struct Injection {
        var name: String
        var effect: InjectedDrift
        var days: Range<Int>
        var kind: DriftKind
        /// Days after the start at which the scheduler's clock has passed the window that holds it, and the next one.
        var detectedBy: Int
        var clearedBy: Int
    }

    static let injections = [
        Injection(name: "feature shift", effect: .featureShift(feature: "signal", sigmas: 1), days: 7..<8, kind: .data, detectedBy: 8, clearedBy: 9),
        Injection(name: "label shift", effect: .labelShift(label: "class-2", share: 0.3), days: 9..<10, kind: .label, detectedBy: 10, clearedBy: 11),
        Injection(name: "score shift", effect: .scoreShift(by: -0.1), days: 11..<12, kind: .prediction, detectedBy: 12, clearedBy: 13),
        Injection(
            name: "errors for age 50+", effect: .groupErrorIncrease(attribute: "age_group", group: "50+", extraErrorRate: 0.3), days: 13..<14, kind: .fairness,
            detectedBy: 14, clearedBy: 15),
        Injection(name: "concept change", effect: .conceptChange(extraErrorRate: 0.08), days: 14..<21, kind: .concept, detectedBy: 21, clearedBy: 28),
    ]

    let note: (String) -> Void

    func run(_ options: FleetDemoStory.Options) async throws -> ObserveDemoReport {
        var options = options
        options.devices = Self.devices
        options.folder = DataLocation.dataDirectory() + "/demo-observe"
        let files = FleetDemoFiles(folder: options.folder)
        try files.write()
        var database = StoreOptions()
        database.db = options.database ?? options.folder + "/collector.sqlite"
        // The demo steps the drift scheduler through simulated days itself.
        let lab = try await FleetDemoLab.start(
            database: database, settings: FleetDemoStory.settings, policy: FleetDemoStory.policy, thresholds: FleetDemoStory.thresholds, driftSweep: .seconds(86_400))
        note("collector serving \(lab.url) (database \(lab.location))")
        do {
            let report = try await play(lab, files: files, options: options)
            await lab.stop()
            return report
        } catch {
            await lab.stop()
            throw error
        }
    }

    private func play(_ lab: FleetDemoLab, files: FleetDemoFiles, options: FleetDemoStory.Options) async throws -> ObserveDemoReport {
        let chapters = FleetDemoChapters(lab: lab, files: files, options: options, note: note)
        var simulatorOptions = FleetSimulator.Options(devices: options.devices)
        simulatorOptions.seed = options.seed
        simulatorOptions.concurrency = options.concurrency
        let fleet = try FleetSimulator(
            options: simulatorOptions, agents: lab.agents, model: FleetDemoStory.model, artifactSHA256: ArtifactDigest.of(bytes: FleetDemoFiles.incumbent.bytes).sha256)
        let lead = try chapters.release.remote("gus")
        _ = try await chapters.releaseIncumbent(fleet, lead)
        var problems: [String] = []

        // Four weeks back, on a Monday: in the past and within the 90-day retention.
        let start = DriftWindow(cadence: .weekly, containing: Date().addingTimeInterval(-28 * 86_400)).start
        let day = { @Sendable (number: Int) in start.addingTimeInterval(Double(number) * 86_400) }
        for number in 0..<28 {
            var effects = FleetSimulator.TelemetryEffects()
            for injection in Self.injections where injection.days.contains(number) { effects.drift.append((injection.effect, Self.affected)) }
            let sent = await fleet.emitTelemetry(batch: number + 1, requestsPerDevice: Self.requestsPerDevicePerDay, effects: effects, at: day(number).addingTimeInterval(43_200))
            if !sent.failed.isEmpty { problems.append("day \(number): \(sent.failed.prefix(2).joined(separator: "; "))") }
        }
        note("\(options.devices) devices reported 4 weeks of inferences (\(28 * options.devices * Self.requestsPerDevicePerDay) records, labelled); changes injected on \(Self.affected)")

        let store = lab.store
        let incidents = IncidentWatcher(store: store, logger: Logger(label: "edgeprof.demo.incidents", factory: { _ in SwiftLogNoOpLogHandler() }), sweep: .seconds(86_400))
        let step = { @Sendable (number: Int) async in
            var scheduler = DriftScheduler(store: store, logger: Logger(label: "edgeprof.demo.drift", factory: { _ in SwiftLogNoOpLogHandler() }), sweep: .seconds(86_400), webhooks: [])
            let now = day(number).addingTimeInterval(7200)
            scheduler.clock = { now }
            scheduler.collector = "demo-observe"
            await scheduler.checkDueWindows()
            await incidents.sweepAll()
        }
        let version = chapters.v100.description
        let dayFormat = Date.ISO8601FormatStyle().year().month().day()
        var detections: [ObserveDemoReport.Detection] = []
        for injection in Self.injections {
            await step(injection.detectedBy)
            var detection = ObserveDemoReport.Detection(
                effect: injection.name, deviceClass: Self.affected, injected: injection.days.map { day($0).formatted(dayFormat) }, paged: [], cleared: false)
            let alerts = try await store.alerts(model: version, openedSince: .distantPast)
            if let alert = alerts.first(where: { $0.rule == injection.kind.rule && $0.state != .resolved && $0.key.deviceClass == Self.affected }) {
                detection.kind = injection.kind.rawValue
                detection.severity = alert.severity.rawValue
                let history = try await store.driftHistory(DriftHistoryQuery(model: FleetDemoStory.model, kind: injection.kind, deviceClass: Self.affected, limit: 100))
                detection.window = history.first { $0.outcome.state == .firing }.map { $0.windowStart.formatted(dayFormat) }
                if let incident = try await store.registry.incidents().first(where: { $0.alertIDs.contains(alert.id) }) {
                    detection.incident = incident.id
                    detection.playbook = incident.playbook.rawValue
                    detection.paged = incident.paged.map(\.rawValue)
                    detection.resolvedBy = try await work(incident, lab: lab)
                } else {
                    problems.append("\(injection.name): alert #\(alert.id) opened no incident")
                }
                await step(injection.clearedBy)
                detection.cleared = try await store.alerts(model: version, openedSince: .distantPast).first { $0.id == alert.id }?.state == .resolved
                if !detection.cleared { problems.append("\(injection.name): its alert did not clear once the change was gone") }
            } else {
                problems.append("\(injection.name): no \(injection.kind.rule.rawValue) alert on \(Self.affected)")
                await step(injection.clearedBy)
            }
            note("\(injection.name) on \(Self.affected): " + (detection.kind.map { "\($0) drift (\(detection.severity ?? "")) in the window of \(detection.window ?? "?"), incident #\(detection.incident ?? 0)" } ?? "not detected"))
            detections.append(detection)
        }
        let history = try await store.driftHistory(DriftHistoryQuery(model: FleetDemoStory.model, limit: 10_000))
        let falseAlarms = history.filter { $0.outcome.state == .firing && $0.subject.deviceClass != Self.affected }
        for alarm in falseAlarms { problems.append("false alarm: \(alarm.kind.rawValue) on \(alarm.subject.deviceClass), \(alarm.windowStart.formatted(dayFormat)): \(alarm.outcome.summary)") }
        _ = try await chapters.release.register("1.1.0")
        _ = try await chapters.release.toStaging(chapters.v110)
        _ = try await chapters.rounds(fleet, lead, until: { $0.onAssignment == $0.devices && $0.shadowRunning == $0.devices })
        let shadow = try await shadowPeriod(fleet, chapters: chapters, problems: &problems)
        let abTest = try await abTest(fleet, chapters: chapters, lead: lead, problems: &problems)
        return ObserveDemoReport(
            verdict: problems.isEmpty ? "PASS" : "FAIL", problems: problems, collector: lab.url, database: lab.location, devices: options.devices,
            classes: Dictionary(grouping: fleet.devices, by: \.deviceClass).mapValues(\.count), checks: history.count, falseAlarms: falseAlarms.count,
            detections: detections, shadow: shadow, abTest: abTest)
    }

    /// The team works the incident through the API: bo (ml_engineer) acknowledges and takes it;
    /// it is resolved by whom its playbook names (eli for fairness, gus otherwise) and reviewed by gus.
    private func work(_ incident: Incident, lab: FleetDemoLab) async throws -> String {
        let resolver = incident.playbook == .fairnessAlert ? "eli" : "gus"
        for (person, action, body) in [
            ("bo", "acknowledge", try JSONCoding.encoder.encode(RegistryRequests.AcknowledgeIncident(note: "checking the data first"))),
            ("bo", "assign", try JSONCoding.encoder.encode(RegistryRequests.AssignIncident(assignee: "bo", reason: "on call"))),
            (resolver, "resolve", try JSONCoding.encoder.encode(RegistryRequests.ResolveIncident(resolution: "cause found in the telemetry; the change is gone"))),
            ("gus", "review", try JSONCoding.encoder.encode(RegistryRequests.ReviewIncident(notes: "detected in its first window; playbook followed"))),
        ] {
            guard let client = lab.people[person] else { throw AgentError.invalidArgument("the demo has no token for \(person)") }
            _ = try await client.call(.POST, "/v1/incidents/\(incident.id)/\(action)", body: body)
        }
        return resolver
    }

    /// 1.1.0 in staging runs in shadow on every device beside 1.0.0; two batches of both answers
    /// are reported now, and the collector's shadow report pairs them. Its 7-day period has only
    /// begun, so the staging gate's verdict waits: the report must say so, not pass.
    private func shadowPeriod(_ fleet: FleetSimulator, chapters: FleetDemoChapters, problems: inout [String]) async throws -> ObserveDemoReport.ShadowFigures {
        var effects = FleetSimulator.TelemetryEffects()
        effects.errorRate = [chapters.v100: 0.10, chapters.v110: 0.05]
        for batch in 1...2 { _ = await fleet.emitTelemetry(batch: 900 + batch, requestsPerDevice: 10, effects: effects, at: Date()) }
        guard let client = chapters.lab.people["bo"] else { throw AgentError.invalidArgument("the demo has no token for bo") }
        let report = try client.decoded(
            ShadowReport.self, from: try await client.call(.GET, RegistryRequests.versionPath(chapters.v110, "shadow-report")), what: "the shadow report")
        note("shadow of \(report.candidate): \(report.pairs) paired requests, \(report.outcome.rawValue) (\(report.findings.first ?? ""))")
        if report.pairs != 2 * 10 * fleet.devices.count { problems.append("the shadow report pairs \(report.pairs) requests, not \(2 * 10 * fleet.devices.count)") }
        if report.outcome != .inconclusive { problems.append("the shadow report is \(report.outcome.rawValue) before its 7-day period has run") }
        return ObserveDemoReport.ShadowFigures(
            candidate: report.candidate, pairs: report.pairs, agreementRate: report.agreementRate, accuracy: report.candidateFigures.accuracy,
            servedAccuracy: report.servedFigures.accuracy, accuracyPValue: report.accuracyPValue, scoreKSPValue: report.scoreKSPValue,
            outcome: report.outcome.rawValue, finding: report.findings.first ?? "")
    }

    /// 1.1.0 (known right 95 % of the time against 90 %) in an A/B test by device, judged on
    /// telemetry reported now, a batch at a time, until a verdict.
    private func abTest(_ fleet: FleetSimulator, chapters: FleetDemoChapters, lead: RegistryRemote, problems: inout [String]) async throws -> ObserveDemoReport.ABVerdictFigures {
        let minimum = 300
        let test = try await chapters.release.remote("bo").startABTest(ABTestRequest(
            model: FleetDemoStory.model, b: chapters.v110.version.description, split: 0.3, unit: .device, minimumSamples: minimum, maximumHours: 24,
            reason: "is 1.1.0 right more often?"))
        _ = try await chapters.rounds(fleet, lead, until: { $0.onAssignment == $0.devices })
        var effects = FleetSimulator.TelemetryEffects()
        effects.errorRate = [chapters.v100: 0.10, chapters.v110: 0.05]
        var figures = ObserveDemoReport.ABVerdictFigures(
            test: test.id, a: test.a.description, b: test.b.description, minimumSamples: minimum, batches: [], outcome: "inconclusive")
        guard let client = chapters.lab.people["bo"] else { throw AgentError.invalidArgument("the demo has no token for bo") }
        for batch in 1...12 {
            _ = await fleet.emitTelemetry(batch: 1000 + batch, requestsPerDevice: 10, effects: effects, at: Date())
            let report = try client.decoded(ABTestReport.self, from: try await client.call(.GET, "/v1/ab-tests/\(test.id)/verdict"), what: "the verdict")
            figures.batches.append("\(report.armA.labelled)/\(report.armB.labelled) \(report.verdict.outcome.rawValue)")
            if report.verdict.outcome != .inconclusive, report.armA.labelled < minimum || report.armB.labelled < minimum {
                problems.append("A/B verdict \(report.verdict.outcome.rawValue) before the minimum sample")
            }
            figures.outcome = report.verdict.outcome.rawValue
            let accuracy = report.verdict.metrics.first { $0.metric == "accuracy" }
            figures.pValue = accuracy?.pValue
            figures.accuracyA = report.armA.accuracy
            figures.accuracyB = report.armB.accuracy
            // No difference at one sequential look is not the end: the next look has twice the samples.
            if [.bWins, .bLoses].contains(report.verdict.outcome) { break }
        }
        note("A/B test \(test.id): \(figures.outcome) (p \(figures.pValue.map { String(format: "%.2e", $0) } ?? "—")) after \(figures.batches.count) batches")
        if figures.outcome != "b-wins" { problems.append("the A/B test of a known better B ended \(figures.outcome)") }
        _ = try await chapters.release.remote("bo").stopABTest(test.id, reason: "verdict given: \(figures.outcome)")
        return figures
    }
}
