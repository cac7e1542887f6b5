/// Cuts the PPK2's byte stream into samples. It finds the sample boundary from the 6-bit
/// counter (a stream can start mid-sample), and counts samples lost in transit from gaps in
/// the counter. A gap of 64 or more samples at once is indistinguishable from none.
public struct PPK2StreamDecoder: Sendable {
    /// Bytes needed to choose the alignment: the counter must step by one across them.
    static let alignmentWindow = 16 * PPK2Sample.size

    private var pending: [UInt8] = []
    private var aligned = false
    private var counting = PPK2SampleCounting()
    public var samplesDecoded: Int { counting.decoded }
    public var samplesLost: Int { counting.lost }
    /// Bytes dropped to find the sample boundary.
    public private(set) var bytesSkipped = 0

    public init() {
        pending.reserveCapacity(Self.alignmentWindow)
    }

    /// Decodes `bytes`, calling `handle` for each sample with its index in the stream (lost
    /// samples advance the index, so time stays right) and the samples lost just before it.
    @inline(__always)
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, _ handle: (_ sample: PPK2Sample, _ index: Int, _ lostBefore: Int) -> Void) {
        fold(bytes, into: ()) { samples, _, counting in
            var counting = counting
            var offset = 0
            while offset < samples.count {
                let sample = PPK2Sample(raw: UInt32(littleEndian: samples.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let (index, lostBefore) = counting.count(sample)
                handle(sample, index, lostBefore)
                offset &+= PPK2Sample.size
            }
            return ((), counting)
        }
    }

    /// Cuts `bytes` into whole samples and folds them into `state` with `step`, called once for
    /// each contiguous run of aligned samples (at most once per call) with the counting each
    /// sample goes through (`PPK2SampleCounting.count`), which it returns advanced: a per-sample
    /// loop then keeps its state in locals.
    @inline(__always)
    public mutating func fold<State>(
        _ bytes: UnsafeRawBufferPointer, into state: State,
        _ step: (_ samples: UnsafeRawBufferPointer, _ state: State, _ counting: PPK2SampleCounting) -> (State, PPK2SampleCounting)
    ) -> State {
        if !aligned || !pending.isEmpty {
            pending.append(contentsOf: bytes)
            if !aligned {
                guard pending.count >= Self.alignmentWindow else { return state }
                let offset = Self.bestOffset(pending)
                bytesSkipped += offset
                pending.removeFirst(offset)
                aligned = true
            }
            let whole = pending.count - pending.count % PPK2Sample.size
            let (folded, counted) = pending.withUnsafeBytes { step(UnsafeRawBufferPointer(rebasing: $0[0..<whole]), state, counting) }
            counting = counted
            pending.removeFirst(whole)
            return folded
        }
        let whole = bytes.count - bytes.count % PPK2Sample.size
        let (folded, counted) = step(UnsafeRawBufferPointer(rebasing: bytes[0..<whole]), state, counting)
        counting = counted
        pending.append(contentsOf: bytes[whole...])
        return folded
    }

    /// The byte offset (0–3) at which consecutive samples' counters step by one most often.
    static func bestOffset(_ bytes: [UInt8]) -> Int {
        (0..<PPK2Sample.size).max { score(bytes, offset: $0) < score(bytes, offset: $1) } ?? 0
    }

    private static func score(_ bytes: [UInt8], offset: Int) -> Int {
        var counters: [UInt8] = []
        var index = offset
        while index + PPK2Sample.size <= bytes.count {
            let raw = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
            counters.append(PPK2Sample(raw: raw).counter)
            index += PPK2Sample.size
        }
        return zip(counters, counters.dropFirst()).filter { ($1 &- $0) & 0x3F == 1 }.count
    }
}

/// Each sample's place in the stream, from its 6-bit counter: how many samples were lost just
/// before it, and its index counting them. Copied into a loop's locals and back.
public struct PPK2SampleCounting: Sendable {
    /// The counter the next sample should carry; `noCounter` before the first sample.
    private var expected = Self.noCounter
    private static let noCounter: UInt8 = 0xFF
    public private(set) var decoded = 0
    public private(set) var lost = 0

    /// At most 63 samples are lost per 4 bytes, so these sums cannot overflow: wrapping
    /// arithmetic only spares the loop its overflow checks.
    @inline(__always)
    public mutating func count(_ sample: PPK2Sample) -> (index: Int, lostBefore: Int) {
        let lostBefore = expected == Self.noCounter ? 0 : Int((sample.counter &- expected) & 0x3F)
        lost &+= lostBefore
        expected = (sample.counter &+ 1) & 0x3F
        let index = decoded &+ lost
        decoded &+= 1
        return (index, lostBefore)
    }
}
