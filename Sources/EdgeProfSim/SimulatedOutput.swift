/// What a simulated model answers: every input has a reference answer, one token per position,
/// and a model departs from it at a share of positions (its `outputDivergence`) chosen by its
/// artifact, the input and the position. Pure and deterministic, like greedy decoding: the same
/// model given the same input always says the same thing, and two models agree wherever neither
/// departs, which is what a shadow comparison measures.
public enum SimulatedOutput {
    /// Token ids run 0..<vocabulary.
    public static let vocabulary: UInt64 = 4096

    /// The token `model` emits at `position` for `input`.
    public static func token(input: String, position: Int, model: SimulatedModelProfile) -> Int32 {
        let inputHash = fnv1a(input)
        var reference = SplitMix64(seed: inputHash ^ (UInt64(position) &* 0x9E37_79B9_7F4A_7C15))
        let answer = reference.next() % vocabulary
        guard model.outputDivergence > 0 else { return Int32(answer) }
        var departure = SplitMix64(seed: fnv1a(model.artifactSHA256) ^ inputHash ^ (UInt64(position) &* 0xD1B5_4A32_D192_ED03))
        guard departure.nextUnit() < model.outputDivergence else { return Int32(answer) }
        return Int32((answer + 1 + departure.next() % (vocabulary - 1)) % vocabulary)
    }

    /// FNV-1a, 64 bits: a hash of `text` that is the same in every process (Swift's `hashValue` is not).
    public static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
