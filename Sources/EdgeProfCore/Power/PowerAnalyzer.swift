/// One marked window (a logic channel high), e.g. one inference.
public struct PowerWindow: Sendable, Hashable, Codable {
    /// Stream sample indices, lost samples included: [start, end).
    public var startSample: Int
    public var endSample: Int
    public var power: PowerAccumulator

    public var seconds: Double { Double(endSample - startSample) * PPK2Sample.periodSeconds }
}

/// Everything a PPK2 capture yields: the whole capture's figures and each marked window's.
public struct PowerReport: Sendable, Hashable, Codable {
    public var total: PowerAccumulator
    public var windows: [PowerWindow]
    public var markChannel: Int?
    public var volts: Double
    public var bytesSkipped: Int
    public var calibrationFallbacks: [String]
}

/// Reduces a PPK2 byte stream to power figures as it arrives, in constant memory (per-window
/// totals only): decode → Nordic's calibration → V·I·Δt. Pure and streaming.
public struct PowerAnalyzer: Sendable {
    public let volts: Double
    public let markChannel: Int?
    private let calibration: PPK2Calibration
    private var stream: StreamState

    /// `volts`: the DUT's supply (the PPK2's source voltage in source-meter mode).
    /// `markChannel`: the logic input (0–7) that is high during each window, if any.
    public init(metadata: PPK2Metadata, volts: Double, markChannel: Int? = nil) {
        self.volts = volts
        self.markChannel = markChannel
        calibration = PPK2Calibration(metadata: metadata, vddMillivolts: volts * 1000)
        stream = StreamState(
            decoder: PPK2StreamDecoder(), figures: Figures(smoothing: calibration.smoothing, total: PowerAccumulator(), marks: MarkedWindows()))
    }

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        stream = calibration.ranges.withCoefficients { ranges in
            Self.advance(stream, over: bytes, ranges: ranges, volts: volts, markChannel: markChannel)
        }
    }

    /// Cuts the bytes into whole samples and folds them.
    @inline(never)
    private static func advance(
        _ state: StreamState, over bytes: UnsafeRawBufferPointer, ranges: UnsafeBufferPointer<PPK2RangeTable.Coefficients>,
        volts: Double, markChannel: Int?
    ) -> StreamState {
        var decoder = state.decoder
        let lostBefore = decoder.samplesLost
        var figures = decoder.fold(bytes, into: state.figures) { samples, figures, counting in
            fold(samples, into: figures, counting: counting, ranges: ranges, volts: volts, markChannel: markChannel)
        }
        figures.total.lostSamples += decoder.samplesLost - lostBefore
        return StreamState(decoder: decoder, figures: figures)
    }

    /// The per-sample loop over one run of whole samples. It takes and returns its state by
    /// value and calls nothing it does not inline, so the state stays in registers for the
    /// whole run instead of going through memory sample by sample.
    @inline(never)
    private static func fold(
        _ samples: UnsafeRawBufferPointer, into figures: Figures, counting: PPK2SampleCounting,
        ranges: UnsafeBufferPointer<PPK2RangeTable.Coefficients>, volts: Double, markChannel: Int?
    ) -> (Figures, PPK2SampleCounting) {
        var counter = counting
        var smoothing = figures.smoothing
        var total = figures.total
        var marks = figures.marks
        var offset = 0
        if let channel = markChannel {
            let mask: UInt8 = 1 << UInt8(channel)
            while offset < samples.count {
                let sample = PPK2Sample(raw: UInt32(littleEndian: samples.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let (index, lost) = counter.count(sample)
                let amperes = smoothing.calibrated(sample, ranges: ranges)
                total.add(amperes: amperes, volts: volts, saturated: sample.isSaturated)
                if lost > 0 { marks.lose(lost) }
                marks.add(amperes: amperes, volts: volts, saturated: sample.isSaturated, high: sample.logic & mask != 0, at: index)
                offset &+= PPK2Sample.size
            }
        } else {
            while offset < samples.count {
                let sample = PPK2Sample(raw: UInt32(littleEndian: samples.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                _ = counter.count(sample)
                total.add(amperes: smoothing.calibrated(sample, ranges: ranges), volts: volts, saturated: sample.isSaturated)
                offset &+= PPK2Sample.size
            }
        }
        return (Figures(smoothing: smoothing, total: total, marks: marks), counter)
    }

    public mutating func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { consume($0) }
    }

    /// Samples decoded so far, whether usable or not: above zero once the monitor streams.
    public var samplesSeen: Int { stream.figures.total.samples + stream.figures.total.lostSamples + stream.figures.total.invalidSamples }

    /// Marked windows that have closed so far (one per inference on a well-wired bench).
    public var closedWindows: Int { stream.figures.marks.closed.count }

    /// The figures so far; a window still open at the end is left out (it is incomplete).
    public var report: PowerReport {
        PowerReport(
            total: stream.figures.total, windows: stream.figures.marks.closed, markChannel: markChannel, volts: volts, bytesSkipped: stream.decoder.bytesSkipped,
            calibrationFallbacks: calibration.metadata.fallbacks)
    }
}

/// Everything a `PowerAnalyzer` advances sample by sample.
private struct StreamState {
    var decoder: PPK2StreamDecoder
    var figures: Figures
}

/// What the samples add up to so far.
private struct Figures {
    var smoothing: PPK2Smoothing
    var total: PowerAccumulator
    var marks: MarkedWindows
}

extension PPK2Smoothing {
    /// A sample's current through Nordic's calibration and range-change smoothing.
    @inline(__always)
    fileprivate mutating func calibrated(_ sample: PPK2Sample, ranges: UnsafeBufferPointer<PPK2RangeTable.Coefficients>) -> Double {
        let range = sample.range
        return smooth(PPK2RangeTable.amperes(adc: Double(sample.adc * 4), ranges[range & 7]), range: min(range, 5))
    }
}

/// The marked windows of a capture: the closed ones, and the one open while the mark is high.
private struct MarkedWindows {
    var closed: [PowerWindow] = []
    var open: PowerWindow?

    @inline(__always)
    mutating func lose(_ samples: Int) {
        open?.power.lostSamples += samples
    }

    @inline(__always)
    mutating func add(amperes: Double, volts: Double, saturated: Bool, high: Bool, at index: Int) {
        if high, open == nil {
            open = PowerWindow(startSample: index, endSample: index, power: PowerAccumulator())
        } else if !high, var window = open {
            window.endSample = index
            closed.append(window)
            open = nil
        }
        open?.power.add(amperes: amperes, volts: volts, saturated: saturated)
    }
}
