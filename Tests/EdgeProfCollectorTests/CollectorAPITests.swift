@testable import EdgeProfCollector
import EdgeProfCore
import EdgeProfStore
import Foundation
import Hummingbird
import NIOHTTP1
import Testing

/// The collector's API on a real socket: routes match the OpenAPI document, nothing changes
/// without a token, uploads are stored exactly once, and every bad request is a 4xx that says why.
@Suite(.serialized) struct CollectorAPITests {
    /// MLflow's routes are MLflow's API (docs/mlflow.md) and the dashboard's are pages for people
    /// (docs/dashboard.md), not EdgeProf's API: the document leaves both out.
    @Test func theOpenAPIDocumentDescribesExactlyTheRoutesServed() throws {
        let application = CollectorApplication(store: try TemporaryCollectorStore.make(), configuration: CollectorConfiguration())
        let routes = application.makeRouter().routes.map { "\($0.method.rawValue) \($0.path)" }
        let mlflow = Set(MLflowRoute.allCases.map { "\($0.method.rawValue) \($0.path)" })
        let dashboard = Set(DashboardRoute.allCases.map { route in
            "\(route.method.rawValue) " + route.path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        })
        let served = Set(routes).subtracting(mlflow).subtracting(dashboard)
        #expect(Set(routes).subtracting(served) == mlflow.union(dashboard))
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var described = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { described.insert("\(method.uppercased()) \(path)") }
        }
        #expect(served == described)
        #expect(served.count == CollectorRoute.allCases.count)
    }

    @Test func noRouteThatChangesAnythingRunsWithoutAValidToken() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let expired = try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "old", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil),
            expiresAt: Date(timeIntervalSinceNow: -60))
        let revoked = try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "gone", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        let revokedID = String(revoked.dropFirst(4).prefix(12))
        let head = try await collector.store.registry.snapshot(model: "").auditHead
        _ = try await collector.store.registry.commit(GovernanceChange(
            actor: "test-setup", at: Date(), expectedAuditHead: head, operations: [.revokeToken(id: revokedID, at: Date(), reason: "test")]))
        let body = try Uploads.body(Uploads.upload())
        for route in CollectorRoute.allCases where route.access != .open {
            let path = route.path.replacingOccurrences(of: ":id", with: "1")
            let method = route.method == .post ? NIOHTTP1Method.POST : route.method == .delete ? .DELETE : .GET
            let cases: [(String?, String)] = [
                (nil, "this route needs an API token"),
                ("ept_000000000000_" + String(repeating: "0", count: 48), "the API token is not valid"),
                ("not-a-token", "the API token is not valid"),
                (expired, "expired on"),
                (revoked, "was revoked on"),
            ]
            for (token, message) in cases {
                let reply = try await collector.request(method, path, token: token, body: route.hasBody ? body : nil)
                #expect(reply.status == 401, "\(route) with \(token ?? "no token"): \(reply.body)")
                #expect(reply.errorMessage?.contains(message) == true, "\(route): \(reply.body)")
            }
        }
        #expect(try await collector.runCount() == 0, "nothing was written")
        for route in CollectorRoute.allCases where route.access == .open {
            #expect(try await collector.request(.GET, route.path).status == 200, "\(route) is open")
        }
        let refusals = CollectorRoute.allCases.filter { $0.access != .open }.count * 5
        let metrics = try await collector.request(.GET, "/metrics").body
        #expect(metrics.contains("edgeprof_http_refusals_total{status=\"401\"} \(refusals)"), "every 401 is counted: \(metrics)")
        #expect(Self.sum(metrics, "edgeprof_authentication_failures_total{") == Double(refusals), "every 401 is an authentication failure")
        let perReason = refusals / 5
        for reason in ["missing", "revoked", "expired"] {
            #expect(metrics.contains("edgeprof_authentication_failures_total{reason=\"\(reason)\"} \(perReason)"), "\(reason)")
        }
        #expect(metrics.contains("edgeprof_authentication_failures_total{reason=\"unknown\"} \(2 * perReason)"), "a mistyped and a malformed token")
        #expect(Self.sum(metrics, "edgeprof_http_requests_total{", containing: "status=\"401\"") == Double(refusals), "and a request of its route")
        #expect(metrics.contains("edgeprof_http_requests_total{method=\"POST\",route=\"/v1/runs\",status=\"401\"} 5"), "\(metrics)")
        #expect(metrics.contains("edgeprof_build_info{version=\"\(EdgeProfVersion.current)\"} 1"))
    }

    /// The sum of a metric's samples whose line starts with `prefix` (and contains `containing`).
    static func sum(_ exposition: String, _ prefix: String, containing: String = "") -> Double {
        exposition.split(separator: "\n").filter { $0.hasPrefix(prefix) && (containing.isEmpty || $0.contains(containing)) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test func anUploadIsStoredExactlyOnceAndListedWithItsFigures() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let upload = Uploads.upload(key: "run-0001-abcdef")
        let first = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(upload), headers: [("X-EdgeProf-Spool-Depth", "4")])
        #expect(first.status == 201, "\(first.body)")
        let runID = try #require(first.json?["runID"] as? Int)
        let again = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(upload))
        #expect(again.status == 200)
        #expect(again.json?["runID"] as? Int == runID)
        #expect(again.json?["duplicate"] as? Bool == true)
        var changed = upload
        changed.run.iterations[0].endTicks += 1
        changed.run.iterations[0].tokenTicks[1] += 1
        let reused = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(changed))
        #expect(reused.status == 409)
        #expect(reused.errorCode == "idempotency-key-reused")
        #expect(try await collector.runCount() == 1)

        let stored = try await collector.request(.GET, "/v1/runs/\(runID)", token: collector.personToken)
        #expect(stored.status == 200)
        let decoded = try JSONCoding.decoder.decode(StoredRun.self, from: Data(stored.body.utf8))
        #expect(decoded.run == upload.run, "every raw tick round-trips")
        let listed = try await collector.request(.GET, "/v1/runs?bench=bench-1", token: collector.agentToken)
        let runs = try #require(listed.json?["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs[0]["latencyP95Ms"] as? Double == 30)
        #expect(runs[0]["bench"] as? String == "bench-1")
        let agents = try await collector.request(.GET, "/v1/agents", token: collector.personToken)
        #expect(agents.body.contains("\"spoolDepth\":4"))
        let metrics = try await collector.request(.GET, "/metrics")
        #expect(metrics.body.contains("edgeprof_ingest_runs_total{outcome=\"stored\"} 1"))
        #expect(metrics.body.contains("edgeprof_ingest_runs_total{outcome=\"duplicate\"} 1"))
        #expect(metrics.body.contains("edgeprof_agent_spool_depth{bench=\"bench-1\"} 4"))
        let device = metrics.body.split(separator: "\n").filter { $0.hasPrefix("edgeprof_device_latency_p95_seconds{") }
        #expect(device.count == 1 && device[0].contains("device_class=\"sim-cortex-m4\",model=\"kws\",version=\"1.0.0\"") && device[0].hasSuffix(" 0.03"), "\(device)")
        #expect(metrics.body.contains("edgeprof_http_requests_total{method=\"POST\",route=\"/v1/runs\",status=\"201\"} 1"), "\(metrics.body)")
    }

    @Test func pagesCoverEveryRunOnceInOrder() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        for index in 0..<7 {
            let reply = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(Uploads.upload(key: "page-run-\(index)")))
            #expect(reply.status == 201)
        }
        var seen: [Int] = []
        var after = 0
        while true {
            let page = try await collector.request(.GET, "/v1/runs?limit=3&after=\(after)", token: collector.personToken)
            let runs = try #require(page.json?["runs"] as? [[String: Any]])
            seen += runs.compactMap { $0["id"] as? Int }
            guard let next = page.json?["next"] as? Int else { break }
            after = next
        }
        #expect(seen == Array(1...7))
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func badRequestsAre4xxWithAReasonAndWriteNothing(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind, maximumBodyBytes: 64 << 10)
        defer { Task { await collector.stop() } }
        let good = try Uploads.tree(Uploads.upload())
        func with(_ edit: (inout [String: Any]) -> Void) throws -> Data {
            var tree = good
            edit(&tree)
            return try Uploads.data(tree)
        }
        func editRun(_ tree: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
            var run = tree["run"] as! [String: Any]
            edit(&run)
            tree["run"] = run
        }
        let otherBench = try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "b2", kind: .agent, bench: "bench-2", createdAt: Date(), expiresAt: nil))
        let cases: [(String, Data, String?, String?, Int, String)] = [
            ("malformed JSON", Data("{\"bench\": ".utf8), nil, nil, 400, "malformed-json"),
            ("not an object", Data("[1, 2]".utf8), nil, nil, 400, "invalid-body"),
            ("missing field", try with { $0.removeValue(forKey: "bench") }, nil, nil, 400, "invalid-body"),
            ("wrong type", try with { $0["bench"] = 12 }, nil, nil, 400, "invalid-body"),
            ("unknown field", try with { $0["benchh"] = "x" }, nil, nil, 400, "unknown-field"),
            ("unknown nested field", try with { editRun(&$0) { $0["colour"] = "red" } }, nil, nil, 400, "unknown-field"),
            ("bad date", try with { $0["context"] = ["deviceClass": "c", "port": "p", "startedAt": "yesterday", "finishedAt": "2026-01-01T00:00:00Z"] }, nil, nil, 400, "invalid-body"),
            ("negative ticks", try with { editRun(&$0) { var its = $0["iterations"] as! [[String: Any]]; its[0]["startTicks"] = -5; $0["iterations"] = its } }, nil, nil, 400, "invalid-body"),
            ("ticks backwards", try with { editRun(&$0) { var its = $0["iterations"] as! [[String: Any]]; its[0]["endTicks"] = 0; $0["iterations"] = its } }, nil, nil, 422, "invalid-run"),
            ("zero tick rate", try with { editRun(&$0) { var board = $0["board"] as! [String: Any]; board["tickHz"] = 0; $0["board"] = board } }, nil, nil, 422, "invalid-run"),
            ("short key", try with { $0["idempotencyKey"] = "k" }, nil, nil, 422, "invalid-run"),
            // Issue 13: 503 with the database path and constraint, and an agent retrying forever.
            ("ticks past 2^63", try with { editRun(&$0) {
                var its = $0["iterations"] as! [[String: Any]]
                its[0]["endTicks"] = UInt64(1) << 63
                its[0]["tokenTicks"] = [Any]()
                $0["iterations"] = its
            } }, nil, nil, 422, "invalid-run"),
            ("NUL in a serial", try with { editRun(&$0) { var board = $0["board"] as! [String: Any]; board["serial"] = "SIM\u{0}1"; $0["board"] = board } }, nil, nil, 422, "invalid-run"),
            ("a two-hour iteration", try with { editRun(&$0) {
                var its = $0["iterations"] as! [[String: Any]]
                its[0]["endTicks"] = 1_000_000_000_000 as UInt64
                its[0]["tokenTicks"] = [Any]()
                $0["iterations"] = its
            } }, nil, nil, 422, "invalid-run"),
            ("unregistered model", try with { $0["model"] = "kws@9.9.9" }, nil, nil, 422, "unknown-model"),
            ("another artifact", try with {
                $0["artifactSHA256"] = String(repeating: "b", count: 64)
                editRun(&$0) { var model = $0["model"] as! [String: Any]; model["artifactSHA256"] = String(repeating: "b", count: 64); $0["model"] = model }
            }, nil, nil, 409, "artifact-mismatch"),
            ("another bench's token", try Uploads.data(good), otherBench, nil, 403, "forbidden"),
            ("not JSON content type", try Uploads.data(good), nil, "text/plain", 415, "not-json"),
            ("oversize body", Data(repeating: UInt8(ascii: " "), count: 70 << 10), nil, nil, 413, "body-too-large"),
        ]
        for (name, body, token, contentType, status, code) in cases {
            let reply = try await collector.request(.POST, "/v1/runs", token: token ?? collector.agentToken, body: body, contentType: contentType ?? "application/json")
            #expect(reply.status == status, "\(name): \(reply.body)")
            #expect(reply.errorCode == code, "\(name): \(reply.body)")
            #expect(reply.errorMessage?.isEmpty == false)
        }
        let queries = ["/v1/runs?limit=0", "/v1/runs?limit=x", "/v1/runs?after=-1", "/v1/runs?model=kws", "/v1/runs?colour=red", "/v1/runs/abc"]
        for query in queries {
            let reply = try await collector.request(.GET, query, token: collector.personToken)
            #expect(reply.status == 400, "\(query): \(reply.body)")
        }
        #expect(try await collector.request(.GET, "/v1/runs/99", token: collector.personToken).status == 404)
        let delete = try await collector.request(.DELETE, "/v1/runs", token: collector.personToken)
        #expect(delete.status == 404 || delete.status == 405, "\(delete.body)")
        #expect(delete.errorMessage?.contains("/openapi.json") == true)
        #expect(try await collector.request(.GET, "/v2/nothing").errorCode == "no-such-route")
        #expect(try await collector.runCount() == 0, "no partial write")
    }

    @Test func metricsPassPromtool() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        _ = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(Uploads.upload()), headers: [("X-EdgeProf-Spool-Depth", "2")])
        let metrics = try await collector.request(.GET, "/metrics")
        let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(promtool, "promtool is missing: install Debian's prometheus package (scripts/bootstrap does)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(metrics.body.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "promtool: \(said)")
        #expect(said.isEmpty, "promtool found nothing to lint: \(said)")
    }
}

typealias NIOHTTP1Method = NIOHTTP1.HTTPMethod

/// A real SQLite collector store in a new temporary file.
enum TemporaryCollectorStore {
    static func make() throws -> SQLiteCollectorStore {
        try SQLiteCollectorStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-router-\(UUID()).sqlite").path)
    }
}
