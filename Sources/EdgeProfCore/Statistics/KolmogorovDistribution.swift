import Foundation

/// The finite-n distribution of the one-sample two-sided Kolmogorov statistic D_n, as
/// `scipy.stats.kstwo` computes it (Simard & L'Ecuyer 2011): exact Ruben–Gambino ends, the
/// Durbin matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion, Pelz–Good's expansion and twice
/// the one-sided Smirnov tail, each in the region where scipy uses it.
enum KolmogorovDistribution {
    /// P(D_n ≥ x): `scipy.stats.kstwo.sf(x, n)`.
    static func survival(_ x: Double, n: Int) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                var product = 1.0
                for i in 1...n { product *= Double(i) * (1.0 / nd) * (2 * t - 1) }
                cdf = product
            } else {
                cdf = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return clip(1 - cdf)
        }
        if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * SmirnovDistribution.survival(x, n: n)) }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 { return clip(1 - durbinMatrixCDF(x, n: n)) }
            if nxSquared <= 4 { return clip(1 - pomeranzCDF(x, n: n)) }
            return clip(2 * SmirnovDistribution.survival(x, n: n))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * SmirnovDistribution.survival(x, n: n)) }
        let cdf: Double
        if nxSquared >= 18 {
            cdf = 1
        } else if n <= 100_000, nd * pow(x, 1.5) <= 1.4 {
            cdf = durbinMatrixCDF(x, n: n)
        } else {
            cdf = pelzGoodCDF(x, n: n)
        }
        return clip(1 - cdf)
    }

    private static let scaleExponent = 128
    private static let scaleUp = 0x1p128
    private static let scaleDown = 0x1p-128

    private static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// log(n! / n^n) by Stirling's series.
    private static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let rn = 1.0 / Double(n)
        let z = rn / Double(n)
        let series = coefficients.reduce(0.0) { $0 * z + $1 }
        return log(Double(n)) / 2 - Double(n) + log(2 * Double.pi) / 2 + rn * series
    }

    /// P(D_n < d) by raising Durbin's (2k−1)² matrix to the n-th power, rescaling as it grows.
    static func durbinMatrixCDF(_ d: Double, n: Int) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * factorial
        }
        let tail = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tail) * factorial
        var matrix = SquareMatrix(size: m)
        for column in 1..<max(m, 1) {
            for row in (column - 1)..<m { matrix[row, column] = w[row - column + 1] }
        }
        for row in 0..<m { matrix[row, 0] = v[row] }
        for column in 0..<m { matrix[m - 1, column] = v[m - 1 - column] }

        var power = SquareMatrix.identity(size: m)
        var exponent = 0
        var matrixExponent = 0
        var remaining = n
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = power * matrix
                exponent += matrixExponent
            }
            matrix = matrix * matrix
            matrixExponent *= 2
            if abs(matrix[k - 1, k - 1]) > scaleUp {
                matrix.scale(by: scaleDown)
                matrixExponent += scaleExponent
            }
            remaining /= 2
        }
        var p = power[k - 1, k - 1]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < scaleDown {
                p *= scaleUp
                exponent -= scaleExponent
            }
        }
        return exponent == 0 ? p : scalbn(p, exponent)
    }

    /// P(D_n < x) by Pomeranz's recursion over 2n + 1 rows of convolutions.
    static func pomeranzCDF(_ x: Double, n: Int) -> Double {
        let t = Double(n) * x
        let whole = Int(t.rounded(.down))
        let fraction = t - Double(whole)
        let g = min(fraction, 1 - fraction)
        let bounds = PomeranzBounds(n: n, whole: whole, ceilF: fraction > 0 ? 1 : 0, roundF: fraction > 0.5 ? 1 : 0)
        let powers = 2 * (whole + 1)
        var gPower = [Double](repeating: 1, count: powers)
        var twoGPower = [Double](repeating: 1, count: powers)
        var oneMinusTwoGPower = [Double](repeating: 1, count: powers)
        let nd = Double(n)
        for m in 1..<powers {
            gPower[m] = gPower[m - 1] * (g / nd) / Double(m)
            twoGPower[m] = twoGPower[m - 1] * (2 * g / nd) / Double(m)
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * ((1 - 2 * g) / nd) / Double(m)
        }
        var previous = [Double](repeating: 0, count: powers)
        var current = [Double](repeating: 0, count: powers)
        current[0] = 1
        var previousStart = 0
        var currentStart = 0
        var exponent = 0
        var (j1, j2) = bounds.row(0)
        for i in 1...(2 * n + 1) {
            let k1 = j1
            swap(&previous, &current)
            swap(&previousStart, &currentStart)
            for index in current.indices { current[index] = 0 }
            (j1, j2) = bounds.row(i)
            let weights = (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
            let span = j2 - k1 + 1
            guard span > 0 else { continue }
            let from = k1 - previousStart
            let segment = Array(previous[max(from, 0)..<min(from + span, powers)])
            let convolved = convolve(segment, Array(weights[0..<min(span, powers)]))
            let first = j1 - k1
            let count = j2 - j1 + 1
            for index in 0..<count where first + index < convolved.count && index < powers {
                current[index] = convolved[first + index]
            }
            let largest = current.max() ?? 0
            if largest > 0, largest < scaleDown {
                for index in current.indices { current[index] *= scaleUp }
                exponent -= scaleExponent
            }
            currentStart = previousStart + j1 - k1
        }
        var answer = current[n - currentStart]
        for m in 1...n {
            if abs(answer) > scaleUp {
                answer *= scaleDown
                exponent += scaleExponent
            }
            answer *= Double(m)
        }
        return exponent == 0 ? answer : scalbn(answer, exponent)
    }

    /// The row intervals of Pomeranz's recursion.
    private struct PomeranzBounds {
        let n: Int
        let whole: Int
        let ceilF: Int
        let roundF: Int

        func row(_ i: Int) -> (Int, Int) {
            let j1: Int
            let j2: Int
            if i == 0 {
                j1 = -whole - ceilF - 1
                j2 = whole + ceilF - 1
            } else {
                let half = (i + 1) / 2
                if (i + 1) % 2 == 0 {
                    if half == n + 1 {
                        j1 = n - whole - ceilF - 1
                        j2 = n + whole + ceilF - 1
                    } else {
                        j1 = half - 1 - whole - roundF - 1
                        j2 = half + whole - 1 + ceilF - 1
                    }
                } else {
                    j1 = half - 1 - whole - 1
                    j2 = half + whole + roundF - 1
                }
            }
            return (max(j1 + 2, 0), min(j2, n))
        }
    }

    private static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        var out = [Double](repeating: 0, count: a.count + b.count - 1)
        for i in a.indices {
            for j in b.indices { out[i + j] += a[i] * b[j] }
        }
        return out
    }

    /// P(D_n < x) by Pelz and Good's expansion in 1/√n with Jacobi-theta forms of each term.
    static func pelzGoodCDF(_ x: Double, n: Int) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let nd = Double(n)
        let z = nd.squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let piSquared = Double.pi * Double.pi
        let piFour = piSquared * piSquared
        let piSix = piFour * piSquared
        let qLog = -piSquared / 8 / z2
        if qLog < -708 { return 0 }
        var q = exp(qLog)
        let k1a = -z2
        let k1b = piSquared / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * piSquared / 4
        let k2c = piFour * (1 - 2 * z2) / 16
        let k3d = piSix * (5 - 30 * z2) / 64
        let k3c = piFour * (-60 * z2 + 212 * z4) / 16
        let k3b = piSquared * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var terms = [0.0, 0.0, 0.0, 0.0]
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        for k in stride(from: maxK, through: 1, by: -1) {
            let m = Double(2 * k - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qPower = pow(q, Double(8 * k))
            let coefficients = [
                1.0,
                k1a + k1b * m2,
                k2a + k2b * m2 + k2c * m4,
                k3a + k3b * m2 + k3c * m4 + k3d * m6,
            ]
            for index in 0..<4 { terms[index] = terms[index] * qPower + coefficients[index] }
        }
        let sqrtTwoPi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for index in 0..<4 { terms[index] = terms[index] * q * sqrtTwoPi / divisors[index] }
        q = exp(-piSquared / 2 / z2)
        let sqrt3z = 3.0.squareRoot() * z
        var k2Extra = 0.0
        var k3Extra = 0.0
        for k in stride(from: maxK, through: 1, by: -1) {
            let kd = Double(k)
            let kSquared = kd * kd
            let qPower = pow(q, kSquared)
            let kPi = Double.pi * kd
            k2Extra += kSquared * qPower
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPower
        }
        terms[2] += k2Extra * piSquared * sqrtTwoPi / (-36 * z3)
        terms[3] += k3Extra * piSquared * sqrtTwoPi / (216 * z6)
        var sum = 0.0
        for index in 0..<4 { sum += terms[index] / pow(nd, Double(index) / 2) }
        return sum
    }
}

/// A small dense square matrix for the Durbin matrix power.
struct SquareMatrix {
    let size: Int
    private var values: [Double]

    init(size: Int) {
        self.size = size
        values = [Double](repeating: 0, count: size * size)
    }

    static func identity(size: Int) -> SquareMatrix {
        var matrix = SquareMatrix(size: size)
        for i in 0..<size { matrix[i, i] = 1 }
        return matrix
    }

    subscript(row: Int, column: Int) -> Double {
        get { values[row * size + column] }
        set { values[row * size + column] = newValue }
    }

    mutating func scale(by factor: Double) {
        for index in values.indices { values[index] *= factor }
    }

    static func * (lhs: SquareMatrix, rhs: SquareMatrix) -> SquareMatrix {
        var out = SquareMatrix(size: lhs.size)
        let n = lhs.size
        for i in 0..<n {
            for k in 0..<n {
                let a = lhs.values[i * n + k]
                if a == 0 { continue }
                for j in 0..<n { out.values[i * n + j] += a * rhs.values[k * n + j] }
            }
        }
        return out
    }
}
