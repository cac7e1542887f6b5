/// Watches a PPK2's stream during a place's check run and keeps what tells whether it is wired
/// to that board: rising edges on each of the eight logic inputs, the mean current while each
/// input is high and while it is low, and the current sampled in 0.2 ms bins (to count its
/// bursts when no input is wired). Pure and streaming; bounded memory (bins stop at a cap).
public struct WiringObserver: Sendable, PPK2ByteConsumer {
    /// Samples per current bin: 0.2 ms, shorter than a board's idle gap between inferences.
    static let binSamples = 20
    /// At most this many bins (200 s) are kept.
    static let binLimit = 1_000_000

    private var decoder = PPK2StreamDecoder()
    private var calibration: PPK2Calibration
    private var previousLogic: UInt8?
    private var rising = [Int](repeating: 0, count: 8)
    private var highSamples = [Int](repeating: 0, count: 8)
    private var highAmperes = [Double](repeating: 0, count: 8)
    private var totalAmperes = 0.0
    private var samples = 0
    private var bins: [Double] = []
    private var binSum = 0.0
    private var binCount = 0

    public init(metadata: PPK2Metadata, millivolts: Int) {
        calibration = PPK2Calibration(metadata: metadata, vddMillivolts: Double(millivolts))
    }

    public mutating func consume(_ bytes: [UInt8]) {
        var decoder = self.decoder
        bytes.withUnsafeBytes { raw in decoder.decode(raw) { sample, _, _ in add(sample) } }
        self.decoder = decoder
    }

    public var samplesSeen: Int { samples }

    private mutating func add(_ sample: PPK2Sample) {
        let amperes = calibration.current(of: sample)
        let logic = sample.logic
        samples += 1
        totalAmperes += amperes
        if let previous = previousLogic {
            let raised = logic & ~previous
            for input in 0..<8 where raised & (1 << UInt8(input)) != 0 { rising[input] += 1 }
        }
        previousLogic = logic
        for input in 0..<8 where logic & (1 << UInt8(input)) != 0 {
            highSamples[input] += 1
            highAmperes[input] += amperes
        }
        binSum += amperes
        binCount += 1
        if binCount == Self.binSamples {
            if bins.count < Self.binLimit { bins.append(binSum / Double(binCount)) }
            binSum = 0
            binCount = 0
        }
    }

    /// What was seen so far.
    public var summary: WiringSummary {
        let low = (0..<8).map { input -> Double? in
            let count = samples - highSamples[input]
            return count > 0 ? (totalAmperes - highAmperes[input]) / Double(count) : nil
        }
        let high = (0..<8).map { input -> Double? in highSamples[input] > 0 ? highAmperes[input] / Double(highSamples[input]) : nil }
        return WiringSummary(
            samples: samples, risingEdges: rising, meanAmperes: samples > 0 ? totalAmperes / Double(samples) : nil,
            meanHighAmperes: high, meanLowAmperes: low, currentBursts: Self.bursts(in: bins))
    }

    /// Rises of the current from its low level to its high level (with hysteresis between the
    /// 10th and 90th percentiles of the bins); 0 when the current is flat.
    static func bursts(in bins: [Double]) -> Int {
        guard bins.count >= 3 else { return 0 }
        let sorted = bins.sorted()
        let low = sorted[sorted.count / 10]
        let high = sorted[sorted.count * 9 / 10]
        guard high - low >= max(5e-6, 0.2 * abs(high)) else { return 0 }
        let up = low + 0.6 * (high - low)
        let down = low + 0.4 * (high - low)
        var isHigh = bins[0] >= up
        var count = 0
        for value in bins.dropFirst() {
            if !isHigh, value >= up {
                isHigh = true
                count += 1
            } else if isHigh, value <= down {
                isHigh = false
            }
        }
        return count
    }
}

/// What a power monitor saw during one place's check run.
public struct WiringSummary: Sendable, Hashable, Codable {
    public var samples: Int
    /// Rising edges on each logic input D0–D7.
    public var risingEdges: [Int]
    public var meanAmperes: Double?
    /// Mean current while each input was high / low (nil when it never was).
    public var meanHighAmperes: [Double?]
    public var meanLowAmperes: [Double?]
    /// How many times the current rose from its low to its high level.
    public var currentBursts: Int

    public init(samples: Int, risingEdges: [Int], meanAmperes: Double?, meanHighAmperes: [Double?], meanLowAmperes: [Double?], currentBursts: Int) {
        self.samples = samples
        self.risingEdges = risingEdges
        self.meanAmperes = meanAmperes
        self.meanHighAmperes = meanHighAmperes
        self.meanLowAmperes = meanLowAmperes
        self.currentBursts = currentBursts
    }

    /// Whether this monitor saw a board run `windows` inferences: an input toggling once per
    /// inference, or the current rising and falling at all (bursts merge when a board leaves
    /// almost no idle time between inferences, so their count is not held to `windows`).
    public func sawActivity(windows: Int) -> Bool {
        windows > 0 && (risingEdges.contains(windows) || currentBursts > 0)
    }
}

/// What consumes a PPK2's raw byte stream (the power analyzer, the wiring observer).
public protocol PPK2ByteConsumer: Sendable {
    mutating func consume(_ bytes: [UInt8])
    /// Samples decoded so far: above zero once the monitor streams.
    var samplesSeen: Int { get }
}

extension PowerAnalyzer: PPK2ByteConsumer {}
