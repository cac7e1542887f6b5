import EdgeProfCore
import Foundation

/// Uploads as an agent would make them.
enum Uploads {
    static func run(latencyTicks: UInt64 = 30, iterations: Int = 3) -> RecordedRun {
        RecordedRun(
            request: RunRequest(tokens: 2, iterations: UInt32(iterations), warmup: 1),
            board: BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: ["tokens"]),
            model: BoardModelInfo(model: "kws", artifactSHA256: LiveCollector.sha, quantization: "int8"),
            iterations: (0..<iterations).map { index in
                let start = UInt64(index) * 1000
                return RecordedIteration(index: UInt32(index + 1), startTicks: start, endTicks: start + latencyTicks, tokenTicks: [start + 10, start + latencyTicks], energyNanojoules: 5000)
            },
            warmupIterations: 1, discardedIterations: 0, totals: RunTotals(aborted: false, iterations: UInt32(iterations), tokens: UInt64(2 * iterations), ramPeakBytes: 7),
            status: .complete, partialReason: nil, link: LinkStatistics())
    }

    static func upload(key: String = UUID().uuidString, bench: String = "bench-1", model: String = "kws@1.0.0", latencyTicks: UInt64 = 30) -> RunUpload {
        RunUpload(
            idempotencyKey: key, bench: bench, model: model, artifactSHA256: LiveCollector.sha,
            context: RunContext(deviceClass: "sim-cortex-m4", port: "/dev/pts/3", startedAt: Date(timeIntervalSince1970: 1_800_000_000), finishedAt: Date(timeIntervalSince1970: 1_800_000_002)),
            run: run(latencyTicks: latencyTicks))
    }

    static func body(_ upload: RunUpload) throws -> Data {
        try JSONCoding.encoder.encode(upload)
    }

    /// The upload as a JSON tree, to break on purpose.
    static func tree(_ upload: RunUpload) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try body(upload)) as! [String: Any]
    }

    static func data(_ tree: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: tree)
    }
}
