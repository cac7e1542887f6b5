@testable import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Testing

/// Link v1.1 records and v1.2 record frames on real firmware, both builds (the MPS2's CMSDK UART
/// and the STM32F405's USART1): under `-icount` a board is deterministic, so a run reported in REC
/// lines or in frames must carry tick for tick the figures of the same run in ITER/TOK/DONE lines —
/// the report's form never touches the measured window — while the link carries a fraction of the bytes.
@Suite(.serialized) struct EmulatedRecordsTests {
    @Test(arguments: ["qemu-mps2-an386", "qemu-netduinoplus2"]) func recordsCarryTheSameTicksInFewerBytes(board name: String) async throws {
        try await OffThePool.run { try Self.recordsCarryTheSameTicks(board: name) }
    }

    static func recordsCarryTheSameTicks(board name: String) throws {
        let catalogue = try CatalogueLoader.load(directory: EmulatorSignalTests.devices)
        let entry = try #require(catalogue.entries.first { $0.name == name })
        // 16 tokens fit one REC line or frame; 120 need several, so continuations are read from real firmware too.
        for request in [RunRequest(tokens: 16, iterations: 6, warmup: 1), RunRequest(tokens: 120, iterations: 2, warmup: 0)] {
            try EmulatedBoard.running(entry, catalogueDirectory: EmulatorSignalTests.devices) { board throws(AgentError) in
                let transport: any ByteTransport
                do throws(TransportError) { transport = try TransportOpener.open(path: board.path) } catch { throw .transport(error) }
                defer { transport.close() }
                let session = LinkSession(transport: transport)
                let (info, model) = try session.handshake()
                #expect(LinkReportForm.best(announcedIn: info.capabilities) == .frames, "\(info.capabilities)")
                // The first run after boot differs from later ones by a tick here and there, whatever
                // its form (it is the same in lines); both compared runs come after it.
                _ = try session.run(request, board: info, model: model)

                func run(as form: LinkReportForm) throws(AgentError) -> (run: RecordedRun, bytes: Int) {
                    session.asksForReports = form
                    let before = session.bytesReceived
                    let run = try session.run(request, board: info, model: model)
                    return (run, session.bytesReceived - before)
                }
                let asLines = try run(as: .lines), asRecords = try run(as: .records), asFrames = try run(as: .frames)
                #expect(asLines.run.status == .complete)
                #expect(asLines.run.iterations.count == Int(request.iterations))
                for (name, compact) in [("records", asRecords), ("frames", asFrames)] {
                    #expect(compact.run.status == .complete)
                    #expect(compact.run.iterations.map { $0.endTicks - $0.startTicks } == asLines.run.iterations.map { $0.endTicks - $0.startTicks },
                            "\(name): latencies tick for tick")
                    #expect(compact.run.iterations.map(EmulatedInstallTests.relativeTokenTicks) == asLines.run.iterations.map(EmulatedInstallTests.relativeTokenTicks),
                            "\(name): every token's tick from its iteration's start")
                    #expect(compact.run.link.lostLines == 0 && compact.run.discardedIterations == 0 && compact.run.link.droppedLines == 0, "\(name)")
                }
                #expect(asRecords.bytes * 4 < asLines.bytes, "\(request.tokens) tokens: records \(asRecords.bytes) B, lines \(asLines.bytes) B")
                // Frames drop base64url's third and the text header: with one frame an iteration, under three
                // quarters of the REC lines' bytes (START and RESULT, text in both, weigh more in shorter runs).
                #expect(asFrames.bytes * (request.tokens <= 16 ? 4 : 1) < asRecords.bytes * (request.tokens <= 16 ? 3 : 1),
                        "\(request.tokens) tokens: frames \(asFrames.bytes) B, records \(asRecords.bytes) B")
            }
        }
    }
}
