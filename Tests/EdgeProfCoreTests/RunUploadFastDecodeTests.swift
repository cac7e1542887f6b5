@testable import EdgeProfCore
import Foundation
import Testing

/// The upload's one-pass decoding against its oracle, the general strict path (shape check,
/// JSONDecoder, write-back): whatever the fast path accepts, the general path accepts with an
/// equal value, and the uploads agents send take the fast path.
@Suite struct RunUploadFastDecodeTests {
    static let alphabet: [String] = ["a", "Z", "0", "-", "_", "/", ":", "@", ".", "ü", "—", "😀", " ", "\"", "\\", "\n", "\u{01}"]

    static func text(_ random: inout XorShift, plain: Bool) -> String {
        let count = Int(random.next() % 12)
        let letters = plain ? alphabet.prefix(13) : alphabet[...]
        return (0..<count).map { _ in letters[Int(random.next() % UInt64(letters.count))] }.joined()
    }

    static func maybe<T>(_ random: inout XorShift, _ make: (inout XorShift) -> T) -> T? {
        random.next() % 2 == 0 ? make(&random) : nil
    }

    static func number(_ random: inout XorShift) -> UInt64 {
        random.next() >> (random.next() % 64)
    }

    static func date(_ random: inout XorShift) -> Date {
        Date(timeIntervalSince1970: Double(random.next() % 4_000_000_000_000) / 1000)
    }

    /// An upload with every optional part present or not, strings plain (`plain`) or with
    /// characters JSON escapes.
    static func upload(_ random: inout XorShift, plain: Bool) -> RunUpload {
        var upload = CollectorRulesTests.upload()
        upload.idempotencyKey = text(&random, plain: plain)
        upload.bench = text(&random, plain: plain)
        upload.context = RunContext(
            deviceClass: text(&random, plain: plain), port: text(&random, plain: plain), startedAt: date(&random), finishedAt: date(&random),
            place: maybe(&random) { text(&$0, plain: plain) }, wiring: maybe(&random) { text(&$0, plain: plain) })
        var run = upload.run
        run.request = RunRequest(input: text(&random, plain: plain), tokens: UInt32(truncatingIfNeeded: random.next()),
                                 iterations: UInt32(truncatingIfNeeded: random.next()), warmup: UInt32(truncatingIfNeeded: random.next()))
        run.board.protocolVersion = Int(truncatingIfNeeded: random.next())
        run.board.tickHz = number(&random)
        run.board.capabilities = (0..<Int(random.next() % 4)).map { _ in text(&random, plain: plain) }
        run.board.deviceClass = maybe(&random) { text(&$0, plain: plain) }
        run.board.wireProtocol = maybe(&random) { text(&$0, plain: plain) }
        run.board.servingState = maybe(&random) { $0.next() % 2 == 0 ? .serving : .halted }
        run.board.shadowModel = maybe(&random) { BoardModelInfo(model: text(&$0, plain: plain), artifactSHA256: "a", quantization: "q") }
        run.iterations = (0..<Int(random.next() % 5)).map { _ in
            RecordedIteration(
                index: UInt32(truncatingIfNeeded: random.next()), startTicks: number(&random), endTicks: number(&random),
                tokenTicks: (0..<Int(random.next() % 6)).map { _ in number(&random) }, energyNanojoules: maybe(&random, number),
                inferences: maybe(&random) { UInt32(truncatingIfNeeded: $0.next()) })
        }
        run.warmupIterations = Int(truncatingIfNeeded: random.next())
        run.discardedIterations = -Int(random.next() % 3)
        run.totals = maybe(&random) {
            RunTotals(aborted: $0.next() % 2 == 0, iterations: UInt32(truncatingIfNeeded: $0.next()), tokens: number(&$0),
                      stackPeakBytes: maybe(&$0, number), arenaHighWaterBytes: maybe(&$0, number), heapHighWaterBytes: maybe(&$0, number),
                      ramPeakBytes: maybe(&$0, number), energyNanojoules: maybe(&$0, number), shadowIterations: maybe(&$0) { UInt32(truncatingIfNeeded: $0.next()) })
        }
        run.status = random.next() % 2 == 0 ? .complete : .partial
        run.partialReason = maybe(&random) { text(&$0, plain: plain) }
        run.link.linesReceived = Int(truncatingIfNeeded: random.next())
        run.link.lostLines = Int(random.next() % 9)
        run.energySource = maybe(&random) { text(&$0, plain: plain) }
        run.energyNote = maybe(&random) { text(&$0, plain: plain) }
        run.firmwareSize = maybe(&random) {
            FirmwareSize(text: number(&$0), data: number(&$0), bss: number(&$0), stackReservation: number(&$0), heapReservation: number(&$0))
        }
        run.shadow = maybe(&random) { random in
            ShadowRecording(
                model: BoardModelInfo(model: "s", artifactSHA256: text(&random, plain: plain), quantization: "int8"),
                iterations: (0..<Int(random.next() % 3)).map { _ in
                    ShadowIteration(
                        index: UInt32(truncatingIfNeeded: random.next()), startTicks: number(&random), endTicks: number(&random),
                        tokenTicks: [number(&random)], tokenIDs: maybe(&random) { [number(&$0)] },
                        matchingTokens: maybe(&random) { Int(truncatingIfNeeded: $0.next()) }, servingTokens: Int(random.next() % 100),
                        energyNanojoules: maybe(&random, number))
                },
                discardedIterations: Int(random.next() % 4))
        }
        upload.run = run
        return upload
    }

    /// The documents an upload may arrive as: JSONCoding's bytes, and declaration order pretty-printed.
    static func documents(of upload: RunUpload) throws -> [Data] {
        let pretty = JSONCoding.encoder
        pretty.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return [try JSONCoding.encoder.encode(upload), try pretty.encode(upload)]
    }

    @Test func everyUploadItAcceptsEqualsTheGeneralPathsAndPlainOnesAreAllAccepted() throws {
        var random = XorShift(state: 0x51_7CC1_B727_220A)
        var accepted = 0, declined = 0
        for round in 0..<1500 {
            let plain = round % 3 != 0
            let upload = Self.upload(&random, plain: plain)
            for document in try Self.documents(of: upload) {
                let general = try StrictJSON.decodeCanonicallyInGeneral(RunUpload.self, from: document)
                guard let fast = RunUpload.fastDecode(document) else {
                    declined += 1
                    #expect(!plain, "a plain upload is read in one pass: \(String(decoding: document, as: UTF8.self))")
                    continue
                }
                accepted += 1
                #expect(fast == general.value)
                #expect(try StrictJSON.decodeCanonical(RunUpload.self, from: document).canonical == general.canonical)
            }
        }
        #expect(accepted >= 2000 && declined > 100, "accepted \(accepted), declined \(declined)")
    }

    @Test func nullsForEveryOptionalMemberReadAsMissing() throws {
        let sha = String(repeating: "e", count: 64)
        let document = """
            {"idempotencyKey":"k","bench":"b","model":"m@1.0.0","artifactSHA256":"\(sha)",
             "context":{"deviceClass":"c","port":"p","startedAt":"2026-11-22T09:30:00Z","finishedAt":"2026-11-22T09:30:01.250Z","place":null,"wiring":null},
             "run":{"request":{"input":"i","tokens":2,"iterations":1,"warmup":0},
              "board":{"protocolVersion":1,"board":"b","serial":"s","firmwareVersion":"1","firmwareBuild":"x","clockHz":1,"tickHz":1000,
                       "ramBytes":1,"flashBytes":1,"capabilities":[],"deviceClass":null,"wireProtocol":null,"servingState":null,"shadowModel":null},
              "model":{"model":"m","artifactSHA256":"\(sha)","quantization":"int8"},
              "iterations":[{"index":1,"startTicks":5,"endTicks":30,"tokenTicks":[10,30],"energyNanojoules":null,"inferences":null}],
              "warmupIterations":0,"discardedIterations":0,"totals":null,"status":"complete","partialReason":null,
              "link":{"linesReceived":0,"crcErrors":0,"syntaxErrors":0,"overlongLines":0,"malformedMessages":0,"lostLines":0,"unknownVerbs":0},
              "energySource":null,"energyNote":null,"firmwareSize":null,"shadow":null}}
            """
        let data = Data(document.utf8)
        let fast = try #require(RunUpload.fastDecode(data))
        #expect(fast == (try StrictJSON.decodeCanonicallyInGeneral(RunUpload.self, from: data).value))
        #expect(fast.context.finishedAt.timeIntervalSince(fast.context.startedAt) == 1.25)
    }

    /// Damaged documents: whatever the one pass still accepts, the general path accepts with an
    /// equal value; it declines everything else (unknown and repeated keys, fractions, escapes,
    /// nulls where a value is needed), which the general path then decides.
    @Test func damagedDocumentsAreAcceptedOnlyWhereTheGeneralPathAgrees() throws {
        var random = XorShift(state: 77)
        let bases = try (0..<6).map { _ in try JSONCoding.encoder.encode(Self.upload(&random, plain: true)) }
        let pieces: [[UInt8]] = ["0", "9", "1.0", "1e3", "-1", "null", "true", "\"", "\\n", "\"x\":1,", ",", ":", "{", "}", "[", "]", " ", "\n", "\u{01}"]
            .map { Array($0.utf8) }
        var stillAccepted = 0, agreed = 0
        for round in 0..<6000 {
            var bytes = Array(bases[round % bases.count])
            let position = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 4 {
            case 0: bytes.replaceSubrange(position..<min(bytes.count, position + 1), with: pieces[Int(random.next() % UInt64(pieces.count))])
            case 1: bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(random.next() % 8)))
            case 2: bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: position)
            default:
                // Repeat a member: copy from a key's opening quote to the next comma, before it.
                guard let quote = bytes[position...].firstIndex(of: UInt8(ascii: "\"")),
                      let comma = bytes[quote...].firstIndex(of: UInt8(ascii: ","))
                else { continue }
                bytes.insert(contentsOf: bytes[quote...comma], at: quote)
            }
            let data = Data(bytes)
            guard let fast = RunUpload.fastDecode(data) else { continue }
            stillAccepted += 1
            let general = try? StrictJSON.decodeCanonicallyInGeneral(RunUpload.self, from: data)
            #expect(general?.value == fast, "the one pass accepted what the general path reads otherwise: \(String(decoding: bytes, as: UTF8.self))")
            if general?.value == fast { agreed += 1 }
        }
        #expect(stillAccepted > 200, "some damage leaves a valid upload (a digit, a space): \(stillAccepted)")
        #expect(agreed == stillAccepted)
    }

    @Test func theScannerReadsOnlyPlainNumbersAndWords() {
        func read<T>(_ text: String, _ body: (inout JSONPullScanner) -> T?) -> T? {
            Array(text.utf8).withUnsafeBufferPointer { buffer in
                var scanner = JSONPullScanner(buffer)
                guard let value = body(&scanner), scanner.atEnd() else { return nil }
                return value
            }
        }
        #expect(read("18446744073709551615") { $0.unsigned() } == UInt64.max)
        #expect(read("18446744073709551616") { $0.unsigned() } == nil)
        #expect(read(" 0 ") { $0.unsigned() } == 0)
        for declined in ["01", "1.0", "1e2", "-0", "+1", "", "1x", "0x10", "１"] {
            #expect(read(declined) { $0.signed() } == nil, "\(declined)")
        }
        #expect(read("-9223372036854775808") { $0.signed() } == Int64.min)
        #expect(read("-9223372036854775809") { $0.signed() } == nil)
        #expect(read("9223372036854775808") { $0.signed() } == nil)
        #expect(read("true") { $0.bool() } == true)
        #expect(read("truex") { $0.bool() } == nil)
        #expect(read("null7") { $0.nullable { $0.unsigned() } } == nil, "a word that runs on is neither null nor the value after it")
        #expect(read("\"a\\\"b\"") { $0.string() } == nil, "escapes are the general path's")
        #expect(read("\"\u{7F}ü\"") { $0.string() } == "\u{7F}ü")
        #expect([UInt8]([0x22, 0xC3, 0x28, 0x22]).withUnsafeBufferPointer { buffer in
            var scanner = JSONPullScanner(buffer)
            return scanner.string()
        } == nil, "invalid UTF-8 is the general path's")
    }
}
