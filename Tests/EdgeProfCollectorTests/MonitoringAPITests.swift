import EdgeProfCore
import Foundation
import NIOHTTP1
import Testing

/// Per-device monitoring through the API: a regression opens one alert per rule (deduplicated
/// across runs), it is acknowledged, resolves by itself on recovery, and the webhook receives
/// exactly the opening and the resolution, even when its first delivery fails.
@Suite(.serialized) struct MonitoringAPITests {
    func upload(_ collector: LiveCollector, _ number: Int, latencyTicks: UInt64) async throws -> Int {
        var upload = Uploads.upload(key: "monitor-run-\(number)", latencyTicks: latencyTicks)
        upload.context.startedAt = Date(timeIntervalSince1970: 1_800_000_000 + Double(number))
        upload.context.finishedAt = upload.context.startedAt.addingTimeInterval(1)
        let reply = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(upload))
        #expect(reply.status == 201, "\(reply.body)")
        return reply.json?["runID"] as? Int ?? 0
    }

    func alerts(_ collector: LiveCollector, _ query: String = "") async throws -> [Alert] {
        let reply = try await collector.request(.GET, "/v1/alerts\(query)", token: collector.personToken)
        return try JSONCoding.decoder.decode([Alert].self, from: Data(reply.body.utf8))
    }

    @Test func aRegressionOpensOneAlertThatResolvesOnRecovery() async throws {
        let webhook = try await WebhookReceiver.start(failFirst: 1)
        defer { Task { await webhook.stop() } }
        var settings = CollectorSettings(webhooks: [webhook.target(minimumSeverity: .critical)])
        settings.monitor.baselineRuns = 3
        (settings.monitor.confirmRuns, settings.monitor.clearRuns) = (1, 1)  // the alert mechanics; confirmation has its own test
        let collector = try await LiveCollector.start(settings: settings)
        defer { Task { await collector.stop() } }

        for number in 1...3 { _ = try await upload(collector, number, latencyTicks: 30) }
        #expect(try await alerts(collector).isEmpty, "the baseline itself is not judged")
        _ = try await upload(collector, 4, latencyTicks: 30)
        #expect(try await alerts(collector).isEmpty, "a run like the baseline raises nothing")

        let regressed = try await upload(collector, 5, latencyTicks: 70)
        let opened = try await alerts(collector, "?state=open")
        let ratio = try #require(opened.first { $0.rule == .latencyRatio })
        #expect(ratio.severity == .critical)
        #expect(ratio.key == MonitorKey(model: "kws@1.0.0", deviceClass: "sim-cortex-m4", device: "b:s"))
        #expect(ratio.firstRunID == Int64(regressed))
        #expect(ratio.finding.summary == "latency p95 70 ms is 2.333× the baseline median 30 ms (limit 2×)")
        #expect(opened.contains { $0.rule == .latencyBand }, "outside mean ± 3σ of identical baseline runs")

        _ = try await upload(collector, 6, latencyTicks: 70)
        let still = try await alerts(collector, "?state=open").filter { $0.rule == .latencyRatio }
        #expect(still.count == 1, "deduplicated: one alert per rule and device")
        #expect(still.first?.occurrences == 2)

        let viewer = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: "vera", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        try await collector.addActor("vera", [.dataScientist])
        let refused = try await collector.request(.POST, "/v1/alerts/\(ratio.id)/ack", token: viewer)
        #expect(refused.status == 403, "a data_scientist does not acknowledge alerts: \(refused.body)")
        try await collector.addActor("ana", [.mlEngineer])
        let ack = try await collector.request(.POST, "/v1/alerts/\(ratio.id)/ack", token: collector.personToken)
        #expect(ack.status == 200)
        #expect(ack.json?["state"] as? String == "acknowledged")
        #expect(ack.json?["acknowledgedBy"] as? String == "ana")
        let again = try await collector.request(.POST, "/v1/alerts/\(ratio.id)/ack", token: collector.personToken)
        #expect(again.status == 409 && again.errorMessage?.contains("already acknowledged by ana") == true, "\(again.body)")
        let trail = try await collector.store.registry.auditTrail().filter { $0.action == "alert.acknowledge" }
        #expect(trail.map(\.actor) == ["ana"] && trail.first?.subject == "alert \(ratio.id)", "one audited act, ana's")
        #expect(try await collector.request(.POST, "/v1/alerts/\(ratio.id)/ack", token: collector.agentToken).status == 403, "agents do not acknowledge")

        let metrics = try await collector.request(.GET, "/metrics")
        #expect(metrics.body.contains("edgeprof_alerts_live{severity=\"critical\"} 1"))

        let recovered = try await upload(collector, 7, latencyTicks: 30)
        let resolved = try await alerts(collector, "?state=resolved")
        #expect(resolved.first { $0.id == ratio.id }?.resolvedByRunID == Int64(recovered))
        let open = try await alerts(collector, "?state=open")
        let acknowledged = try await alerts(collector, "?state=acknowledged")
        #expect(open.isEmpty && acknowledged.isEmpty)

        let events = await webhook.waitFor(2, seconds: 60)
        #expect(events.map(\.event) == ["alert.opened", "alert.resolved"], "critical only; the failed first delivery was retried")
        #expect(events.allSatisfy { $0.alert.id == ratio.id })
        #expect(try await Self.sample(collector, "edgeprof_alert_deliveries_total{receiver=\"webhook\",outcome=\"delivered\"}", reaches: 2) == 2)
        #expect(try await Self.sample(collector, "edgeprof_alert_deliveries_total{receiver=\"webhook\",outcome=\"retried\"}", reaches: 1) == 1)
        #expect(try await Self.sample(collector, "edgeprof_webhook_backlog", reaches: 0) == 0, "nothing left queued")
    }

    /// A sample of /metrics once it reaches `value` (the dispatcher counts a delivery just after
    /// the receiver answered), or its last value after 30 s.
    static func sample(_ collector: LiveCollector, _ series: String, reaches value: Double) async throws -> Double? {
        var last: Double?
        for _ in 0..<300 {
            let body = try await collector.request(.GET, "/metrics").body
            last = body.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
            if last == value { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    @Test func tooLittleDataIsInconclusiveNotAnAlertNorAnAllClear() async throws {
        var settings = CollectorSettings()
        settings.monitor.baselineRuns = 1
        (settings.monitor.confirmRuns, settings.monitor.clearRuns) = (1, 1)
        let collector = try await LiveCollector.start(settings: settings)
        defer { Task { await collector.stop() } }
        _ = try await upload(collector, 1, latencyTicks: 30)
        _ = try await upload(collector, 2, latencyTicks: 90)
        let open = try await alerts(collector)
        #expect(open.map(\.rule) == [.latencyRatio], "3 iterations are too few for KS, one baseline run too few for a band: only the ratio decides")
    }
}

extension MonitoringAPITests {
    /// After a deliberate change a person pins the runs that are right now: the device is judged
    /// against them, its alerts resolve, and unpinning returns it to its first complete runs.
    @Test(arguments: CollectorStoreContractTests.kinds) func aPinnedBaselineReplacesTheFirstRuns(kind: StoreKind) async throws {
        var settings = CollectorSettings()
        settings.monitor.baselineRuns = 3
        (settings.monitor.confirmRuns, settings.monitor.clearRuns) = (1, 1)  // the alert mechanics; confirmation has its own test
        let collector = try await LiveCollector.start(on: kind, settings: settings)
        defer { Task { await collector.stop() } }
        for number in 1...3 { _ = try await upload(collector, number, latencyTicks: 30) }
        var slower: [Int] = []
        for number in 4...6 { slower.append(try await upload(collector, number, latencyTicks: 70)) }
        #expect(try await alerts(collector, "?state=open").contains { $0.rule == .latencyRatio }, "judged against the first runs")

        func pin(_ runIDs: [Int], token: String? = nil, device: String = "b:s") async throws -> LiveCollector.Reply {
            let body: [String: Any] = ["model": "kws@1.0.0", "deviceClass": "sim-cortex-m4", "device": device, "runIDs": runIDs, "reason": "new firmware 2.1"]
            return try await collector.request(.POST, "/v1/baselines", token: token ?? collector.personToken, body: try JSONSerialization.data(withJSONObject: body))
        }
        #expect(try await pin(slower, token: collector.agentToken).status == 403, "agents do not choose baselines")
        let tooFew = try await pin(Array(slower.prefix(2)))
        #expect(tooFew.status == 422 && tooFew.errorMessage?.contains("at least 3 runs") == true, "\(tooFew.body)")
        let unknown = try await pin(slower + [999])
        #expect(unknown.status == 422 && unknown.errorMessage == "run 999 does not exist on this collector", "\(unknown.body)")
        let otherDevice = try await pin(slower, device: "b:other")
        #expect(otherDevice.status == 422 && otherDevice.errorMessage?.contains("not kws@1.0.0 on b:other") == true, "\(otherDevice.body)")

        let pinned = try await pin(slower)
        #expect(pinned.status == 201, "\(pinned.body)")
        #expect(pinned.json?["pinnedBy"] as? String == "ana")
        let listed = try await collector.request(.GET, "/v1/baselines", token: collector.agentToken)
        #expect(try JSONCoding.decoder.decode([BaselinePin].self, from: Data(listed.body.utf8)).map(\.runIDs) == [slower.map(Int64.init)])

        _ = try await upload(collector, 7, latencyTicks: 70)
        let stillOpen = try await alerts(collector, "?state=open")
        #expect(stillOpen.isEmpty, "a run like the pinned baseline resolves the alerts: \(stillOpen.map { "\($0.rule): \($0.finding.summary)" })")
        _ = try await upload(collector, 8, latencyTicks: 30)
        #expect(try await alerts(collector, "?state=open").contains { $0.rule == .latencyBand }, "now 30 ms is the departure")

        let query = "/v1/baselines?model=kws@1.0.0&deviceClass=sim-cortex-m4&device=b:s"
        #expect(try await collector.request(.DELETE, query, token: collector.personToken).status == 200)
        #expect(try await collector.request(.DELETE, query, token: collector.personToken).status == 404)
        #expect(try await collector.request(.DELETE, "/v1/baselines?model=kws@1.0.0", token: collector.personToken).status == 400)
    }
}

extension MonitoringAPITests {
    /// Issue 13: a receiver answering 400 blocked every later event to its URL, deliveries were
    /// not signed and could not carry the headers a receiver wants.
    @Test func aRefusedDeliveryIsDeadLetteredWithoutBlockingTheNextAndEveryDeliveryIsSigned() async throws {
        let webhook = try await WebhookReceiver.start(failFirst: 1, failWith: .badRequest)
        defer { Task { await webhook.stop() } }
        var settings = CollectorSettings(webhooks: [webhook.target(minimumSeverity: .critical, headers: ["X-Api-Key": "k-123"])])
        settings.monitor.baselineRuns = 3
        (settings.monitor.confirmRuns, settings.monitor.clearRuns) = (1, 1)  // the alert mechanics; confirmation has its own test
        let collector = try await LiveCollector.start(settings: settings)
        defer { Task { await collector.stop() } }
        for number in 1...3 { _ = try await upload(collector, number, latencyTicks: 30) }
        _ = try await upload(collector, 4, latencyTicks: 70)
        _ = try await upload(collector, 5, latencyTicks: 30)

        let received = await webhook.waitFor(1)
        #expect(received.first?.event == "alert.resolved", "the resolution still arrives after the refused opening: \(received.map(\.event))")
        #expect(webhook.headers.allSatisfy { $0["x-api-key"] == "k-123" && $0["x-edgeprof-delivery"] != nil }, "\(webhook.headers)")
        let dead = try await collector.request(.GET, "/v1/webhooks/deliveries?state=dead", token: collector.personToken)
        let letters = try #require(try JSONSerialization.jsonObject(with: Data(dead.body.utf8)) as? [[String: Any]])
        #expect(letters.count == 1 && (letters.first?["lastError"] as? String)?.hasPrefix("HTTP 400") == true, "\(dead.body)")
        #expect(try await Self.sample(collector, "edgeprof_alert_deliveries_total{receiver=\"webhook\",outcome=\"dead\"}", reaches: 1) == 1)
        let id = try #require(letters.first?["id"] as? Int)
        #expect(try await collector.request(.GET, "/v1/webhooks/deliveries", token: collector.agentToken).status == 403, "agents do not read the queue")
        #expect(try await collector.request(.POST, "/v1/webhooks/deliveries/\(id)/resend", token: collector.personToken).status == 202)
        #expect(try await collector.request(.POST, "/v1/webhooks/deliveries/\(id)/resend", token: collector.personToken).status == 404)
        let both = await webhook.waitFor(2, seconds: 60)
        #expect(both.map(\.event).sorted() == ["alert.opened", "alert.resolved"], "re-sent after the fix: \(both.map(\.event))")
    }
}

extension MonitoringAPITests {
    /// Through the collector with the default confirmation: one or two slow runs open nothing
    /// (their findings say so), the third in a row opens the alert, and one good run does not
    /// resolve it; the second does.
    @Test func anAlertNeedsThreeSlowRunsInARowAndTwoGoodOnesToResolve() async throws {
        var settings = CollectorSettings()
        settings.monitor.baselineRuns = 3
        let collector = try await LiveCollector.start(settings: settings)
        defer { Task { await collector.stop() } }
        for number in 1...3 { _ = try await upload(collector, number, latencyTicks: 30) }
        _ = try await upload(collector, 4, latencyTicks: 70)
        let second = try await upload(collector, 5, latencyTicks: 70)
        #expect(try await alerts(collector, "?state=open").isEmpty, "two slow runs are not yet an alert")
        let shown = try await collector.request(.GET, "/v1/runs/\(second)/findings", token: collector.personToken)
        let findings = try JSONCoding.decoder.decode([MonitorFinding].self, from: Data(shown.body.utf8))
        let ratio = try #require(findings.first { $0.rule == .latencyRatio })
        #expect(ratio.state == .inconclusive && ratio.summary.hasPrefix("firing on 2 consecutive runs of the 3 that open an alert"), "\(ratio.summary)")
        #expect(try await collector.request(.GET, "/v1/runs/1/findings", token: collector.personToken).status == 404, "a baseline run is not judged")
        _ = try await upload(collector, 6, latencyTicks: 70)
        let opened = try await alerts(collector, "?state=open")
        #expect(opened.contains { $0.rule == .latencyRatio && $0.finding.summary.hasPrefix("on 3 consecutive runs:") }, "\(opened.map(\.finding.summary))")
        _ = try await upload(collector, 7, latencyTicks: 30)
        #expect(try await alerts(collector, "?state=open").contains { $0.rule == .latencyRatio }, "one good run does not resolve it")
        _ = try await upload(collector, 8, latencyTicks: 30)
        #expect(try await alerts(collector, "?state=open").isEmpty)
    }
}
