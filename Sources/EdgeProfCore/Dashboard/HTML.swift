import Foundation

/// Text made safe for HTML: every page of the dashboard is built from strings that went
/// through here, so a board name, a reason or an alert summary can never become markup.
public enum HTML {
    /// Escapes `& < > " '` for text and for double- or single-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                // Controls other than tab and newline have no business in a page.
                if character.value < 0x20, character != "\t", character != "\n" { escaped += "\u{FFFD}" } else { escaped.unicodeScalars.append(character) }
            }
        }
        return escaped
    }

    /// A path segment percent-encoded for a link (`/devices/<this>`).
    public static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A figure for a table: 4 significant digits, "—" for none.
    public static func figure(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: "%.4g", value)
    }

    /// A timestamp as people read it in a lab: UTC, to the second.
    public static func timestamp(_ date: Date) -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d UTC", components.year ?? 0, components.month ?? 0, components.day ?? 0,
            components.hour ?? 0, components.minute ?? 0, components.second ?? 0)
    }
}
