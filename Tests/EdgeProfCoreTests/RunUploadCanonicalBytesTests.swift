@testable import EdgeProfCore
import Foundation
import Testing

/// `RunUpload.canonicalBytes` against its oracle, JSONEncoder (`JSONCoding.encoder`): stored runs'
/// content digests were taken over JSONEncoder's bytes, so every upload must give the same bytes,
/// whichever optional parts it has and whatever its text holds.
@Suite struct RunUploadCanonicalBytesTests {
    @Test func everyUploadIsWrittenByteForByteAsJSONEncoderWritesIt() throws {
        var random = XorShift(state: 0xC0FF_EE00_1234_5678)
        for round in 0..<2000 {
            let upload = RunUploadFastDecodeTests.upload(&random, plain: round % 2 == 0)
            let expected = try JSONCoding.encoder.encode(upload)
            #expect(Data(upload.canonicalBytes) == expected, "\(String(decoding: expected, as: UTF8.self))")
            #expect(upload.contentSHA256 == RunUpload.contentSHA256(ofCanonical: expected))
        }
    }

    @Test func anUploadWithEveryPartAndEveryEscapeIsWrittenAsJSONEncoderWritesIt() throws {
        let upload = Self.uploadWithEveryPart()
        #expect(Data(upload.canonicalBytes) == (try JSONCoding.encoder.encode(upload)))
        #expect(Data(upload.canonicalBytes) == (try CanonicalJSONEncoder.encode(upload)))
    }

    /// An upload with every optional part set and text that JSON escapes.
    static func uploadWithEveryPart() -> RunUpload {
        var upload = CollectorRulesTests.upload()
        upload.context.place = "bay-1/ü \"quoted\" \\ and / slash\n\r\t\u{08}\u{0C}"
        upload.context.wiring = "\u{01}\u{1F}\u{7F}\u{2028}😀"
        upload.run.partialReason = "stopped"
        upload.run.energySource = "ppk2"
        upload.run.energyNote = "note"
        upload.run.totals = RunTotals(
            aborted: false, iterations: 1, tokens: 2, stackPeakBytes: 3, arenaHighWaterBytes: 4, heapHighWaterBytes: 5, ramPeakBytes: 6,
            energyNanojoules: 7, shadowIterations: 8)
        upload.run.firmwareSize = FirmwareSize(text: 1, data: 2, bss: 3, stackReservation: 4, heapReservation: 5)
        upload.run.board.deviceClass = "m4"
        upload.run.board.wireProtocol = "edgeprof-link"
        upload.run.board.servingState = .serving
        upload.run.board.shadowModel = upload.run.model
        upload.run.iterations[0].energyNanojoules = 9
        upload.run.iterations[0].inferences = 10
        upload.run.shadow = ShadowRecording(model: upload.run.model, iterations: [CollectorRulesTests.shadowIteration()], discardedIterations: 1)
        upload.run.shadow?.iterations[0].energyNanojoules = 11
        upload.run.link.crcErrors = -1
        return upload
    }
}
