import CEdgeProfBenchBaseline
import EdgeProfCore

/// PPK2 throughput on one synthetic capture, measured two ways in the same run: EdgeProf's
/// streaming analyzer (decode, Nordic calibration with smoothing, energy) and a plain C loop
/// doing the same work on the same bytes.
struct PPK2PipelineBenchmark {
    let bytes: [UInt8]
    let sampleCount: Int
    let metadata = PPK2Metadata()
    let volts = 3.0

    /// A capture with mostly steady ranges and a range change every few hundred samples, as
    /// an MCU alternating between sleep and inference produces.
    init(samples: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples * 4)
        var range = 2
        for index in 0..<samples {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if index % 400 == 0 { range = Int(state >> 61) % 5 }
            let sample = PPK2Sample(adc: UInt32(truncatingIfNeeded: state >> 40) & 0x3FFF, range: range, counter: UInt8(index & 0x3F), logic: 0)
            withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
        }
        self.bytes = bytes
        sampleCount = samples
    }

    /// EdgeProf: fed in 64 KiB chunks, as reads from the port deliver them.
    func swiftAnalyzer() -> (samples: Int, joules: Double) {
        var analyzer = PowerAnalyzer(metadata: metadata, volts: volts)
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + 65_536, all.count)
                analyzer.consume(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
        let report = analyzer.report
        return (report.total.samples, report.total.joules)
    }

    func cBaseline() -> (samples: Int, joules: Double) {
        let ranges = (0..<5).map { range in
            ppk2_baseline_range(
                offset: metadata.o[range], scale: PPK2Calibration.adcMultiplier / metadata.r[range], gain_slope: metadata.gs[range],
                gain_intercept: metadata.gi[range], vdd_term: metadata.s[range] * (volts * 1000 / 1000) + metadata.i[range],
                user_gain: metadata.ug[range])
        }
        var samples = 0
        let joules = bytes.withUnsafeBufferPointer { buffer in
            ranges.withUnsafeBufferPointer { ppk2_baseline_energy(buffer.baseAddress, buffer.count, $0.baseAddress, volts, &samples) }
        }
        return (samples, joules)
    }
}
