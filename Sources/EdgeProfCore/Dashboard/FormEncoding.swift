import Foundation

/// `application/x-www-form-urlencoded` as browsers send forms and query strings: `&`-separated
/// pairs, `+` a space, `%XX` a byte. Pure; a key may repeat (its values in order).
public enum FormEncoding {
    public static func fields(_ text: String?) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(decode)
            guard let key = parts.first, !key.isEmpty else { continue }
            fields[key, default: []].append(parts.count == 2 ? parts[1] : "")
        }
        return fields
    }

    /// The first value of each key.
    public static func firstValues(_ text: String?) -> [String: String] {
        fields(text).compactMapValues(\.first)
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
