/// One look of an A/B test's group-sequential verdict (issue 15 §3). The collector reads a test's
/// verdict every sweep and acts on it by itself, so a fixed α per reading would be spent again at
/// every reading and an equal B would, sooner or later, look significantly better or worse. Looks
/// are taken instead when the smaller arm reaches `minimum · 2^k` samples; look `k` tests the first
/// `minimum · 2^k` samples of each arm, so every reading between two looks gives the same answer,
/// at `α / (metrics · 2^(k+1))`. Summed over every look and metric, the chance that an A/B test of
/// two equal versions ever ends in a verdict is at most α (a union bound: conservative, and valid
/// however often the verdict is read and whenever the test is stopped). Pure.
public struct ABLook: Sendable, Hashable, Codable {
    /// 0 for the first look.
    public var index: Int
    /// Samples of each arm the look tests: the first this-many.
    public var samples: Int
    /// The significance level of each metric at this look.
    public var alpha: Double

    /// The latest look `available` samples in the smaller arm allow; nil before the first.
    public static func latest(available: Int, minimum: Int, alpha: Double, metrics: Int) -> ABLook? {
        let minimum = max(1, minimum)
        guard available >= minimum else { return nil }
        var index = 0
        var samples = minimum
        while samples <= available / 2 {
            samples *= 2
            index += 1
        }
        return ABLook(index: index, samples: samples, alpha: alpha / (Double(max(1, metrics)) * Double(1 << min(index + 1, 62))))
    }
}
