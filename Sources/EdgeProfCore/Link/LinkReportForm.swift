/// How a board reports a run's iterations: ITER, TOK… and DONE lines (SPEC §4), compact REC lines
/// (v1.1, §7) or record frames (v1.2, §8). Ordered from the most bytes per token to the fewest.
public enum LinkReportForm: Int, Sendable, Hashable, Comparable, CaseIterable {
    case lines = 0, records = 1, frames = 2

    /// The most compact form a board with these capabilities sends.
    public static func best(announcedIn capabilities: [String]) -> LinkReportForm {
        if capabilities.contains("records"), capabilities.contains("frames") { return .frames }
        return capabilities.contains("records") ? .records : .lines
    }

    public static func < (lhs: LinkReportForm, rhs: LinkReportForm) -> Bool { lhs.rawValue < rhs.rawValue }
}
