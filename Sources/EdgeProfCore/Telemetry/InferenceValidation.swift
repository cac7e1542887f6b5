import Foundation

/// Checks telemetry before anything is written, naming the field: bounded batches, printable
/// identifiers, finite and plausible figures. Pure.
public enum InferenceValidation {
    public static let maximumRecords = 10_000
    public static let maximumLabels = 10_000
    public static let maximumProtectedAttributes = 16
    public static let maximumFeatures = 256

    /// How far ahead of the collector's clock a record's time may be (device clocks drift).
    public static let maximumClockLead: TimeInterval = 86_400

    /// The first problem of `batch` received at `now`: a record timed in the future (beyond clock
    /// drift) would escape retention and sit in every monitoring window, so it is refused.
    public static func problem(in batch: InferenceBatch, now: Date) -> UploadProblem? {
        if let problem = RunUploadValidation.keyProblem(batch.batchKey) { return UploadProblem(field: "batchKey", problem: problem) }
        if batch.records.isEmpty { return UploadProblem(field: "records", problem: "is empty; send at least one record") }
        if batch.records.count > maximumRecords {
            return UploadProblem(field: "records", problem: "\(batch.records.count) records; at most \(maximumRecords) per batch")
        }
        var seen = Set<String>()
        for (index, record) in batch.records.enumerated() {
            if let problem = problem(in: record, field: "records[\(index)]", now: now) { return problem }
            if !seen.insert("\(record.device)\u{0}\(record.arm.rawValue)\u{0}\(record.requestID)").inserted {
                return UploadProblem(field: "records[\(index)].requestID", problem: "\(record.requestID) appears twice for \(record.device) on arm \(record.arm.rawValue)")
            }
        }
        return nil
    }

    public static func problem(in labels: InferenceLabelBatch) -> UploadProblem? {
        if labels.labels.isEmpty { return UploadProblem(field: "labels", problem: "is empty; send at least one label") }
        if labels.labels.count > maximumLabels {
            return UploadProblem(field: "labels", problem: "\(labels.labels.count) labels; at most \(maximumLabels) per request")
        }
        for (index, label) in labels.labels.enumerated() {
            let field = "labels[\(index)]"
            do throws(ModelReferenceError) { try ModelReference.validate(name: label.model) } catch {
                return UploadProblem(field: "\(field).model", problem: error.description)
            }
            if let problem = text(label.requestID, limit: 128, empty: false) { return UploadProblem(field: "\(field).requestID", problem: problem) }
            if let problem = text(label.label, limit: 256, empty: false) { return UploadProblem(field: "\(field).label", problem: problem) }
        }
        return nil
    }

    private static func problem(in record: InferenceRecord, field: String, now: Date) -> UploadProblem? {
        if record.device.split(separator: ":", maxSplits: 1).count != 2 || text(record.device, limit: 257, empty: false) != nil {
            return UploadProblem(field: "\(field).device", problem: "must be BOARD:SERIAL, printable, as the fleet names devices")
        }
        do throws(ModelReferenceError) { _ = try ModelReference(parsing: record.model) } catch {
            return UploadProblem(field: "\(field).model", problem: error.description)
        }
        if let problem = text(record.requestID, limit: 128, empty: false) { return UploadProblem(field: "\(field).requestID", problem: problem) }
        if let problem = text(record.prediction, limit: 256, empty: true) { return UploadProblem(field: "\(field).prediction", problem: problem) }
        if let subject = record.subject, let problem = text(subject, limit: 128, empty: false) {
            return UploadProblem(field: "\(field).subject", problem: problem)
        }
        if !record.at.timeIntervalSince1970.isFinite || record.at.timeIntervalSince1970 < 0 || record.at > now.addingTimeInterval(maximumClockLead) {
            return UploadProblem(field: "\(field).at", problem: "must be after 1970 and at most a day ahead of the collector's clock (\(AuditChain.timestamp(now))); check the device's clock")
        }
        let figures: [(String, Double?, ClosedRange<Double>)] = [
            ("score", record.score, -1e6...1e6), ("latencyMs", record.latencyMs, 0...3_600_000), ("energyMillijoules", record.energyMillijoules, 0...3.6e9),
        ]
        for (name, value, range) in figures {
            if let value, !value.isFinite || !range.contains(value) {
                return UploadProblem(field: "\(field).\(name)", problem: "\(value) is outside \(range.lowerBound)…\(range.upperBound)")
            }
        }
        let protected = record.protected ?? [:]
        if protected.count > maximumProtectedAttributes {
            return UploadProblem(field: "\(field).protected", problem: "\(protected.count) attributes; at most \(maximumProtectedAttributes)")
        }
        for (key, value) in protected.sorted(by: { $0.key < $1.key }) {
            if let problem = name(key) ?? text(value, limit: 64, empty: false) { return UploadProblem(field: "\(field).protected.\(key)", problem: problem) }
        }
        let features = record.features ?? [:]
        if features.count > maximumFeatures {
            return UploadProblem(field: "\(field).features", problem: "\(features.count) features; at most \(maximumFeatures)")
        }
        for (key, value) in features.sorted(by: { $0.key < $1.key }) {
            if let problem = name(key) { return UploadProblem(field: "\(field).features.\(key)", problem: problem) }
            if !value.isFinite { return UploadProblem(field: "\(field).features.\(key)", problem: "must be a finite number") }
        }
        return nil
    }

    /// Attribute and feature names: 1–64 of `a-z A-Z 0-9 _ . -`.
    private static func name(_ key: String) -> String? {
        (1...64).contains(key.count) && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
            ? nil : "a name must be 1 to 64 letters, digits, '_', '.' or '-'"
    }

    private static func text(_ value: String, limit: Int, empty: Bool) -> String? {
        RunUploadValidation.textProblem(value, limit: limit, mayBeEmpty: empty)
    }
}
