import Crypto
import Foundation

/// An immutable, content-addressed record of a decision that changed what serves: a promotion,
/// a rollback, an emergency deployment or a retirement. Its id is the SHA-256 of its canonical
/// JSON, so the record cannot change without changing its name.
public struct ReleaseRecord: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        case promotion
        case rollback
        case emergency
        case retirement
    }

    public var kind: Kind
    public var reference: ModelReference
    /// The evidence track a promotion or emergency deployment was judged on.
    public var track: ReleaseTrack?
    public var artifactSHA256: String
    public var datasetManifestSHA256: String?
    /// Configuration that defines the deployed behaviour: quantization and tokenizer config
    /// hashes, hyperparameters.
    public var config: [String: String]
    /// The edge-performance thresholds in force, per device class.
    public var thresholds: [DeviceClassThresholds]
    /// SHA-256 of the governance policy the decision was taken under.
    public var policySHA256: String
    public var gates: [GovernanceGateResult]
    public var approvals: [Approval]
    public var escalation: Escalation?
    /// The version that served before this decision, if any.
    public var replaces: ModelReference?
    /// For a rollback: the release whose config and thresholds it restores.
    public var restores: String?
    /// For a retirement: everything the registry held about the version.
    public var archive: RetirementArchive?
    public var at: Date
    public var actor: String
    public var reason: String

    public init(
        kind: Kind, reference: ModelReference, track: ReleaseTrack? = nil, artifactSHA256: String, datasetManifestSHA256: String?, config: [String: String],
        thresholds: [DeviceClassThresholds], policySHA256: String, gates: [GovernanceGateResult], approvals: [Approval],
        escalation: Escalation? = nil, replaces: ModelReference? = nil, restores: String? = nil, archive: RetirementArchive? = nil,
        at: Date, actor: String, reason: String
    ) {
        self.kind = kind
        self.reference = reference
        self.track = track
        self.artifactSHA256 = artifactSHA256
        self.datasetManifestSHA256 = datasetManifestSHA256
        self.config = config
        self.thresholds = thresholds
        self.policySHA256 = policySHA256
        self.gates = gates
        self.approvals = approvals
        self.escalation = escalation
        self.replaces = replaces
        self.restores = restores
        self.archive = archive
        self.at = at
        self.actor = actor
        self.reason = reason
    }

    /// The canonical JSON the id is computed over (and the form the store keeps).
    public var canonicalJSON: String { CanonicalJSON.string(self) }

    /// Hex SHA-256 of the canonical JSON.
    public var id: String { CanonicalJSON.sha256(Data(canonicalJSON.utf8)) }
}

/// Who was told about an emergency deployment, and why it could not wait.
public struct Escalation: Sendable, Codable, Hashable {
    public var informed: [String]
    public var reason: String
    /// The tech_lead who asked for the emergency deployment and the second one who confirmed it
    /// (absent in records written before the two-person rule).
    public var requestedBy: String?
    public var confirmedBy: String?

    public init(informed: [String], reason: String, requestedBy: String? = nil, confirmedBy: String? = nil) {
        self.informed = informed
        self.reason = reason
        self.requestedBy = requestedBy
        self.confirmedBy = confirmedBy
    }
}

/// A retired version's full history, kept in its retirement record.
public struct RetirementArchive: Sendable, Codable, Hashable {
    public var version: ModelVersionRecord
    public var approvals: [Approval]
    public var attachments: [Attachment]
    public var transitions: [StageTransition]
    public var releaseIDs: [String]

    public init(version: ModelVersionRecord, approvals: [Approval], attachments: [Attachment], transitions: [StageTransition], releaseIDs: [String]) {
        self.version = version
        self.approvals = approvals
        self.attachments = attachments
        self.transitions = transitions
        self.releaseIDs = releaseIDs
    }
}

/// JSON with sorted keys and ISO 8601 dates: the same value always gives the same bytes.
public enum CanonicalJSON {
    public static func string<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // With non-finite numbers spelled as strings, encoding plain Codable values cannot fail.
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(type, from: Data(text.utf8))
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
