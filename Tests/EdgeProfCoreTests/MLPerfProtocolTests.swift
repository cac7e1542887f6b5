@testable import EdgeProfCore
import Testing

/// The MLPerf Tiny DUT lines and commands (firmware-protocols/mlperf-tiny-dut/SPEC.md).
@Suite struct MLPerfProtocolTests {
    @Test(arguments: [
        ("m-ready\r", MLPerfMessage.ready),
        ("e-[Unknown command: bogus]", .error("Unknown command: bogus")),
        ("m-lap-us-695856", .lap(microseconds: 695_856)),
        ("m-results-[0.410,0.142,0.012,0.436]", .results([0.41, 0.142, 0.012, 0.436])),
        ("m-results-[]", .results([])),
        ("m-name-dut-[qemu-mps2-an386 edgeprof]", .name("qemu-mps2-an386 edgeprof")),
        ("m-name-st-[nucleo-l4r5zi]", .name("nucleo-l4r5zi (st)")),
        ("m-profile-[ULPMark for tinyML Firmware V0.0.1]", .profile("ULPMark for tinyML Firmware V0.0.1")),
        ("m-model-[kws01]", .model("kws01")),
        ("m-[Expecting 490 bytes]", .expecting(bytes: 490)),
        ("m-load-done", .loadDone),
        ("m-timestamp-mode-performance", .timestampMode("performance")),
        ("m-init-done", .initDone),
        ("m-infer-start-20", .inferStart(count: 20)),
        ("m-infer-done", .inferDone),
        ("m-warmup-start-1", .other("m-warmup-start-1")),
        ("m-lap-us-", .other("m-lap-us-")),
        ("garbage \u{1}", .noise("garbage \u{1}")),
    ])
    func linesParse(_ line: String, _ expected: MLPerfMessage) {
        #expect(MLPerfMessage(line: line) == expected)
    }

    /// Issue 13: a 32-bit µs counter that wrapped inside a window aborted the run.
    @Test func lapsAcrossAWrapOfThe32BitCounterStillTimeTheWindow() {
        #expect(MLPerfMessage.lapMicroseconds(from: 1_000, to: 251_000) == 250_000)
        #expect(MLPerfMessage.lapMicroseconds(from: 4_294_967_000, to: 704) == 1_000)
        #expect(MLPerfMessage.lapMicroseconds(from: 5_000_000_000, to: 7) == nil, "a wider counter does not wrap")
    }

    @Test func uploadsFitTheCommandBuffer() {
        let bytes = (0..<100).map { UInt8($0) }
        let commands = MLPerfCommand.upload(bytes)
        #expect(commands.first == "db load 100" && commands.count == 5)
        #expect(commands[1] == "db " + (0..<32).map { String(format: "%02x", $0) }.joined())
        #expect(commands.allSatisfy { MLPerfCommand.encode($0).count <= MLPerfCommand.maximumLength })
        #expect(MLPerfCommand.encode("name") == Array("name%".utf8))
    }

    @Test func theRunnersFiguresPerWindow() throws {
        // Windows of 20 inferences taking 40, 50 and 20 ms: 500, 400 and 1000 inferences/s.
        let iterations = [(0, 40_000), (100_000, 150_000), (200_000, 220_000)].enumerated().map { index, window in
            RecordedIteration(index: UInt32(index), startTicks: UInt64(window.0), endTicks: UInt64(window.1), tokenTicks: [], inferences: 20)
        }
        let board = BoardInfo(
            protocolVersion: 0, board: "dut", serial: "", firmwareVersion: "", firmwareBuild: "", clockHz: 0, tickHz: 1_000_000, ramBytes: 0,
            flashBytes: 0, capabilities: ["mlperf-dut"])
        let run = RecordedRun(
            request: RunRequest(tokens: 0, iterations: 3, warmup: 0), board: board,
            model: BoardModelInfo(model: "kws01", artifactSHA256: "", quantization: ""), iterations: iterations, warmupIterations: 0,
            discardedIterations: 0, totals: nil, status: .complete, partialReason: nil, link: LinkStatistics())
        let summary = ProfileSummary(runs: [run])
        #expect(summary.throughputMedian == 500, "the median over windows, as the official runner reports")
        #expect(summary.latencyMs?.p50 == 2, "per inference: 40 ms / 20")
        #expect(summary.latencyMs?.mean == (2 + 2.5 + 1) / 3)
    }

    @Test func randomLinesNeverCrash() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("me-[]0123456789,.lapusrdyEx %\r".unicodeScalars)
        for _ in 0..<5000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0..<40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
            _ = MLPerfMessage(line: text)
        }
    }
}
