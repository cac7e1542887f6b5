import EdgeProfCore
import Foundation

/// Turns a current into the raw sample a PPK2 with `metadata` would send: the lowest range that
/// holds it, and the ADC reading that Nordic's formula maps back to it (the quadratic solved).
struct PPK2Encoder: Sendable {
    let metadata: PPK2Metadata
    let vddMillivolts: Double

    func sample(amperes: Double, counter: UInt8, logic: UInt8) -> PPK2Sample {
        for range in 0..<5 {
            if let adc = adc(for: amperes, range: range), adc <= 0.9 * 16_383 {
                return PPK2Sample(adc: UInt32(adc.rounded()), range: range, counter: counter, logic: logic)
            }
        }
        return PPK2Sample(adc: 0x3FFF, range: 4, counter: counter, logic: logic)
    }

    /// The (fractional) 14-bit reading for `amperes` in `range`, nil when negative.
    func adc(for amperes: Double, range: Int) -> Double? {
        let m = metadata
        let constant = m.s[range] * (vddMillivolts / 1000) + m.i[range] - amperes / m.ug[range]
        let a = m.gs[range]
        let b = m.gi[range]
        let x = a == 0 ? -constant / b : (-b + (b * b - 4 * a * constant).squareRoot()) / (2 * a)
        let adc = (x / (PPK2Calibration.adcMultiplier / m.r[range]) + m.o[range]) / 4
        return adc >= 0 && adc.isFinite ? adc : nil
    }
}
