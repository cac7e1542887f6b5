import Foundation

/// Student's t distribution (its limit, the normal, when ν is infinite).
public enum StudentT {
    /// P(|T| ≥ |t|) with `degreesOfFreedom` > 0: I_{ν/(ν+t²)}(ν/2, 1/2) (scipy's `2 * t.sf(|t|, ν)`).
    public static func twoSidedP(_ t: Double, degreesOfFreedom df: Double) -> Double {
        guard !t.isNaN, !df.isNaN, df > 0 else { return .nan }
        if t.isInfinite { return 0 }
        if df.isInfinite { return erfc(abs(t) / 2.0.squareRoot()) }
        // x = ν/(ν+t²) and 1 − x = t²/(ν+t²), each computed directly so neither loses digits.
        return IncompleteBeta.regularized(df / (df + t * t), df / 2, 0.5, complement: t * t / (df + t * t))
    }
}
