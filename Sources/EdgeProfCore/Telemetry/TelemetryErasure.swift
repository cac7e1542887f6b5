import Foundation

/// A data subject's inference records erased on request (issue 15 §1), as a governance act: who
/// erased how many records of which subject, and why. The audit trail keeps the subject's SHA-256,
/// never the subject itself; the store deletes exactly the records counted when it was decided
/// (ids up to `throughRecord`), or refuses when they changed meanwhile.
public struct TelemetryErasure: Sendable, Hashable {
    public var subject: String
    public var records: Int
    public var throughRecord: Int64
    public var actor: String
    public var at: Date
    public var reason: String

    public init(subject: String, records: Int, throughRecord: Int64, actor: String, at: Date, reason: String) {
        self.subject = subject
        self.records = records
        self.throughRecord = throughRecord
        self.actor = actor
        self.at = at
        self.reason = reason
    }

    /// How the audit trail names the subject.
    public var subjectSHA256: String { RunUpload.contentSHA256(ofCanonical: Data(subject.utf8)) }
}

/// How many stored inference records a subject has, and the highest of their ids.
public struct TelemetrySubjectExtent: Sendable, Hashable {
    public var records: Int
    public var lastRecord: Int64

    public init(records: Int, lastRecord: Int64) {
        self.records = records
        self.lastRecord = lastRecord
    }
}
