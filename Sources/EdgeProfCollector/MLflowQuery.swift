import Foundation

/// Query parameters as MLflow's client (Python `requests`) encodes them: form encoding, where
/// `+` is a space and `%2B` a plus, and a key may repeat (`order_by`).
enum MLflowQuery {
    static func parameters(_ query: String?) -> [String: [String]] {
        var parameters: [String: [String]] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(decode)
            guard let key = parts.first, !key.isEmpty else { continue }
            parameters[key, default: []].append(parts.count == 2 ? parts[1] : "")
        }
        return parameters
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
