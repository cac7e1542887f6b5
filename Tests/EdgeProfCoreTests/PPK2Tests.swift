import EdgeProfCore
import Foundation
import Testing

/// The PPK2 codec and calibration agree with Nordic's app to the last bit; streams resync and
/// count losses exactly; energies equal their analytic values.
@Suite struct PPK2Tests {
    struct Vectors: Decodable {
        struct Case: Decodable {
            var name: String
            var modifiers: [String: [Double]]
            var vdd: Double
            var raw: [UInt32]
            var microamps: [Double?]
        }
        var cases: [Case]
    }

    static let vectors: Vectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ppk2.json")
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    @Test func conversionEqualsNordicsForEveryRangeAndRangeChange() {
        for vector in Self.vectors.cases {
            var metadata = PPK2Metadata()
            metadata.r = vector.modifiers["r"]!
            metadata.gs = vector.modifiers["gs"]!
            metadata.gi = vector.modifiers["gi"]!
            metadata.o = vector.modifiers["o"]!
            metadata.s = vector.modifiers["s"]!
            metadata.i = vector.modifiers["i"]!
            metadata.ug = vector.modifiers["ug"]!
            var calibration = PPK2Calibration(metadata: metadata, vddMillivolts: vector.vdd)
            var mismatches = 0
            for (raw, expected) in zip(vector.raw, vector.microamps) {
                let got = calibration.current(of: PPK2Sample(raw: raw)) * 1e6
                if let expected { if got != expected { mismatches += 1 } } else if !got.isNaN { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(vector.name): \(mismatches) of \(vector.raw.count) differ")
        }
    }

    @Test func metadataFallsBackLikeNordicAndSaysSo() throws {
        let text = "Calibrated: 1\nR0: 1020.5\nR1: -nan\nR2: 0\nGS0: 1.01\nO0: 12.5\nHW: 9173\nIA: 56\nEND\n"
        let metadata = try PPK2Metadata(text: text)
        #expect(metadata.calibrated)
        #expect(metadata.r == [1020.5, 101.65, 10.15, 0.94, 0.043], "-nan and 0 fall back to the defaults")
        #expect(metadata.gs[0] == 1.01)
        #expect(metadata.o[0] == 12.5)
        #expect(metadata.hardware == "9173")
        #expect(metadata.fallbacks.contains("R1 is '-nan'"))
        #expect(metadata.fallbacks.contains("R3 missing"))
        #expect(metadata.fallbacks.contains("R2 is 0"), "issue 13: a zero that falls back is named")
        #expect(!metadata.fallbacks.contains { $0.hasPrefix("O") && $0.hasSuffix("is 0") }, "a zero whose default is zero changes nothing")
        #expect(throws: PowerError.self) { try PPK2Metadata(text: "Calibrated: 1\nR0: 1\n") }
        let roundTrip = try PPK2Metadata(text: metadata.text(vddMillivolts: 3300))
        #expect(roundTrip.r == metadata.r && roundTrip.gs == metadata.gs && roundTrip.o == metadata.o)
    }

    func stream(count: Int, skipping lost: Set<Int> = [], logic: (Int) -> UInt8 = { _ in 0 }) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<count where !lost.contains(index) {
            let sample = PPK2Sample(adc: UInt32(1000 + index % 7), range: 2, counter: UInt8(index & 0x3F), logic: logic(index))
            withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
        }
        return bytes
    }

    @Test(arguments: [0, 1, 2, 3])
    func aStreamStartingMidSampleIsRealigned(droppedBytes: Int) {
        var decoder = PPK2StreamDecoder()
        var counters: [UInt8] = []
        let bytes = Array(stream(count: 200).dropFirst(droppedBytes))
        bytes.withUnsafeBytes { decoder.decode($0) { sample, _, _ in counters.append(sample.counter) } }
        #expect(decoder.bytesSkipped == (PPK2Sample.size - droppedBytes) % PPK2Sample.size)
        #expect(decoder.samplesLost == 0)
        #expect(zip(counters, counters.dropFirst()).allSatisfy { ($1 &- $0) & 0x3F == 1 })
    }

    @Test func lostSamplesAreCountedExactlyAndTimeStaysRight() {
        let lost: Set<Int> = [10, 11, 12, 500, 777, 1000, 1001]
        var decoder = PPK2StreamDecoder()
        var lastIndex = 0
        var lostBeforeSamples: [Int: Int] = [:]
        for chunk in stream(count: 2000, skipping: lost).chunks(of: 333) {
            chunk.withUnsafeBytes {
                decoder.decode($0) { _, index, lostBefore in
                    lastIndex = index
                    if lostBefore > 0 { lostBeforeSamples[index] = lostBefore }
                }
            }
        }
        #expect(lostBeforeSamples == [13: 3, 501: 1, 778: 1, 1002: 2])
        #expect(decoder.samplesLost == lost.count)
        #expect(decoder.samplesDecoded == 2000 - lost.count)
        #expect(lastIndex == 1999)
    }

    @Test func windowEnergyEqualsItsAnalyticValue() {
        // Range 2 at a fixed ADC reading: a constant current I = x (GS = 0 drops Nordic's x² term,
        // as calibrated units' metadata does); windows where D0 is high.
        var metadata = PPK2Metadata()
        metadata.r[2] = 10.0
        metadata.gs[2] = 0
        let adc: UInt32 = 2048
        let amperes = Double(adc * 4) * (1.8 / 163_840 / 10.0)
        var bytes: [UInt8] = []
        for index in 0..<10_000 {
            let high: UInt8 = (index / 1000) % 2 == 1 ? 1 : 0
            let sample = PPK2Sample(adc: adc, range: 2, counter: UInt8(index & 0x3F), logic: high)
            withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
        }
        var analyzer = PowerAnalyzer(metadata: metadata, volts: 3.0, markChannel: 0)
        analyzer.consume(bytes)
        let report = analyzer.report
        let expectedWindow = amperes * 3.0 * 1000 * PPK2Sample.periodSeconds
        #expect(report.windows.count == 4, "the fifth window is still open when the stream ends: incomplete, left out")
        for window in report.windows {
            #expect(abs(window.power.joules - expectedWindow) <= 1e-12 * expectedWindow)
            #expect(window.endSample - window.startSample == 1000)
        }
        #expect(abs(report.total.joules - amperes * 3.0 * 10_000 * PPK2Sample.periodSeconds) <= 1e-9 * report.total.joules)
        #expect(report.total.inconclusiveReason == nil)
    }

    /// A capture with every case the analyzer's hot loop handles: range changes (so the
    /// smoothing acts), ranges 5–7, saturated samples, lost samples and mark windows.
    func awkwardCapture(samples: Int) -> [UInt8] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var bytes: [UInt8] = []
        var range = 0
        var counter: UInt8 = 0
        for index in 0..<samples {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if index % 37 == 0 { range = Int(state >> 61) }
            let saturated = range == 4 && state >> 58 & 0x7 == 0
            let sample = PPK2Sample(
                adc: saturated ? 0x3FFF : UInt32(truncatingIfNeeded: state >> 40) & 0x3FFF, range: range, counter: counter,
                logic: index % 500 < 200 ? 0b1000_0001 : 0b1000_0000)
            counter = (counter &+ (state >> 20 & 0xFF == 0 ? 3 : 1)) & 0x3F
            withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
        }
        return bytes
    }

    /// What the analyzer must report, computed the plain way: one sample at a time through
    /// `PPK2Calibration.current(of:)`, windows opened and closed by the mark.
    func sampleBySample(_ bytes: [UInt8], volts: Double, markChannel: Int) -> (total: PowerAccumulator, windows: [Window]) {
        var decoder = PPK2StreamDecoder()
        var calibration = PPK2Calibration(metadata: PPK2Metadata(), vddMillivolts: volts * 1000)
        var total = PowerAccumulator()
        var windows: [Window] = []
        var open: Window?
        bytes.withUnsafeBytes { raw in
            decoder.decode(raw) { sample, index, lost in
                let amperes = calibration.current(of: sample)
                let saturated = sample.range == 4 && sample.adc == 0x3FFF
                total.lostSamples += lost
                open?.power.lostSamples += lost
                total.add(amperes: amperes, volts: volts, saturated: saturated)
                let high = sample.logic & (1 << markChannel) != 0
                if high, open == nil {
                    open = Window(startSample: index, endSample: index, power: PowerAccumulator())
                } else if !high, var window = open {
                    window.endSample = index
                    windows.append(window)
                    open = nil
                }
                open?.power.add(amperes: amperes, volts: volts, saturated: saturated)
            }
        }
        return (total, windows)
    }

    struct Window: Equatable {
        var startSample: Int
        var endSample: Int
        var power: PowerAccumulator
    }

    @Test(arguments: [1, 3, 4, 333, 65_536])
    func theAnalyzerReportsWhatASampleBySampleFoldDoesForAnyChunking(chunkSize: Int) {
        let bytes = awkwardCapture(samples: 20_000)
        let expected = sampleBySample(bytes, volts: 3.3, markChannel: 0)
        var analyzer = PowerAnalyzer(metadata: PPK2Metadata(), volts: 3.3, markChannel: 0)
        for chunk in bytes.chunks(of: chunkSize) { analyzer.consume(chunk) }
        let report = analyzer.report
        #expect(report.total == expected.total)
        #expect(report.windows.map { Window(startSample: $0.startSample, endSample: $0.endSample, power: $0.power) } == expected.windows)
        #expect(report.total.invalidSamples > 0 && report.total.saturatedSamples > 0 && report.total.lostSamples > 0)
        #expect(report.windows.count == 40)
        var unmarked = PowerAnalyzer(metadata: PPK2Metadata(), volts: 3.3)
        for chunk in bytes.chunks(of: chunkSize) { unmarked.consume(chunk) }
        #expect(unmarked.report.total == expected.total)
        #expect(unmarked.report.windows.isEmpty)
        // A stream joined mid-sample: every later read leaves part of a sample pending.
        let joined = [0xA5, 0x5A, 0x11] + bytes
        let expectedJoined = sampleBySample(joined, volts: 3.3, markChannel: 0)
        var late = PowerAnalyzer(metadata: PPK2Metadata(), volts: 3.3, markChannel: 0)
        for chunk in joined.chunks(of: chunkSize) { late.consume(chunk) }
        #expect(late.report.bytesSkipped == 3 && late.report.total == expectedJoined.total)
        #expect(late.report.windows.map { Window(startSample: $0.startSample, endSample: $0.endSample, power: $0.power) } == expectedJoined.windows)
        #expect(expectedJoined.windows.count == 40)
    }

    @Test func saturationAndLossMakeTheFigureInconclusive() {
        var analyzer = PowerAnalyzer(metadata: PPK2Metadata(), volts: 3.3)
        var bytes: [UInt8] = []
        for index in 0..<100 {
            let sample = PPK2Sample(adc: index == 50 ? 0x3FFF : 100, range: 4, counter: UInt8(index & 0x3F), logic: 0)
            withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
        }
        analyzer.consume(bytes)
        #expect(analyzer.report.total.inconclusiveReason == "1 samples saturated the highest range: the true current is higher")
    }
}

extension Array {
    func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
