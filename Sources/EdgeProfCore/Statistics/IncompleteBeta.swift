import Foundation

/// The regularized incomplete beta function I_x(a, b), the tail of Student's t (statistics.md,
/// "A/B comparison"): Lentz's continued fraction, on whichever side of the mean converges fast.
enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1; NaN outside. `y` is 1 − x when the caller knows it
    /// more exactly than 1 − x can be computed (x within 1e-7 of 1 for Student's t with ν = 10⁷).
    static func regularized(_ x: Double, _ a: Double, _ b: Double, complement y: Double? = nil) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1, a.isFinite, b.isFinite else { return .nan }
        let y = y ?? 1 - x
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        let logX = x > 0.5 ? log1p(-y) : log(x)
        let logY = y > 0.5 ? log1p(-x) : log(y)
        let logPrefix = logInverseBeta(a, b) + a * logX + b * logY
        if x < (a + 1) / (a + b + 2) {
            return exp(logPrefix) * continuedFraction(x, a, b) / a
        }
        return 1 - exp(logPrefix) * continuedFraction(y, b, a) / b
    }

    /// −log B(a, b) = log Γ(a+b) − log Γ(a) − log Γ(b). When one argument is large, the difference
    /// of two huge log Γ values would lose digits (10⁻⁹ at 5·10⁶); Stirling's series gives
    /// log Γ(L+s) − log Γ(L) directly instead.
    private static func logInverseBeta(_ a: Double, _ b: Double) -> Double {
        let large = max(a, b), small = min(a, b)
        guard large >= 1e4 else { return logGamma(a + b) - logGamma(a) - logGamma(b) }
        let ratio = (large - 0.5) * log1p(small / large) + small * log(large + small) - small
            + stirlingCorrection(large + small) - stirlingCorrection(large)
        return ratio - logGamma(small)
    }

    /// log Γ(z) − [(z − ½) log z − z + ½ log 2π], to double precision for z ≥ 10⁴.
    private static func stirlingCorrection(_ z: Double) -> Double {
        let z2 = z * z
        return (1.0 / 12 - (1.0 / 360 - 1.0 / (1260 * z2)) / z2) / z
    }

    /// The continued fraction of I_x(a, b) (modified Lentz), to full double precision.
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        for m in 1...100_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            fraction *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return fraction
    }
}
