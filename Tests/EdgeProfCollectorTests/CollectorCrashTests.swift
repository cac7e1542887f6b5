import EdgeProfAgent
import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// The collector killed with SIGKILL at random points while two agents stream their runs: after
/// restarts, every run is stored exactly once. The suite streams 2 × 400 runs through 6 kills;
/// the soak (`EDGEPROF_SOAK_RUNS=5000`, 10,000 runs) is the same test at the size of a lab's week.
@Suite(.serialized) struct CollectorCrashTests {
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["EDGEPROF_BIN"] { return explicit }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("edgeprof").path
    }

    /// A port that was free a moment ago.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    final class Server: @unchecked Sendable {
        let database: String
        let port: Int
        private let lock = NSLock()
        private var process: Process?

        init(database: String, port: Int) {
            self.database = database
            self.port = port
        }

        func start(environment: [String: String] = [:], options: [String] = []) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CollectorCrashTests.binary)
            process.arguments = ["collector", "serve", "--port", String(port), "--db", database] + options
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            lock.withLock { self.process = process }
        }

        /// Waits until the server accepts connections (at most 60 s: a loaded machine starts it
        /// slowly). The polling runs on a thread of its own: on the cooperative pool, which the
        /// whole suite keeps busy, a sleep between two tries once outlasted the deadline while
        /// the server was already up.
        func waitUntilListening() async throws {
            let port = port
            let listening = await withCheckedContinuation { continuation in
                Thread {
                    let deadline = Date().addingTimeInterval(60)
                    while Date() < deadline {
                        if Self.accepts(port: port) { return continuation.resume(returning: true) }
                        usleep(50_000)
                    }
                    continuation.resume(returning: Self.accepts(port: port))
                }.start()
            }
            if !listening { Issue.record("the collector on port \(port) did not start listening within 60 s") }
        }

        private static func accepts(port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            return connected == 0
        }

        func kill() {
            lock.withLock {
                if let process, process.isRunning {
                    Foundation.kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                }
            }
        }
    }

    /// Runs each agent streams: 400 in the suite, `EDGEPROF_SOAK_RUNS` for a soak.
    static var runsPerAgent: Int {
        ProcessInfo.processInfo.environment["EDGEPROF_SOAK_RUNS"].flatMap(Int.init).map { min(max($0, 50), 100_000) } ?? 400
    }

    /// Where the collector is killed, as runs delivered: one point drawn at random in the first
    /// four fifths of each sixth of the stream, so every run of the test kills it six times, early,
    /// midway and late, with runs still to come after the last, whatever the machine's speed.
    static func killPoints(total: Int) -> [Int] {
        let kills = 6
        let segment = total / kills
        return (0..<kills).map { index in segment * index + Int.random(in: 1...max(segment * 4 / 5, 1)) }
    }

    // A bound on a hang, not a speed figure: under the full suite this test shares the two cores
    // with every other.
    @Test(.timeLimit(.minutes(10))) func everyRunIsStoredExactlyOnceThroughRandomKills() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-crash-\(UUID())")
        let database = folder.appendingPathComponent("lab.sqlite").path
        let store = try SQLiteCollectorStore(path: database)
        try await store.registry.registerTestModel()
        let now = Date()
        var tokens: [String] = []
        for bench in ["bench-1", "bench-2"] {
            tokens.append(try await LiveCollector.issue(store, TokenGrant(id: "", actor: bench, kind: .agent, bench: bench, createdAt: now, expiresAt: nil)))
        }
        let server = Server(database: database, port: Self.freePort())
        try server.start()
        defer { server.kill() }
        let url = "http://127.0.0.1:\(server.port)"

        let perAgent = Self.runsPerAgent
        var drainers: [SpoolDrainer] = []
        for (index, bench) in ["bench-1", "bench-2"].enumerated() {
            let spool = try SQLiteSpool(path: folder.appendingPathComponent("\(bench).sqlite").path)
            for number in 0..<perAgent {
                var upload = Uploads.upload(key: "\(bench)-run-\(number)", bench: bench, latencyTicks: 20 + UInt64(number % 50))
                upload.context.startedAt = Date(timeIntervalSince1970: 1_800_000_000 + Double(number))
                upload.context.finishedAt = upload.context.startedAt.addingTimeInterval(1)
                try spool.enqueue(upload, collector: url, localRunID: Int64(number), at: now.addingTimeInterval(Double(number) / 1000))
            }
            drainers.append(SpoolDrainer(
                spool: spool, client: CollectorClient(baseURL: url, token: tokens[index]), bench: bench,
                schedule: RetrySchedule(base: 0.02, cap: 0.2)))
        }

        let spools = drainers
        let finished = Counter()
        let kills = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for drainer in drainers {
                group.addTask {
                    while try drainer.spool.depth(collector: url, bench: drainer.bench) > 0 {
                        _ = try await drainer.drainOnce()
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    finished.add()
                }
            }
            group.addTask {
                var points = Self.killPoints(total: 2 * perAgent)
                while finished.value < 2, let next = points.first {
                    try await Task.sleep(for: .milliseconds(10))
                    let remaining = try spools.reduce(0) { $0 + (try $1.spool.depth(collector: url, bench: $1.bench)) }
                    guard 2 * perAgent - remaining >= next else { continue }
                    points.removeFirst()
                    server.kill()
                    kills.add()
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 50...300)))
                    try server.start()
                }
            }
            try await group.waitForAll()
        }
        server.kill()
        #expect(kills.value == 6, "the collector was killed \(kills.value) times")

        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        check.arguments = [database, "SELECT COUNT(*), COUNT(DISTINCT idempotency_key), COUNT(DISTINCT content_sha256) FROM run"]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.run()
        check.waitUntilExit()
        let counts = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let total = 2 * perAgent
        #expect(counts == "\(total)|\(total)|\(total)", "runs | distinct keys | distinct contents: \(counts)")
        for drainer in drainers {
            let status = try drainer.spool.status()
            #expect(status.pending.isEmpty && status.rejected.isEmpty)
            #expect(status.delivered == perAgent)
        }
    }
}

extension CollectorCrashTests {
    @Test(.timeLimit(.minutes(2)), arguments: CollectorStoreContractTests.kinds)
    func aPromotionKilledInsideItsTransactionLeavesTheRegistryConsistent(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let store = fixture.store
        try await GovernedModel.register(in: store.registry)
        let token = try await LiveCollector.issue(store, TokenGrant(id: "", actor: "bo", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        let auditBefore = try await store.registry.auditTrail().count

        let server = Server(database: fixture.address, port: Self.freePort())
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-promote-crash-\(UUID())").path
        try server.start(environment: ["EDGEPROF_FAULT_PAUSE_BEFORE_COMMIT": marker])
        defer { server.kill() }
        let url = "http://127.0.0.1:\(server.port)"
        let client = CollectorClient(baseURL: url, token: token)
        try await server.waitUntilListening()
        let body = try JSONSerialization.data(withJSONObject: ["reason": "ready for validation"])
        let doomed = Task { try? await client.call(.POST, "/v1/models/gov/1.0.0/promote", body: body) }
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(FileManager.default.fileExists(atPath: marker), "the promotion reached its transaction")
        server.kill()
        _ = await doomed.value

        try server.start()
        try await server.waitUntilListening()
        let history = try await client.call(.GET, "/v1/models/gov/history")
        let transitions = (try JSONSerialization.jsonObject(with: history) as? [String: Any])?["transitions"] as? [[String: Any]]
        #expect(transitions?.compactMap { $0["to"] as? String } == ["development"], "the killed promotion left no trace")
        let trail = try await store.registry.auditTrail()
        #expect(trail.count == auditBefore)
        #expect(AuditChain.verify(trail) == .intact(entries: trail.count), "the audit chain is intact")
        let retried = try await client.call(.POST, "/v1/models/gov/1.0.0/promote", body: body)
        #expect((try JSONSerialization.jsonObject(with: retried) as? [String: Any])?["stage"] as? String == "validation")
        server.kill()
    }
}

/// A counter shared by the test's tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
