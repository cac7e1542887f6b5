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
        stream = StreamState(decoder: PPK2StreamDecoder(), smoothing: calibration.smoothing, total: PowerAccumulator(), marks: MarkedWindows())
    }

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        stream = calibration.ranges.withCoefficients { ranges in
            Self.advance(stream, over: bytes, ranges: ranges, volts: volts, markChannel: markChannel)
        }
    }

    /// The per-sample loop. It takes and returns the state by value, so its locals are its
    /// own and stay in registers for the whole chunk instead of being written back to `self`
    /// sample by sample.
    @inline(never)
    private static func advance(
        _ state: StreamState, over bytes: UnsafeRawBufferPointer, ranges: UnsafeBufferPointer<PPK2RangeTable.Coefficients>,
        volts: Double, markChannel: Int?
    ) -> StreamState {
        var decoder = state.decoder
        var smoothing = state.smoothing
        var total = state.total
        var marks = state.marks
        @inline(__always)
        func measure(_ sample: PPK2Sample) -> (amperes: Double, saturated: Bool) {
            let range = sample.range
            let amperes = smoothing.smooth(PPK2RangeTable.amperes(adc: Double(sample.adc * 4), ranges[range & 7]), range: min(range, 5))
            let saturated = sample.isSaturated
            total.add(amperes: amperes, volts: volts, saturated: saturated)
            return (amperes, saturated)
        }
        let lostBefore = decoder.samplesLost
        if let channel = markChannel {
            let mask: UInt8 = 1 << UInt8(channel)
            decoder.decode(bytes) { sample, index, lost in
                let (amperes, saturated) = measure(sample)
                if lost > 0 { marks.lose(lost) }
                marks.add(amperes: amperes, volts: volts, saturated: saturated, high: sample.logic & mask != 0, at: index)
            }
        } else {
            decoder.decode(bytes) { sample, _, _ in _ = measure(sample) }
        }
        total.lostSamples += decoder.samplesLost - lostBefore
        return StreamState(decoder: decoder, smoothing: smoothing, total: total, marks: marks)
    }

    public mutating func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { consume($0) }
    }

    /// Samples decoded so far, whether usable or not: above zero once the monitor streams.
    public var samplesSeen: Int { stream.total.samples + stream.total.lostSamples + stream.total.invalidSamples }

    /// Marked windows that have closed so far (one per inference on a well-wired bench).
    public var closedWindows: Int { stream.marks.closed.count }

    /// The figures so far; a window still open at the end is left out (it is incomplete).
    public var report: PowerReport {
        PowerReport(
            total: stream.total, windows: stream.marks.closed, markChannel: markChannel, volts: volts, bytesSkipped: stream.decoder.bytesSkipped,
            calibrationFallbacks: calibration.metadata.fallbacks)
    }
}

/// Everything a `PowerAnalyzer` advances sample by sample.
private struct StreamState {
    var decoder: PPK2StreamDecoder
    var smoothing: PPK2Smoothing
    var total: PowerAccumulator
    var marks: MarkedWindows
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
