import Crypto
import Foundation

/// Where a device falls in a rollout: SHA-256 of the rollout's id and the device's identity,
/// read as a number in [0, 1). It depends on nothing else — not on the order devices arrive in,
/// nor on which others exist — so a device in a 1 % rollout is still in it at 5 %. Pure.
public enum RolloutBucket {
    public static func of(device: String, rollout: String) -> Double {
        let digest = Array(SHA256.hash(data: Data("\(rollout)\u{0}\(device)".utf8)))
        let high = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        // The top 53 bits fill a Double's mantissa exactly: every value is < 1.
        return Double(high >> 11) / 9_007_199_254_740_992
    }
}
