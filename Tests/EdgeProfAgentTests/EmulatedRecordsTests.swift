@testable import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Testing

/// Link v1.1 records on real firmware, both builds (the MPS2's CMSDK UART and the STM32F405's
/// USART1): under `-icount` a board is deterministic, so a run reported in REC lines must carry
/// tick for tick the figures of the same run in ITER/TOK/DONE lines — the report's form never
/// touches the measured window — while the link carries a fraction of the bytes.
@Suite(.serialized) struct EmulatedRecordsTests {
    @Test(arguments: ["qemu-mps2-an386", "qemu-netduinoplus2"]) func recordsCarryTheSameTicksInFewerBytes(board name: String) async throws {
        try await OffThePool.run { try Self.recordsCarryTheSameTicks(board: name) }
    }

    static func recordsCarryTheSameTicks(board name: String) throws {
        let catalogue = try CatalogueLoader.load(directory: EmulatorSignalTests.devices)
        let entry = try #require(catalogue.entries.first { $0.name == name })
        // 16 tokens fit one REC line; 120 need several, so continuations are read from real firmware too.
        for request in [RunRequest(tokens: 16, iterations: 6, warmup: 1), RunRequest(tokens: 120, iterations: 2, warmup: 0)] {
            try EmulatedBoard.running(entry, catalogueDirectory: EmulatorSignalTests.devices) { board throws(AgentError) in
                let transport: any ByteTransport
                do throws(TransportError) { transport = try TransportOpener.open(path: board.path) } catch { throw .transport(error) }
                defer { transport.close() }
                let session = LinkSession(transport: transport)
                let (info, model) = try session.handshake()
                #expect(info.capabilities.contains("records"), "\(info.capabilities)")
                // The first run after boot differs from later ones by a tick here and there, whatever
                // its form (it is the same in lines); both compared runs come after it.
                _ = try session.run(request, board: info, model: model)

                session.asksForRecords = false
                let linesBefore = session.bytesReceived
                let asLines = try session.run(request, board: info, model: model)
                let lineBytes = session.bytesReceived - linesBefore

                session.asksForRecords = true
                let recordsBefore = session.bytesReceived
                let asRecords = try session.run(request, board: info, model: model)
                let recordBytes = session.bytesReceived - recordsBefore

                #expect(asLines.status == .complete && asRecords.status == .complete)
                #expect(asLines.iterations.count == Int(request.iterations))
                #expect(asRecords.iterations.map { $0.endTicks - $0.startTicks } == asLines.iterations.map { $0.endTicks - $0.startTicks },
                        "latencies tick for tick")
                #expect(asRecords.iterations.map(EmulatedInstallTests.relativeTokenTicks) == asLines.iterations.map(EmulatedInstallTests.relativeTokenTicks),
                        "every token's tick from its iteration's start")
                #expect(asRecords.link.lostLines == 0 && asRecords.discardedIterations == 0)
                #expect(recordBytes * 4 < lineBytes, "\(request.tokens) tokens: records \(recordBytes) B, lines \(lineBytes) B")
            }
        }
    }
}
