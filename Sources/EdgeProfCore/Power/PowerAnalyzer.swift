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
    private var calibration: PPK2Calibration
    private var decoder = PPK2StreamDecoder()
    private var total = PowerAccumulator()
    private var windows: [PowerWindow] = []
    private var open: PowerWindow?
    private var lastIndex = -1

    /// `volts`: the DUT's supply (the PPK2's source voltage in source-meter mode).
    /// `markChannel`: the logic input (0–7) that is high during each window, if any.
    public init(metadata: PPK2Metadata, volts: Double, markChannel: Int? = nil) {
        self.volts = volts
        self.markChannel = markChannel
        calibration = PPK2Calibration(metadata: metadata, vddMillivolts: volts * 1000)
    }

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        // The stream's state lives in locals for the whole chunk: registers, not memory.
        var decoder = self.decoder
        var state = Stream(calibration: calibration, total: total, windows: windows, open: open, lastIndex: lastIndex)
        let volts = volts
        let markChannel = markChannel
        decoder.decode(bytes) { sample, index in state.add(sample, index, volts: volts, markChannel: markChannel) }
        self.decoder = decoder
        calibration = state.calibration
        total = state.total
        windows = state.windows
        open = state.open
        lastIndex = state.lastIndex
    }

    public mutating func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { consume($0) }
    }

    /// Samples decoded so far, whether usable or not: above zero once the monitor streams.
    public var samplesSeen: Int { total.samples + total.lostSamples + total.invalidSamples }

    /// Marked windows that have closed so far (one per inference on a well-wired bench).
    public var closedWindows: Int { windows.count }

    /// The figures so far; a window still open at the end is left out (it is incomplete).
    public var report: PowerReport {
        PowerReport(
            total: total, windows: windows, markChannel: markChannel, volts: volts, bytesSkipped: decoder.bytesSkipped,
            calibrationFallbacks: calibration.metadata.fallbacks)
    }
}

/// The per-sample state of a `PowerAnalyzer`, advanced sample by sample.
private struct Stream {
    var calibration: PPK2Calibration
    var total: PowerAccumulator
    var windows: [PowerWindow]
    var open: PowerWindow?
    var lastIndex: Int

    @inline(__always)
    mutating func add(_ sample: PPK2Sample, _ index: Int, volts: Double, markChannel: Int?) {
        let lost = index - lastIndex - 1
        lastIndex = index
        let amperes = calibration.current(of: sample)
        let saturated = sample.range == 4 && sample.adc == 0x3FFF
        if lost > 0 {
            total.lostSamples += lost
            open?.power.lostSamples += lost
        }
        total.add(amperes: amperes, volts: volts, saturated: saturated)
        guard let channel = markChannel else { return }
        let high = sample.logic & (1 << UInt8(channel)) != 0
        if high, open == nil {
            open = PowerWindow(startSample: index, endSample: index, power: PowerAccumulator())
        } else if !high, var window = open {
            window.endSample = index
            windows.append(window)
            open = nil
        }
        open?.power.add(amperes: amperes, volts: volts, saturated: saturated)
    }
}
