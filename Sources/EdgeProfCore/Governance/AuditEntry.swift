import Crypto
import Foundation

/// One governance act in the append-only audit trail. Each entry carries the hash of the one
/// before it, so editing, deleting, inserting or reordering any entry breaks the chain.
public struct AuditEntry: Sendable, Codable, Hashable {
    /// Position in the trail, from 1.
    public var sequence: Int64
    /// ISO 8601 with milliseconds, UTC: kept as text so the hash covers exactly what is stored.
    public var at: String
    public var actor: String
    /// What was done, e.g. `model.register`.
    public var action: String
    /// What it was done to, e.g. `kws@1.2.0`.
    public var subject: String
    /// JSON of the state before and after, when there is one.
    public var before: String?
    public var after: String?
    public var reason: String?
    /// SHA-256 of the governance policy the act was decided under (absent in entries written
    /// before policies lived in the registry, and in acts no policy decides).
    public var policy: String?
    /// Hex SHA-256 of the previous entry (64 zeros for the first).
    public var previousHash: String
    /// Hex SHA-256 of this entry's canonical form, `previousHash` included.
    public var hash: String

    /// Whether the act was on model `name`: one of its versions (`name@1.2.0`), or the model
    /// itself (a halt or a resumption).
    public func concerns(model name: String) -> Bool {
        subject == name || subject.hasPrefix("\(name)@")
    }
}

/// Seals and verifies the audit trail's hash chain. Pure.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// A new entry after `previous` (nil for the first), with its hash computed.
    public static func seal(
        after previous: AuditEntry?, at date: Date, actor: String, action: String, subject: String, before: String? = nil,
        after: String? = nil, reason: String? = nil, policy: String? = nil
    ) -> AuditEntry {
        var entry = AuditEntry(
            sequence: (previous?.sequence ?? 0) + 1, at: timestamp(date), actor: actor, action: action, subject: subject,
            before: before, after: after, reason: reason, policy: policy, previousHash: previous?.hash ?? genesisHash, hash: "")
        entry.hash = hash(of: entry)
        return entry
    }

    /// The hash of an entry's content and its link to the previous one. The policy digest is
    /// appended only when present, so entries written before it existed keep their hashes.
    public static func hash(of entry: AuditEntry) -> String {
        let fields: [String?] = [
            String(entry.sequence), entry.at, entry.actor, entry.action, entry.subject, entry.before, entry.after, entry.reason,
            entry.previousHash,
        ] + (entry.policy.map { [$0] } ?? [])
        // A JSON array: unambiguous whatever the fields contain.
        let canonical = (try? JSONEncoder().encode(fields)) ?? Data()
        return SHA256.hash(data: canonical).map { String(format: "%02x", $0) }.joined()
    }

    /// What `verify` found.
    public enum Verification: Sendable, Hashable {
        case intact(entries: Int)
        /// The first entry that does not hold, and why.
        case broken(sequence: Int64, problem: String)
    }

    /// Checks the whole trail in stored order; names the first entry that does not hold.
    public static func verify(_ entries: [AuditEntry]) -> Verification {
        var previous: AuditEntry?
        for (position, entry) in entries.enumerated() {
            let expected = (previous?.sequence ?? 0) + 1
            if entry.sequence != expected {
                let problem: String
                if entry.sequence < expected {
                    problem = "it comes after entry \(previous?.sequence ?? 0) (inserted or reordered)"
                } else if entries[(position + 1)...].contains(where: { $0.sequence == expected }) {
                    problem = "entry \(expected) comes later in the trail (reordered)"
                } else {
                    problem = "entries \(expected)…\(entry.sequence - 1) are missing (deleted)"
                }
                return .broken(sequence: entry.sequence, problem: problem)
            }
            if hash(of: entry) != entry.hash {
                return .broken(sequence: entry.sequence, problem: "its content does not match its hash (edited: \(entry.action) \(entry.subject) by \(entry.actor))")
            }
            if entry.previousHash != (previous?.hash ?? genesisHash) {
                return .broken(sequence: entry.sequence, problem: "it does not link to entry \(expected - 1) (the trail was rewritten before it)")
            }
            previous = entry
        }
        return .intact(entries: entries.count)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
