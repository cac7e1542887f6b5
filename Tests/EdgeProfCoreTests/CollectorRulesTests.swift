@testable import EdgeProfCore
import Foundation
import Testing

/// The collector's pure rules: tokens, access, upload validation and strict JSON.
@Suite struct CollectorRulesTests {
    @Test func tokensHaveOneShapeAndOnlyTheirHashIsKept() {
        let made = APIToken.make(randomBytes: Array(0..<30))
        #expect(made.token == "ept_000102030405_060708090a0b0c0d0e0f101112131415161718191a1b1c1d")
        #expect(made.id == "000102030405")
        #expect(made.sha256 == APIToken.sha256(of: made.token))
        #expect(made.sha256.count == 64 && !made.sha256.contains(made.token))
        #expect(APIToken.isWellFormed(made.token))
        for bad in ["", "ept_", "ept_000102030405", "EPT_000102030405_" + String(repeating: "0", count: 48), "ept_00010203040G_" + String(repeating: "0", count: 48), made.token + "0"] {
            #expect(!APIToken.isWellFormed(bad), "\(bad)")
        }
    }

    @Test func accessIsDecidedByRuleGrantAndTime() throws {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let agent = TokenGrant(id: "a", actor: "bench", kind: .agent, bench: "b1", createdAt: now, expiresAt: nil)
        let person = TokenGrant(id: "p", actor: "ana", kind: .person, bench: nil, createdAt: now, expiresAt: now.addingTimeInterval(60))
        try CollectorAccess.check(.open, grant: nil, presented: false, now: now)
        try CollectorAccess.check(.ingest, grant: agent, presented: true, now: now)
        try CollectorAccess.check(.person, grant: person, presented: true, now: now)
        #expect(throws: AccessDenial.self) { try CollectorAccess.check(.anyToken, grant: nil, presented: false, now: now) }
        #expect(throws: AccessDenial.self) { try CollectorAccess.check(.anyToken, grant: nil, presented: true, now: now) }
        let late = Result { () throws(AccessDenial) in try CollectorAccess.check(.anyToken, grant: person, presented: true, now: now.addingTimeInterval(60)) }
        #expect(throws: AccessDenial(status: 401, description: "token p expired on 2033-05-18T03:34:20Z; ask for a new one", reason: "expired")) { try late.get() }
        let forbidden = Result { () throws(AccessDenial) in try CollectorAccess.check(.person, grant: agent, presented: true, now: now) }
        #expect((try? forbidden.get()) == nil)
        #expect(throws: AccessDenial(status: 403, description: "token a belongs to bench b1 and may not upload runs of bench b2", reason: "other-bench")) {
            try CollectorAccess.checkUpload(bench: "b2", grant: agent)
        }
        try CollectorAccess.checkUpload(bench: "b1", grant: agent)
        #expect(throws: AccessDenial.self, "bench binding applies whatever the token kind: a person's token names no bench") {
            try CollectorAccess.checkUpload(bench: "anything", grant: person)
        }
    }

    static func upload() -> RunUpload {
        let sha = String(repeating: "e", count: 64)
        return RunUpload(
            idempotencyKey: "key-00000001", bench: "b1", model: "kws@1.0.0", artifactSHA256: sha,
            context: RunContext(deviceClass: "m4", port: "p", startedAt: Date(timeIntervalSince1970: 10), finishedAt: Date(timeIntervalSince1970: 11)),
            run: RecordedRun(
                request: RunRequest(tokens: 2, iterations: 1, warmup: 0),
                board: BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: []),
                model: BoardModelInfo(model: "kws", artifactSHA256: sha, quantization: "int8"),
                iterations: [RecordedIteration(index: 1, startTicks: 5, endTicks: 30, tokenTicks: [10, 30])],
                warmupIterations: 0, discardedIterations: 0, totals: nil, status: .complete, partialReason: nil, link: LinkStatistics()))
    }

    /// A whole shadow of the upload's one iteration: 2 tokens, one agreeing.
    static func shadowIteration() -> ShadowIteration {
        ShadowIteration(index: 1, startTicks: 31, endTicks: 70, tokenTicks: [50, 70], tokenIDs: [4, 5], matchingTokens: 1, servingTokens: 2)
    }

    @Test func uploadsThatCannotBeRightAreNamedByField() {
        #expect(RunUploadValidation.problem(in: Self.upload()) == nil)
        var withShadow = Self.upload()
        withShadow.run.shadow = ShadowRecording(model: withShadow.run.model, iterations: [Self.shadowIteration()], discardedIterations: 0)
        #expect(RunUploadValidation.problem(in: withShadow) == nil)
        let edits: [(String, (inout RunUpload) -> Void)] = [
            ("idempotencyKey", { $0.idempotencyKey = "short" }),
            ("bench", { $0.bench = "bad bench" }),
            ("model", { $0.model = "kws" }),
            ("artifactSHA256", { $0.artifactSHA256 = "E" + String(repeating: "e", count: 63) }),
            ("context.deviceClass", { $0.context.deviceClass = "" }),
            ("context.finishedAt", { $0.context.finishedAt = Date(timeIntervalSince1970: 0) }),
            ("run.board.tickHz", { $0.run.board.tickHz = 0 }),
            ("run.model.artifactSHA256", { $0.run.model.artifactSHA256 = String(repeating: "f", count: 64) }),
            ("run.iterations[1].index", { $0.run.iterations.append($0.run.iterations[0]) }),
            ("run.iterations[0].endTicks", { $0.run.iterations[0].endTicks = 1 }),
            ("run.iterations[0].tokenTicks[0]", { $0.run.iterations[0].tokenTicks = [4, 30] }),
            ("run.iterations[0].tokenTicks[1]", { $0.run.iterations[0].tokenTicks = [12, 11] }),
            ("run.iterations[0].inferences", { $0.run.iterations[0].inferences = 0 }),
            // Issue 13: values a store cannot hold gave 503 (and an endless agent retry) instead of 422.
            ("run.iterations[0].endTicks", { $0.run.iterations[0].endTicks = 1 << 63; $0.run.iterations[0].tokenTicks = [] }),
            ("run.iterations[0].energyNanojoules", { $0.run.iterations[0].energyNanojoules = UInt64.max }),
            ("run.totals.ramPeakBytes", { $0.run.totals = RunTotals(aborted: false, iterations: 1, tokens: 2, ramPeakBytes: 1 << 63) }),
            ("run.board.serial", { $0.run.board.serial = "SIM\u{0}1" }),
            ("context.port", { $0.context.port = "/dev/tty\nUSB0" }),
            ("run.board.firmwareBuild", { $0.run.board.firmwareBuild = String(repeating: "x", count: 129) }),
            ("run.board.capabilities[0]", { $0.run.board.capabilities = ["ok\u{7}"] }),
            ("run.board.tickHz", { $0.run.board.tickHz = 20_000_000_000 }),
            ("run.board.clockHz", { $0.run.board.clockHz = UInt64.max }),
            ("run.warmupIterations", { $0.run.warmupIterations = -1 }),
            ("run.link.lostLines", { $0.run.link.lostLines = -5 }),
            // Implausible figures never reach a baseline: a two-hour iteration, 5 kW on a board.
            ("run.iterations[0].endTicks", { $0.run.iterations[0].endTicks = 7_200_001; $0.run.iterations[0].tokenTicks = [] }),
            ("run.iterations[0].energyNanojoules", { $0.run.iterations[0].energyNanojoules = 200_000_000_000 }),
            // The status agrees with the iterations.
            ("run.iterations", { $0.run.iterations.append(RecordedIteration(index: 2, startTicks: 30, endTicks: 40, tokenTicks: [])) }),
            ("run.status", { $0.run.iterations = [] }),
            ("run.partialReason", { $0.run.partialReason = "why" }),
            ("run.partialReason", { $0.run.status = .partial }),
            ("run.totals.aborted", { $0.run.totals = RunTotals(aborted: true, iterations: 1, tokens: 2) }),
            // A shadow shadows a measured iteration once, in order, and compares no more tokens than it has.
            ("run.board.shadowModel.artifactSHA256", { $0.run.board.shadowModel = BoardModelInfo(model: "kws", artifactSHA256: "none", quantization: "int8") }),
            ("run.shadow.model.artifactSHA256", { $0.run.shadow?.model.artifactSHA256 = "F" + String(repeating: "f", count: 63) }),
            ("run.shadow.model.model", { $0.run.shadow?.model.model = "kws\n" }),
            ("run.shadow.discardedIterations", { $0.run.shadow?.discardedIterations = -1 }),
            ("run.shadow.iterations[0].index", { $0.run.shadow?.iterations[0].index = 7 }),
            ("run.shadow.iterations[1].index", { $0.run.shadow?.iterations.append(Self.shadowIteration()) }),
            ("run.shadow.iterations[0].endTicks", { $0.run.shadow?.iterations[0].endTicks = 30 }),
            ("run.shadow.iterations[0].endTicks", { $0.run.shadow?.iterations[0].endTicks = 1 << 63 }),
            ("run.shadow.iterations[0].endTicks", { $0.run.shadow?.iterations[0].endTicks = 3_700_000 }),
            ("run.shadow.iterations[0].tokenTicks[1]", { $0.run.shadow?.iterations[0].tokenTicks = [60, 55] }),
            ("run.shadow.iterations[0].tokenIDs", { $0.run.shadow?.iterations[0].tokenIDs = [1] }),
            ("run.shadow.iterations[0].servingTokens", { $0.run.shadow?.iterations[0].servingTokens = 3 }),
            ("run.shadow.iterations[0].matchingTokens", { $0.run.shadow?.iterations[0].matchingTokens = 3 }),
        ]
        for (field, edit) in edits {
            var upload = field.contains("shadow") ? withShadow : Self.upload()
            edit(&upload)
            #expect(RunUploadValidation.problem(in: upload)?.field == field, "\(field)")
        }
    }

    /// The digest the collector takes from the strict decoder's canonical bytes is the upload's
    /// own content digest, whatever the sender's key order, spacing or null fields.
    @Test func theCanonicalBytesGiveTheUploadsContentDigest() throws {
        let upload = Self.upload()
        var tree = try JSONSerialization.jsonObject(with: JSONCoding.encoder.encode(upload)) as! [String: Any]
        tree["run"] = (tree["run"] as! [String: Any]).merging(["energySource": NSNull()]) { $1 }
        let sent = try JSONSerialization.data(withJSONObject: tree, options: [.prettyPrinted])
        let decoded = try StrictJSON.decodeCanonical(RunUpload.self, from: sent)
        #expect(decoded.value == upload)
        #expect(RunUpload.contentSHA256(ofCanonical: decoded.canonical) == upload.contentSHA256)
    }

    /// A gate figure JSON has no number for (NaN, ±∞) crosses the API as a string, both ways.
    @Test func figuresWithoutAJSONNumberRoundTrip() throws {
        let summary = GovernanceListing.DecisionSummary(
            reference: ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0)), stage: .production, track: nil,
            gates: [GovernanceGateResult(gate: .fairness, outcome: .inconclusive, summary: "s", figures: ["nan": .nan, "inf": .infinity, "ninf": -.infinity])],
            releases: [])
        let data = try JSONCoding.encoder.encode(summary)
        #expect(String(decoding: data, as: UTF8.self).contains("\"nan\":\"NaN\""))
        let figures = try JSONCoding.decoder.decode(GovernanceListing.DecisionSummary.self, from: data).gates[0].figures
        #expect(figures["nan"]!.isNaN && figures["inf"] == .infinity && figures["ninf"] == -.infinity)
    }

    @Test func strictJSONRefusesUnknownFieldsButToleratesNulls() throws {
        let body = try JSONCoding.encoder.encode(Self.upload())
        #expect(try StrictJSON.decode(RunUpload.self, from: body) == Self.upload())
        var tree = try JSONSerialization.jsonObject(with: body) as! [String: Any]
        var run = tree["run"] as! [String: Any]
        run["energySource"] = NSNull()
        tree["run"] = run
        #expect(try StrictJSON.decode(RunUpload.self, from: JSONSerialization.data(withJSONObject: tree)) == Self.upload())
        var iterations = run["iterations"] as! [[String: Any]]
        iterations[0]["extra"] = 1
        run["iterations"] = iterations
        tree["run"] = run
        #expect(throws: StrictJSON.Failure.unknownField("run.iterations[0].extra")) {
            try StrictJSON.decode(RunUpload.self, from: JSONSerialization.data(withJSONObject: tree))
        }
        tree = try JSONSerialization.jsonObject(with: body) as! [String: Any]
        tree.removeValue(forKey: "bench")
        let missing = try JSONSerialization.data(withJSONObject: tree)
        #expect(throws: StrictJSON.Failure.wrongShape("missing field bench")) { try StrictJSON.decode(RunUpload.self, from: missing) }
    }

    @Test func fuzzedBodiesNeverTrap() throws {
        let body = Array(try JSONCoding.encoder.encode(Self.upload()))
        var state: UInt64 = 3
        for _ in 0..<1500 {
            var mutated = body
            state = state &* 6364136223846793005 &+ 1
            for _ in 0...(Int(state >> 60)) {
                state = state &* 6364136223846793005 &+ 1
                mutated[Int(state >> 33) % mutated.count] = UInt8(truncatingIfNeeded: state >> 13)
            }
            if let upload = try? StrictJSON.decode(RunUpload.self, from: Data(mutated)) {
                _ = RunUploadValidation.problem(in: upload)
            }
        }
    }
}

/// How an agent retries, and what it makes of the collector's answers.
@Suite struct UploadRetryTests {
    @Test func backoffDoublesToItsCapWithHalfOfItJittered() {
        let schedule = RetrySchedule(base: 1, cap: 300)
        #expect(schedule.delay(afterFailures: 1, unit: 0) == 0.5)
        #expect(schedule.delay(afterFailures: 1, unit: 1) == 1)
        #expect(schedule.delay(afterFailures: 4, unit: 0.5) == 6)
        #expect(schedule.delay(afterFailures: 10, unit: 1) == 300)
        #expect(schedule.delay(afterFailures: 10_000, unit: 0) == 150, "no overflow however long the outage")
        for failures in 1...40 {
            #expect(schedule.delay(afterFailures: failures + 1, unit: 1) >= schedule.delay(afterFailures: failures, unit: 1))
        }
    }

    @Test func answersDecideWhetherARunIsDeliveredKeptOrRetried() {
        let receipt = Data(#"{"duplicate":true,"runID":7}"#.utf8)
        #expect(UploadAttempt.classify(status: 201, body: receipt) == .delivered(RunReceipt(runID: 7, duplicate: true)))
        #expect(UploadAttempt.classify(status: 200, body: Data("nope".utf8)) == .retry("the collector answered 200 without a receipt"))
        let refusal = Data(#"{"error":{"status":422,"code":"unknown-model","message":"model x is not registered"}}"#.utf8)
        #expect(UploadAttempt.classify(status: 422, body: refusal) == .rejected("422: model x is not registered"))
        for status in [400, 409, 413, 415] {
            if case .rejected = UploadAttempt.classify(status: status, body: Data()) {} else { Issue.record("\(status) is the run's fault") }
        }
        for status in [401, 403, 404, 408, 429, 500, 502, 503] {
            if case .retry = UploadAttempt.classify(status: status, body: Data()) {} else { Issue.record("\(status) may pass: retry") }
        }
    }
}

/// The authentication throttle: counts failures per source in a window, blocks, forgets.
@Suite struct AuthenticationThrottleTests {
    @Test func aSourceIsBlockedAtTheLimitAndFreedAfterThePenalty() {
        var throttle = AuthenticationThrottle(limit: 3, window: 10, penalty: 20)
        let start = Date(timeIntervalSince1970: 1000)
        throttle.recordFailure("a", at: start)
        throttle.recordFailure("a", at: start + 11)
        throttle.recordFailure("a", at: start + 12)
        #expect(throttle.blocked("a", at: start + 12) == nil, "the first failure fell out of the window")
        throttle.recordFailure("a", at: start + 13)
        #expect(throttle.blocked("a", at: start + 13) == start + 33)
        #expect(throttle.blocked("b", at: start + 13) == nil, "another source is not affected")
        #expect(throttle.blocked("a", at: start + 33) == nil)
        throttle.recordFailure("b", at: start)
        throttle.recordFailure("b", at: start + 1)
        throttle.recordSuccess("b")
        throttle.recordFailure("b", at: start + 2)
        #expect(throttle.blocked("b", at: start + 2) == nil, "a success starts afresh")
    }

    @Test func itTracksABoundedNumberOfSources() {
        var throttle = AuthenticationThrottle(limit: 2, window: 60, penalty: 60, capacity: 100)
        for index in 0..<10_000 { throttle.recordFailure("source-\(index)", at: Date(timeIntervalSince1970: Double(index))) }
        throttle.recordFailure("source-9999", at: Date(timeIntervalSince1970: 10_000))
        #expect(throttle.blocked("source-9999", at: Date(timeIntervalSince1970: 10_000)) != nil, "the newest sources are kept")
    }
}
