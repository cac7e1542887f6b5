import EdgeProfCore
import Foundation
import EdgeProfPostgres
import Testing

/// One suite, two stores: SQLite and PostgreSQL keep runs, tokens, agent reports and alerts
/// with the same behaviour, down to every raw tick.
@Suite(.serialized) struct CollectorStoreContractTests {
    static let kinds: [StoreKind] = StoreKind.postgresURL == nil ? [.sqlite] : StoreKind.allCases

    @Test func postgresIsTestedWhenTheTestScriptRuns() {
        if ProcessInfo.processInfo.environment["EDGEPROF_REQUIRE_POSTGRES"] == "1" {
            #expect(StoreKind.postgresURL != nil, "scripts/test promised a PostgreSQL server")
        }
    }

    @Test(arguments: kinds) func uploadsAreStoredOnceAndReadBackWhole(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let store = fixture.store
        let upload = Uploads.upload(key: "contract-run-1")
        let first = try await store.ingest(upload, contentSHA256: upload.contentSHA256)
        #expect(first.duplicate == false)
        let again = try await store.ingest(upload, contentSHA256: upload.contentSHA256)
        #expect(again == RunReceipt(runID: first.runID, duplicate: true))
        var changed = upload
        changed.context.port = "/dev/pts/9"
        await #expect(throws: IngestRefusal.keyReused(key: "contract-run-1", runID: first.runID)) {
            try await store.ingest(changed, contentSHA256: changed.contentSHA256)
        }
        var unknown = Uploads.upload(key: "contract-run-2", model: "kws@9.0.0")
        await #expect(throws: IngestRefusal.unknownModel("kws@9.0.0")) { try await store.ingest(unknown, contentSHA256: unknown.contentSHA256) }
        unknown = Uploads.upload(key: "contract-run-3")
        unknown.artifactSHA256 = String(repeating: "c", count: 64)
        await #expect(throws: IngestRefusal.self) { try await store.ingest(unknown, contentSHA256: unknown.contentSHA256) }

        let stored = try #require(try await store.run(id: first.runID))
        #expect(stored.run == upload.run, "every iteration and token tick")
        #expect(stored.context.deviceClass == upload.context.deviceClass)
        #expect(abs(stored.context.startedAt.timeIntervalSince(upload.context.startedAt)) < 0.001)
        #expect(try await store.run(id: 999) == nil)
        #expect(try await store.models().map(\.reference) == [LiveCollector.reference])
    }

    @Test(arguments: kinds) func pagesAndFiltersAgree(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        for index in 0..<5 {
            let upload = Uploads.upload(key: "page-run-\(index)", bench: index % 2 == 0 ? "bench-1" : "bench-2")
            _ = try await fixture.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        let all = try await fixture.store.runSummaries(RunQuery(limit: 10)).map(\.id)
        #expect(all == [1, 2, 3, 4, 5])
        let page = try await fixture.store.runSummaries(RunQuery(after: all[1], limit: 2)).map(\.id)
        #expect(page == Array(all[2...3]))
        let bench2 = try await fixture.store.runSummaries(RunQuery(bench: "bench-2", limit: 10))
        #expect(bench2.count == 2 && bench2.allSatisfy { $0.bench == "bench-2" })
        #expect(try await fixture.store.runSummaries(RunQuery(model: ModelReference(name: "kws", version: SemanticVersion(major: 2, minor: 0, patch: 0)), limit: 10)).isEmpty)
        #expect(try await fixture.store.runSummaries(RunQuery(deviceClass: "sim-cortex-m4", limit: 10)).count == 5)

        var other = Uploads.upload(key: "page-run-other-board", bench: "bench-1")
        other.run.board.board = "b2"
        _ = try await fixture.store.ingest(other, contentSHA256: other.contentSHA256)
        let device = try await fixture.store.runSummaries(RunQuery(device: ("b", "s"), limit: 10)).map(\.id)
        #expect(device == all, "one board instance's runs, by its name and serial")
        #expect(try await fixture.store.runSummaries(RunQuery(device: ("b2", "s"), limit: 10)).map(\.board) == ["b2"])
        #expect(try await fixture.store.runSummaries(RunQuery(device: ("b", "other"), limit: 10)).isEmpty)
        let latest = try await fixture.store.runSummaries(RunQuery(device: ("b", "s"), limit: 2, newestFirst: true)).map(\.id)
        #expect(latest == [all[4], all[3]], "the latest runs, newest first")
        #expect(try await fixture.store.runSummaries(RunQuery(after: all[3], limit: 10, newestFirst: true)).map(\.id) == [6, all[4]])
    }

    /// Issue 13: a page of runs loaded every run's token ticks to summarise it. Pages now read the
    /// headline stored with each run, which equals the summary of its raw timings; a run stored
    /// before headlines existed gets its own when the store opens.
    @Test(arguments: kinds) func pagesShowTheHeadlineStoredWithEachRun(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        for index in 0..<3 {
            let upload = Uploads.upload(key: "headline-run-\(index)", bench: "bench-1", latencyTicks: UInt64(30 + 7 * index))
            _ = try await fixture.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        let listed = try await fixture.store.runSummaries(RunQuery(limit: 10))
        var fromRaw: [CollectedRunSummary] = []
        for summary in listed {
            let stored = try #require(try await fixture.store.run(id: summary.id))
            fromRaw.append(CollectedRunSummary(stored: stored, bench: "bench-1"))
        }
        #expect(listed.count == 3)
        #expect(listed == fromRaw)
        #expect(Set(listed.map(\.latencyP95Ms)).count == 3, "each run its own figures")

        _ = try await fixture.execute("UPDATE run SET headline_json = NULL")
        let reopened = try await fixture.another()
        defer { reopened.close() }
        #expect(try await reopened.store.runSummaries(RunQuery(limit: 10)) == fromRaw)
    }

    /// `/metrics` reads its per-device figures from the store: the latest complete run of each
    /// model on each board, whichever collector received it; two handles on one database agree.
    @Test(arguments: kinds) func metricsShowTheLatestCompleteRunPerBoardAndModel(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        for (index, (serial, ticks)) in [("SIM-A", 30), ("SIM-A", 44), ("SIM-B", 50)].enumerated() {
            var upload = Uploads.upload(key: "metrics-run-\(index)", latencyTicks: UInt64(ticks))
            upload.run.board.serial = serial
            upload.context.finishedAt = Date(timeIntervalSince1970: 1_800_000_002 + Double(index))
            _ = try await fixture.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        var partial = Uploads.upload(key: "metrics-partial", latencyTicks: 99)
        partial.run.board.serial = "SIM-B"
        partial.run.status = .partial
        partial.run.partialReason = "aborted"
        _ = try await fixture.store.ingest(partial, contentSHA256: partial.contentSHA256)

        let snapshot = try await fixture.store.metricsSnapshot()
        #expect(snapshot.devices.map(\.serial) == ["SIM-A", "SIM-B"])
        #expect(snapshot.devices.map(\.headline.latencyP95Ms) == [44, 50], "the newest complete run of each board; a partial one is left out")
        #expect(snapshot.devices.allSatisfy { $0.model == "kws" && $0.version == "1.0.0" && $0.deviceClass == "sim-cortex-m4" && $0.bench == "bench-1" })
        #expect(snapshot.devices[0].finishedAt == Date(timeIntervalSince1970: 1_800_000_003))
        #expect(snapshot.webhookBacklog == 0 && snapshot.oldestPendingWebhook == nil)
        let another = try await fixture.another()
        defer { another.close() }
        #expect(try await another.store.metricsSnapshot() == snapshot, "every collector on the database says the same")
    }

    /// Uploads arriving together (from two collectors on one database, too): each new key stored
    /// once, every retry answered with the first id, a refused upload harming none of the others.
    @Test(arguments: kinds) func concurrentUploadsAreStoredOnceEach(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let second = try await fixture.another()
        defer { second.close() }
        let stores = [fixture.store, second.store]
        let uploads = (0..<40).map { Uploads.upload(key: "burst-run-\($0 % 25)", latencyTicks: UInt64(30 + $0 % 25)) }
        let unknown = Uploads.upload(key: "burst-unknown", model: "kws@9.0.0")
        let malformed = Uploads.upload(key: "burst-malformed", model: "no version")
        let outcomes = await withTaskGroup(of: (String, Result<RunReceipt, IngestRefusal>).self) { group in
            for (index, upload) in (uploads + [unknown, malformed]).enumerated() {
                let store = stores[index % 2]
                group.addTask {
                    do throws(IngestRefusal) {
                        return (upload.idempotencyKey, .success(try await store.ingest(upload, contentSHA256: upload.contentSHA256)))
                    } catch {
                        return (upload.idempotencyKey, .failure(error))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.first { $0.0 == "burst-unknown" }?.1 == .failure(.unknownModel("kws@9.0.0")))
        guard case .failure(.store)? = outcomes.first(where: { $0.0 == "burst-malformed" })?.1 else {
            Issue.record("an upload whose work throws fails alone, as a store error")
            return
        }
        let accepted = outcomes.filter { $0.0.hasPrefix("burst-run-") }
        let receipts = accepted.compactMap { try? $0.1.get() }
        #expect(receipts.count == 40, "every other upload is acknowledged")
        #expect(receipts.filter { !$0.duplicate }.count == 25, "one new run per key")
        let idsByKey = Dictionary(grouping: accepted, by: \.0).mapValues { Set($0.compactMap { try? $0.1.get().runID }) }
        #expect(idsByKey.values.allSatisfy { $0.count == 1 }, "a key's retries answer its first run id")
        #expect(try await fixture.store.runSummaries(RunQuery(limit: 100)).count == 25)
    }

    @Test(arguments: kinds) func tokensAndAgentReports(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let store = fixture.store
        let made = APIToken.make(randomBytes: Array(repeating: 7, count: 30))
        let grant = TokenGrant(id: made.id, actor: "b1", kind: .agent, bench: "bench-1", createdAt: Date(timeIntervalSince1970: 1_900_000_000), expiresAt: nil)
        try await LiveCollector.issue(grant, sha256: made.sha256, in: store.registry)
        #expect(try await store.grant(tokenSHA256: made.sha256) == grant)
        #expect(try await store.grant(tokenSHA256: String(repeating: "0", count: 64)) == nil)
        let registry = store.registry
        func commit(_ operation: GovernanceOperation) async throws {
            let head = try await registry.snapshot(model: "").auditHead
            _ = try await registry.commit(GovernanceChange(actor: "test-setup", at: Date(), expectedAuditHead: head, operations: [operation]))
        }
        try await commit(.limitToken(id: made.id, expiresAt: Date(timeIntervalSince1970: 1_900_000_200)))
        #expect(try await store.grant(tokenSHA256: made.sha256)?.expiresAt == Date(timeIntervalSince1970: 1_900_000_200))
        try await commit(.revokeToken(id: made.id, at: Date(timeIntervalSince1970: 1_900_000_100), reason: "test"))
        #expect(try await store.grant(tokenSHA256: made.sha256)?.revokedAt == Date(timeIntervalSince1970: 1_900_000_100))
        await #expect(throws: StoreError.self, "a revoked token is not revoked twice") {
            try await commit(.revokeToken(id: made.id, at: Date(), reason: "again"))
        }
        await #expect(throws: StoreError.self) { try await commit(.revokeToken(id: "nosuchtoken0", at: Date(), reason: "x")) }
        #expect(try await store.tokens().map(\.id) == [made.id])
        let actions = try await registry.auditTrail().map(\.action)
        #expect(actions.filter { $0.hasPrefix("token.") } == ["token.issue", "token.limit", "token.revoke"], "\(actions)")
        try await store.recordAgentReport(AgentReport(bench: "bench-1", spoolDepth: 3, reportedAt: Date(timeIntervalSince1970: 1_900_000_000)))
        try await store.recordAgentReport(AgentReport(bench: "bench-1", spoolDepth: 0, reportedAt: Date(timeIntervalSince1970: 1_900_000_050)))
        #expect(try await store.agentReports() == [AgentReport(bench: "bench-1", spoolDepth: 0, reportedAt: Date(timeIntervalSince1970: 1_900_000_050))])
    }

    @Test(arguments: kinds) func alertsOpenOnceResolveAndQueueOrderedWebhookEvents(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let store = fixture.store
        var ids: [Int64] = []
        for index in 0..<4 {
            let upload = Uploads.upload(key: "alert-run-\(index)")
            ids.append(try await store.ingest(upload, contentSHA256: upload.contentSHA256).runID)
        }
        let key = MonitorKey(model: "kws@1.0.0", deviceClass: "sim-cortex-m4", device: "b:s")
        #expect(try await store.monitorHistory(key, runID: ids[1], baselineRuns: 2, recentRuns: 5) == nil, "a baseline run is not judged")
        let history = try #require(try await store.monitorHistory(key, runID: ids[3], baselineRuns: 2, recentRuns: 3))
        #expect(history.baseline.map(\.id) == Array(ids[0...1]))
        #expect(history.recent.map(\.id) == Array(ids[1...3]))
        let again = try #require(try await store.monitorHistory(key, runID: ids[3], baselineRuns: 2, recentRuns: 3))
        #expect(again.baseline == history.baseline && again.recent == history.recent, "runs read before (kept decoded) give the same history")
        #expect(history.recent.last?.run.iterations.map(\.endTicks) == Uploads.upload(key: "alert-run-3").run.iterations.map(\.endTicks))

        let firing = MonitorFinding(rule: .latencyRatio, severity: .critical, state: .firing, summary: "slow", value: 3, threshold: 2)
        let clear = MonitorFinding(rule: .latencyRatio, severity: .critical, state: .clear, summary: "fine")
        let hook = [WebhookTarget(url: "http://hooks/a", secret: "s"), WebhookTarget(url: "http://hooks/b", minimumSeverity: .high, secret: "s")]
        let opened = try await store.applyFindings([firing], key: key, runID: ids[2], at: Date(timeIntervalSince1970: 1_900_000_000), webhooks: hook)
        #expect(opened.map(\.event) == ["alert.opened"])
        #expect(try await store.applyFindings([firing], key: key, runID: ids[3], at: Date(timeIntervalSince1970: 1_900_000_010), webhooks: hook).isEmpty)
        let alert = try #require(try await store.alerts(state: .open, limit: 10).first)
        #expect(alert.occurrences == 2 && alert.lastRunID == ids[3] && alert.firstRunID == ids[2])
        #expect(try await store.liveAlertCounts() == [.critical: 1])
        let acknowledgement = AlertAcknowledgement(
            alertID: alert.id, rule: alert.rule, key: alert.key, actor: "ana", at: Date(timeIntervalSince1970: 1_900_000_020), reason: "on it")
        func acknowledge() async throws {
            let head = try await store.registry.snapshot(model: "").auditHead
            _ = try await store.registry.commit(GovernanceChange(
                actor: "ana", at: acknowledgement.at, expectedAuditHead: head, operations: [.acknowledgeAlert(acknowledgement)]))
        }
        try await acknowledge()
        let acknowledged = try #require(try await store.alert(id: alert.id))
        #expect(acknowledged.state == .acknowledged && acknowledged.acknowledgedBy == "ana" && acknowledged.acknowledgedAt == acknowledgement.at)
        #expect(try await store.alert(id: 424242) == nil)
        let entries = try await store.registry.auditTrail().count
        await #expect(throws: StoreError.self, "an alert no longer open is not acknowledged again") { try await acknowledge() }
        #expect(try await store.registry.auditTrail().count == entries, "the refused act wrote no audit entry")
        let entry = try #require(try await store.registry.auditTrail().last)
        #expect(entry.action == "alert.acknowledge" && entry.actor == "ana" && entry.subject == "alert \(alert.id)" && entry.reason == "on it")
        let resolved = try await store.applyFindings([clear], key: key, runID: ids[3], at: Date(timeIntervalSince1970: 1_900_000_030), webhooks: hook)
        #expect(resolved.map(\.event) == ["alert.resolved"])
        #expect(try await store.alerts(state: .resolved, limit: 10).first?.resolvedByRunID == ids[3])
        #expect(try await store.liveAlertCounts().isEmpty)

        let now = Date(timeIntervalSince1970: 1_900_000_100)
        let due = try await store.dueWebhookDeliveries(now: now, limit: 10)
        #expect(due.map(\.url).sorted() == ["http://hooks/a", "http://hooks/b"], "one per URL at a time: its oldest event")
        let first = try #require(due.first { $0.url == "http://hooks/a" })
        #expect(try JSONCoding.decoder.decode(AlertEvent.self, from: first.body).event == "alert.opened")
        try await store.markWebhookFailed(id: first.id, error: "HTTP 503", next: now.addingTimeInterval(5))
        let afterFailure = try await store.dueWebhookDeliveries(now: now.addingTimeInterval(100), limit: 10)
        #expect(afterFailure.first { $0.url == "http://hooks/a" }?.id == first.id, "the failed event goes first, before the resolution")
        for delivery in afterFailure { try await store.markWebhookDelivered(id: delivery.id, at: now) }
        let next = try await store.dueWebhookDeliveries(now: now.addingTimeInterval(200), limit: 10)
        #expect(next.count == 2)
        #expect(try next.allSatisfy { try JSONCoding.decoder.decode(AlertEvent.self, from: $0.body).event == "alert.resolved" })

        // A dead delivery leaves the queue without blocking its URL, and comes back when re-sent.
        let dead = try #require(next.first { $0.url == "http://hooks/a" })
        try await store.markWebhookDead(id: dead.id, error: "HTTP 400: refused", at: now)
        #expect(try await store.dueWebhookDeliveries(now: now.addingTimeInterval(300), limit: 10).map(\.url) == ["http://hooks/b"])
        let letters = try await store.webhookDeliveries(state: .dead, limit: 10)
        #expect(letters.map(\.id) == [dead.id] && letters.first?.lastError == "HTTP 400: refused" && letters.first?.attempts == 1)
        #expect(try await store.webhookDeliveries(state: .delivered, limit: 10).count == 2)
        #expect(try await store.resendWebhook(id: dead.id, at: now))
        #expect(try await store.resendWebhook(id: dead.id, at: now) == false, "only a dead delivery is re-sent")
        #expect(try await store.webhookDeliveries(state: .pending, limit: 10).map(\.attempts).contains(0))
        #expect(try await store.dueWebhookDeliveries(now: now.addingTimeInterval(300), limit: 10).map(\.id).contains(dead.id))
    }
}

/// A PostgreSQL URL that cannot work is refused by one connection attempt, in the server's words,
/// not by the pool's minute of retries.
@Suite struct PostgresLocationTests {
    @Test func anUnreachableServerIsNamedAtOnce() async throws {
        let store = try PostgresCollectorStore(url: "postgres://lab:secret@127.0.0.1:1/lab")
        #expect(!store.location.contains("secret"), "no password in messages")
        let runner = Task { await store.client.run() }
        defer { runner.cancel() }
        var failure: StoreError?
        do throws(StoreError) { try await store.migrate() } catch { failure = error }
        guard case .unavailable(_, let reason)? = failure else {
            Issue.record("expected the single-connection check to refuse, got \(String(describing: failure))")
            return
        }
        #expect(reason.contains("Connection refused"), "the server's (here: the kernel's) words: \(reason)")
        #expect(reason.contains("check the URL's host, port, user, password and database"))
    }

    @Test func malformedURLsAreRefusedWithTheShapeToWrite() {
        #expect(throws: StoreError.self) { try PostgresCollectorStore(url: "postgres://") }
        #expect(throws: StoreError.self) { try PostgresCollectorStore(url: "postgres://host") }
        #expect(PostgresLocation.isPostgres("postgresql://u@h/db") && !PostgresLocation.isPostgres("/tmp/lab.sqlite"))
        // A mistyped URL is a malformed URL, never a SQLite file in a folder named postgres:.
        #expect(PostgresLocation.isPostgres("postgres:/postgres@127.0.0.1:5432/lab"))
        #expect(throws: StoreError.self) { try PostgresCollectorStore(url: "postgres:/postgres@127.0.0.1:5432/lab") }
        #expect(PostgresLocation.url("postgres://postgres@127.0.0.1:5432/postgres", database: "lab") == "postgres://postgres@127.0.0.1:5432/lab")
    }
}
