/// The exact null distribution of the two-sample KS statistic, as scipy computes it: the share of
/// monotone lattice paths from (0, 0) to (m, n) that leave the band |x/m − y/n| < h / lcm(m, n)
/// (Hodges 1958; the 1 − p recursion of Viehmann 2021 for unequal sizes).
enum ExactSmirnovDistribution {
    /// P(D ≥ h/n) for two samples of n each.
    static func outsideSquare(n: Int, h: Int) -> Double {
        var outside = 0.0
        var k = n / h
        while k >= 0 {
            var ratio = 1.0
            for j in 0..<h {
                ratio = Double(n - k * h - j) * ratio / Double(n + k * h + j + 1)
            }
            outside = ratio * (1.0 - outside)
            k -= 1
        }
        return 2 * outside
    }

    /// P(D ≥ h / lcm(m, n)) for samples of m and n, g = gcd(m, n). Keeps one sliding column of
    /// the path-count table, each entry already divided by its binomial coefficient.
    static func outsideBand(_ first: Int, _ second: Int, gcd g: Int, h: Int) -> Double {
        let m = max(first, second)
        let n = min(first, second)
        let mg = m / g
        let ng = n / g
        var minJ = 0
        var maxJ = min(ceilDiv(h, mg), n + 1)
        var currentLength = maxJ - minJ
        let length = min(2 * maxJ + 2, n + 1)
        var column = [Double](repeating: 1, count: length)
        for index in minJ..<min(maxJ, length) { column[index] = 0 }
        for i in 1...m {
            let lastMinJ = minJ
            let lastLength = currentLength
            minJ = min(max(floorDiv(ng * i - h, mg) + 1, 0), n)
            maxJ = min(ceilDiv(ng * i + h, mg), n + 1)
            if maxJ <= minJ { return 1.0 }
            var value = minJ == 0 ? 0.0 : 1.0
            for offset in 0..<(maxJ - minJ) {
                let j = offset + minJ
                value = (column[offset + minJ - lastMinJ] * Double(i) + value * Double(j)) / Double(i + j)
                column[offset] = value
            }
            currentLength = maxJ - minJ
            if lastLength > currentLength {
                let start = maxJ - minJ
                for index in start..<min(start + lastLength - currentLength, length) { column[index] = 1 }
            }
        }
        return column[maxJ - minJ - 1]
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int {
        -floorDiv(-a, b)
    }
}
