@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright (PyPI,
/// pinned in scripts/python-requirements.txt) through scripts/dashboard-check, against a live
/// collector holding a device's history with an injected regression. The script holds the
/// browser's expectations; here, the acts it made are in the store as ana's, and none as the viewer's.
@Suite(.serialized)
struct DashboardBrowserTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A run of `iterations` × 4 tokens whose latency is `latencyTicks` ms (tick 1 kHz).
    static func run(board: String, latencyTicks: UInt64, energyNanojoules: UInt64) -> RecordedRun {
        let iterations = 20
        return RecordedRun(
            request: RunRequest(tokens: 4, iterations: UInt32(iterations), warmup: 1),
            board: BoardInfo(protocolVersion: 1, board: board, serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: ["tokens"]),
            model: BoardModelInfo(model: "kws", artifactSHA256: LiveCollector.sha, quantization: "int8"),
            iterations: (0..<iterations).map { index in
                let start = UInt64(index) * 1000
                let step = latencyTicks / 4
                return RecordedIteration(
                    index: UInt32(index + 1), startTicks: start, endTicks: start + latencyTicks,
                    tokenTicks: [start + step, start + 2 * step, start + 3 * step, start + latencyTicks], energyNanojoules: energyNanojoules)
            },
            warmupIterations: 1, discardedIterations: 0, totals: RunTotals(aborted: false, iterations: UInt32(iterations), tokens: UInt64(4 * iterations), ramPeakBytes: 7),
            status: .complete, partialReason: nil, link: LinkStatistics())
    }

    func upload(_ collector: LiveCollector, _ number: Int, board: String = "b", latencyTicks: UInt64) async throws -> Int {
        var upload = Uploads.upload(key: "dashboard-\(board)-\(number)")
        upload.run = Self.run(board: board, latencyTicks: latencyTicks, energyNanojoules: 5000 + UInt64(number % 3) * 40)
        upload.context.startedAt = Date(timeIntervalSince1970: 1_800_000_000 + Double(number) * 3600)
        upload.context.finishedAt = upload.context.startedAt.addingTimeInterval(2)
        let reply = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(upload))
        #expect(reply.status == 201, "\(reply.body)")
        return reply.json?["runID"] as? Int ?? 0
    }

    @Test func aPersonWorksTheDashboardInARealBrowser() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: MLflowClientTests.python),
            "Playwright is missing: scripts/test installs scripts/python-requirements.txt into .build/python")
        var settings = CollectorSettings()
        settings.monitor.baselineRuns = 5
        (settings.monitor.confirmRuns, settings.monitor.clearRuns) = (1, 1)
        let collector = try await LiveCollector.start(settings: settings)
        defer { Task { await collector.stop() } }
        try await collector.addActor("ana", [.mlEngineer, .techLead])
        try await collector.addActor("vera", [.dataScientist])
        let viewer = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: "vera", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))

        var runs: [Int] = []
        for number in 1...8 { runs.append(try await upload(collector, number, latencyTicks: 30 + UInt64(number % 3))) }
        let regression = try await upload(collector, 9, latencyTicks: 70)
        for number in 1...2 { _ = try await upload(collector, number, board: "b2", latencyTicks: 40) }
        let open = try JSONCoding.decoder.decode([Alert].self, from: Data(try await collector.request(.GET, "/v1/alerts?state=open", token: collector.personToken).body.utf8))
        let band = try #require(open.first { $0.rule == .latencyBand && $0.firstRunID == Int64(regression) }, "the regression opens a latency-band alert: \(open)")

        let linkReply = try await collector.request(.POST, "/ui/links", token: collector.personToken)
        #expect(linkReply.status == 201, "\(linkReply.body)")
        let link = try #require(linkReply.json?["path"] as? String)
        #expect(try await collector.request(.POST, "/ui/links", token: collector.agentToken).status == 403, "an agent's token makes no sign-in link")
        #expect(try await collector.request(.POST, "/ui/links").status == 401)

        let policy = try await collector.store.registry.snapshot(model: "kws").policyInForce.parsed()
        let stage = try #require(ApprovalStage.allCases.first { $0 != .productionApproval && [.mlEngineer, .techLead].contains(policy.role(for: $0)) })

        var environment = ProcessInfo.processInfo.environment
        environment["EDGEPROF_URL"] = "http://127.0.0.1:\(collector.port)"
        environment["EDGEPROF_LINK"] = link
        environment["EDGEPROF_VIEWER_TOKEN"] = viewer
        environment["EDGEPROF_DEVICE"] = "b:s"
        environment["EDGEPROF_POINTS"] = "9"
        environment["EDGEPROF_REGRESSION_RUN"] = String(regression)
        environment["EDGEPROF_ALERT"] = String(band.id)
        environment["EDGEPROF_MODEL"] = "kws"
        environment["EDGEPROF_VERSION"] = "1.0.0"
        environment["EDGEPROF_STAGE"] = stage.rawValue
        environment["EDGEPROF_COMPARE"] = "\(runs[0]),\(regression)"
        environment["EDGEPROF_SCREENSHOTS"] = Self.repository.appendingPathComponent(".build/dashboard-screenshots").path
        let (status, said) = try await MLflowClientTests.run(script: "scripts/dashboard-check", environment: environment)
        #expect(status == 0, "scripts/dashboard-check:\n\(said)")

        let trail = try await collector.store.registry.auditTrail()
        #expect(trail.contains { $0.action == "alert.acknowledge" && $0.actor == "ana" && $0.subject == "alert \(band.id)" })
        #expect(trail.contains { $0.action == "model.approve" && $0.actor == "ana" && $0.subject == "kws@1.0.0" && $0.after?.contains(stage.rawValue) == true })
        #expect(!trail.contains { $0.actor == "vera" && $0.action != "actor.add" }, "the viewer's forged act wrote nothing")
        let acknowledged = try await collector.store.alert(id: band.id)
        #expect(acknowledged?.state == .acknowledged && acknowledged?.acknowledgedBy == "ana")
    }
}
