import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Issue 18: `gate check` loaded every token row of every run. It now reads one row per run and
/// iteration, and the token rows only when a criterion is inter-token latency: with the token
/// rows gone from the file, a gate on latency, time to first token and tokens/s says exactly
/// what it said before, and a gate on inter-token latency can no longer decide.
struct GateEvidenceReadingTests {
    func run(_ number: Int, of bench: Bench) -> RecordedRun {
        RecordedRun(
            request: RunRequest(tokens: 4, iterations: 12, warmup: 0),
            board: BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1_000_000, ramBytes: 1, flashBytes: 1, capabilities: ["tokens"]),
            model: BoardModelInfo(model: "tiny", artifactSHA256: bench.model.artifactSHA256, quantization: "int8"),
            iterations: (0..<12).map { index in
                let start = UInt64(number * 1_000_000 + index * 10_000)
                return RecordedIteration(
                    index: UInt32(index + 1), startTicks: start, endTicks: start + 4_000 + UInt64(index * 37 + number * 11),
                    tokenTicks: (0..<4).map { start + 300 + UInt64($0 * (900 + index * 13)) })
            },
            warmupIterations: 0, discardedIterations: 0, totals: nil, status: .complete, partialReason: nil, link: LinkStatistics())
    }

    @Test func aGateReadsTokenRowsOnlyForInterTokenLatency() async throws {
        let bench = try Bench()
        let context = RunContext(deviceClass: "sim-cortex-m4", port: "/dev/x", startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1))
        let runs = (0..<3).map { run($0, of: bench) }
        for recorded in runs { _ = try bench.store.save(recorded, model: bench.model, context: context) }
        let withoutTokens = try GatePolicy(
            yaml: "device-classes:\n  sim-cortex-m4:\n    max-latency-p95-ms: 10\n    max-ttft-p95-ms: 1\n    min-tokens-per-second: 100\n", file: "g.yaml")
        let onTokens = try GatePolicy(yaml: "device-classes:\n  sim-cortex-m4:\n    max-token-latency-p95-ms: 2\n", file: "t.yaml")
        let gate = GateService(store: bench.store)
        let before = try await gate.check(model: bench.model.reference, deviceClass: "sim-cortex-m4", policy: withoutTokens, policyFile: "g.yaml")
        let summary = ProfileSummary(runs: runs)
        #expect(before.outcome == .pass)
        #expect(before.results.map(\.measured) == [summary.latencyMs?.p95, summary.timeToFirstTokenMs?.p95, summary.tokensPerSecond])
        let tokenGate = try await gate.check(model: bench.model.reference, deviceClass: "sim-cortex-m4", policy: onTokens, policyFile: "t.yaml")
        #expect(tokenGate.outcome == .pass && tokenGate.results.first?.measured == summary.interTokenLatencyMs?.p95)

        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [bench.store.location, "DELETE FROM token"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)

        let after = try await gate.check(model: bench.model.reference, deviceClass: "sim-cortex-m4", policy: withoutTokens, policyFile: "g.yaml")
        #expect(after == before, "not one token row was read")
        let blind = try await gate.check(model: bench.model.reference, deviceClass: "sim-cortex-m4", policy: onTokens, policyFile: "t.yaml")
        #expect(blind.outcome == .inconclusive, "inter-token latency is read from the token rows")
    }
}
