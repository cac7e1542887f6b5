import Foundation

/// How both stores turn drift columns back into values: JSON maps of protected attributes and
/// features (a column that does not decode is read as empty, never trusted half-way), and a
/// stored check (a row naming an unknown kind, state or severity is skipped).
public enum DriftRecordColumns {
    public static func protected(_ json: String?) -> [String: String] {
        guard let json else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    public static func features(_ json: String?) -> [String: Double] {
        guard let json else { return [:] }
        return (try? JSONDecoder().decode([String: Double].self, from: Data(json.utf8))) ?? [:]
    }

    public static func check(
        model: String, version: String, deviceClass: String, kind: String, windowStart: Date, windowEnd: Date, state: String, severity: String,
        value: Double?, threshold: Double?, pValue: Double?, summary: String, referenceSamples: Int, currentSamples: Int, policySHA256: String,
        checkedAt: Date, checkedBy: String
    ) -> DriftCheckRecord? {
        guard let kind = DriftKind(rawValue: kind), let state = FindingState(rawValue: state), let severity = AlertSeverity(rawValue: severity) else { return nil }
        var record = DriftCheckRecord(
            subject: DriftSubject(model: "\(model)@\(version)", deviceClass: deviceClass), kind: kind,
            window: DriftWindow(cadence: kind.cadence, containing: windowStart), severity: severity,
            outcome: DriftOutcome(
                state: state, value: value, threshold: threshold, pValue: pValue, summary: summary, referenceSamples: referenceSamples,
                currentSamples: currentSamples),
            policySHA256: policySHA256, checkedAt: checkedAt, checkedBy: checkedBy)
        record.windowStart = windowStart
        record.windowEnd = windowEnd
        return record
    }
}
