import EdgeProfCore
import Foundation
import Testing

/// Issue 18: `runs list` writes a page at a time. Whatever the page size, the text is the same,
/// and every format ends well when nothing was listed.
struct RunListingStreamTests {
    static func summaries(_ count: Int) -> [CollectedRunSummary] {
        (0..<count).map { number in
            var headline = RunHeadline(Self.run)
            headline.latencyP95Ms = number % 3 == 0 ? nil : Double(number) + 0.25
            return CollectedRunSummary(
                id: Int64(number + 1), model: ModelReference(name: "kws|net", version: SemanticVersion(major: 1, minor: 0, patch: 0)), bench: "b",
                context: RunContext(deviceClass: "m4, fast", port: "/dev/x", startedAt: Date(timeIntervalSince1970: 1_800_000_000), finishedAt: Date(timeIntervalSince1970: 1_800_000_001)),
                status: number == 4 ? .partial : .complete, board: Self.run.board, headline: headline)
        }
    }

    static let run = RecordedRun(
        request: RunRequest(tokens: 1, iterations: 1, warmup: 0),
        board: BoardInfo(protocolVersion: 1, board: "board", serial: "S-1", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: []),
        model: BoardModelInfo(model: "m", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8"),
        iterations: [RecordedIteration(index: 1, startTicks: 0, endTicks: 9, tokenTicks: [4])], warmupIterations: 0, discardedIterations: 0, totals: nil,
        status: .complete, partialReason: nil, link: LinkStatistics())

    static func written(_ runs: [CollectedRunSummary], format: ReportFormat, pageSize: Int) -> String {
        var stream = RunListingStream(format: format)
        var text = ""
        var start = 0
        while start < runs.count {
            text += stream.page(Array(runs[start..<min(start + pageSize, runs.count)]))
            start += pageSize
        }
        return text + stream.closing()
    }

    @Test(arguments: [ReportFormat.table, .json, .csv, .markdown]) func pagesWriteTheSameTextWhateverTheirSize(format: ReportFormat) {
        let runs = Self.summaries(11)
        let whole = Self.written(runs, format: format, pageSize: 100)
        for size in [1, 2, 3, 10] { #expect(Self.written(runs, format: format, pageSize: size) == whole) }
        #expect(whole.hasSuffix("\n"))
    }

    @Test func eachFormatSaysWhatItListed() throws {
        let runs = Self.summaries(5)
        let json = Self.written(runs, format: .json, pageSize: 2)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode([CollectedRunSummary].self, from: Data(json.utf8)) == runs, "the headlines, no raw tick")
        let csv = Self.written(runs, format: .csv, pageSize: 2).split(separator: "\n").map(String.init)
        #expect(csv.first == "id,status,model,device_class,board,measured_iterations,latency_p95_ms" && csv.count == 6)
        #expect(csv[2] == "2,complete,kws|net@1.0.0,\"m4, fast\",board:S-1,1,1.25")
        let markdown = Self.written(runs, format: .markdown, pageSize: 2).split(separator: "\n").map(String.init)
        #expect(markdown[1] == "|---|---|---|---|---|---|---|" && markdown[3] == "| 2 | complete | kws\\|net@1.0.0 | m4, fast | board:S-1 | 1 | 1.25 |")
        let table = Self.written(runs, format: .table, pageSize: 2).split(separator: "\n").map(String.init)
        #expect(table.count == 6 && table[5].hasPrefix("    5  partial"))
        var wide = runs[1]
        (wide.board, wide.serial) = ("edgeprof-sim", "SIM-0001")
        #expect(Self.written([wide], format: .table, pageSize: 1).contains("edgeprof-sim:SIM-0001 1 "),
                "a board as wide as its column still ends in a space: its serial never runs into the iteration count")
    }

    @Test func anEmptyListingStillEndsWell() throws {
        #expect(Self.written([], format: .json, pageSize: 5) == "[]\n")
        #expect(Self.written([], format: .csv, pageSize: 5) == "id,status,model,device_class,board,measured_iterations,latency_p95_ms\n")
        #expect(Self.written([], format: .table, pageSize: 5).hasPrefix("no runs stored yet"))
        #expect(Self.written([], format: .markdown, pageSize: 5).hasPrefix("| id | status |"))
        var raw = RunListingStream(format: .json)
        let text = raw.rawPage([StoredRun(id: 3, model: ModelReference(name: "m", version: SemanticVersion(major: 1, minor: 0, patch: 0)),
                                          context: RunContext(deviceClass: "c", port: "p", startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1)),
                                          run: Self.run)]) + raw.closing()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode([StoredRun].self, from: Data(text.utf8)).first?.run.iterations.first?.tokenTicks == [4])
    }
}
