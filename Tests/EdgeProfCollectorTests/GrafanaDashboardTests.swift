import EdgeProfCore
import Foundation
import Testing

/// docs/grafana/edgeprof-collector.json: a dashboard Grafana imports, whose every query names
/// metrics the collector really exposes (after one upload with energy), with the labels it uses.
@Suite struct GrafanaDashboardTests {
    static let dashboard = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/grafana/edgeprof-collector.json")

    @Test func everyPanelQueriesMetricsTheCollectorExposes() async throws {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: Self.dashboard)) as? [String: Any]
        let panels = try #require(object?["panels"] as? [[String: Any]])
        #expect(object?["uid"] as? String == "edgeprof-collector" && panels.count >= 10)
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= panels.count, "every panel queries something")
        #expect(Set(panels.compactMap { $0["id"] as? Int }).count == panels.count, "panel ids are unique")

        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        _ = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(Uploads.upload()), headers: [("X-EdgeProf-Spool-Depth", "1")])
        let exposition = try await collector.request(.GET, "/metrics").body
        let samples = Set(exposition.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            line.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init)
        })
        let named = Set(expressions.flatMap { expression in
            expression.matches(of: /edgeprof_[a-z0-9_]+/).map { String($0.output) }
        })
        #expect(!named.isEmpty)
        for metric in named.sorted() {
            #expect(samples.contains(metric), "the dashboard queries \(metric), which /metrics does not expose")
        }
        for label in ["board", "serial", "device_class", "model", "version", "route", "status", "reason", "receiver", "outcome"] {
            #expect(exposition.contains("\(label)=\""), "the dashboard's legends use the label \(label)")
        }
    }

    /// A database that does not answer must not look like a collector that is down: the scrape
    /// still answers, `edgeprof_store_up` says 0, and the figures come back with the database.
    @Test func aDatabaseThatDoesNotAnswerLeavesTheScrapeWorking() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        _ = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(Uploads.upload()))
        #expect(try await collector.request(.GET, "/metrics").body.contains("edgeprof_store_up 1"))
        _ = try await collector.executeSQL("ALTER TABLE run RENAME TO run_away")
        let down = try await collector.request(.GET, "/metrics")
        #expect(down.status == 200 && down.body.contains("edgeprof_store_up 0"), "\(down.body)")
        #expect(down.body.contains("edgeprof_device_latency_p95_seconds{"), "the last figures read stay")
        _ = try await collector.executeSQL("ALTER TABLE run_away RENAME TO run")
        #expect(try await collector.request(.GET, "/metrics").body.contains("edgeprof_store_up 1"))
    }
}
