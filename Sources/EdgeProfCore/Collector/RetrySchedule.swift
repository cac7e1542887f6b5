/// When an agent tries a spooled upload again: exponential backoff from `base`, capped, with
/// "equal jitter" (half fixed, half random) so many agents do not retry in step after an outage.
public struct RetrySchedule: Sendable, Hashable {
    public var base: Double
    public var cap: Double

    public init(base: Double = 1, cap: Double = 300) {
        self.base = base
        self.cap = cap
    }

    /// Seconds to wait after `failures` failed attempts (≥ 1); `unit` is a random draw in [0, 1).
    public func delay(afterFailures failures: Int, unit: Double) -> Double {
        let exponent = min(max(failures - 1, 0), 30)
        let ceiling = min(cap, base * Double(1 << exponent))
        return ceiling / 2 + ceiling / 2 * min(max(unit, 0), 1)
    }
}
