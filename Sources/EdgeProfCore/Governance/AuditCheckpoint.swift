import Crypto
import Foundation

/// A signed statement of the audit trail's head: "entry N had hash H at time T", signed with an
/// Ed25519 key kept outside the database. The hash chain shows any edit in the middle of the
/// trail; only a checkpoint kept elsewhere shows that its tail was cut off (the last entries
/// deleted with the append-only trigger dropped). Pure: keys, entries and time in, values out.
public struct AuditCheckpoint: Sendable, Codable, Hashable {
    public var sequence: Int64
    public var hash: String
    /// ISO 8601 with milliseconds, UTC.
    public var at: String
    /// The signer's Ed25519 public key, base64 of its 32 raw bytes.
    public var publicKey: String
    /// Base64 Ed25519 signature of `signedText`.
    public var signature: String

    /// What the signature covers: a versioned, line-separated text with no room for ambiguity.
    public static func signedText(sequence: Int64, hash: String, at: String) -> String {
        "edgeprof-audit-checkpoint-v1\n\(sequence)\n\(hash)\n\(at)\n"
    }

    /// Signs the head of `trail` (an empty trail is checkpointed as sequence 0, the genesis hash).
    public static func sign(trail: [AuditEntry], at date: Date, key: Curve25519.Signing.PrivateKey) throws -> AuditCheckpoint {
        let head = trail.last
        let sequence = head?.sequence ?? 0
        let hash = head?.hash ?? AuditChain.genesisHash
        let at = AuditChain.timestamp(date)
        let signature = try key.signature(for: Data(signedText(sequence: sequence, hash: hash, at: at).utf8))
        return AuditCheckpoint(
            sequence: sequence, hash: hash, at: at, publicKey: key.publicKey.rawRepresentation.base64EncodedString(),
            signature: signature.base64EncodedString())
    }

    /// What checking a trail against a checkpoint found.
    public enum Verification: Sendable, Hashable {
        /// The trail still holds the checkpointed head (and may have grown since).
        case holds(sequence: Int64)
        case badSignature(String)
        /// The signature is good, but from another key than the one the caller trusts.
        case untrustedKey(found: String)
        /// Entries the checkpoint saw are gone.
        case truncated(checkpoint: Int64, trail: Int64)
        /// The entry at the checkpoint's position is not the one that was signed.
        case replaced(sequence: Int64)
    }

    /// Checks the signature (against `trustedKey` when given, base64) and that `trail` still
    /// contains the signed head.
    public func verify(against trail: [AuditEntry], trustedKey: String?) -> Verification {
        guard let keyBytes = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else {
            return .badSignature("the checkpoint's publicKey is not a base64 Ed25519 key")
        }
        guard let signatureBytes = Data(base64Encoded: signature),
              key.isValidSignature(signatureBytes, for: Data(Self.signedText(sequence: sequence, hash: hash, at: at).utf8))
        else {
            return .badSignature("the signature does not match the checkpoint's content (edited, or not made by its key)")
        }
        if let trustedKey, trustedKey != publicKey { return .untrustedKey(found: publicKey) }
        let length = trail.last?.sequence ?? 0
        guard sequence <= length else { return .truncated(checkpoint: sequence, trail: length) }
        if sequence == 0 { return hash == AuditChain.genesisHash ? .holds(sequence: 0) : .replaced(sequence: 0) }
        guard let entry = trail.first(where: { $0.sequence == sequence }), entry.hash == hash else { return .replaced(sequence: sequence) }
        return .holds(sequence: sequence)
    }
}

/// Signs audit checkpoints with an Ed25519 key kept outside the database. Its file holds base64
/// of the key's 32 raw bytes on one line. Pure: text in, signatures out.
public struct AuditSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    public init(keyText text: String, file: String) throws(ConfigError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed), bytes.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        else {
            throw ConfigError(file: file, line: nil, message: "not an audit signing key (base64 of 32 bytes). Fix: make one with `edgeprof audit keygen --out FILE`")
        }
        self.key = key
    }

    /// What the key file holds.
    public var keyText: String { key.rawRepresentation.base64EncodedString() + "\n" }

    /// The public half, base64: what `audit verify --public-key` pins.
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    public func checkpoint(of trail: [AuditEntry], at date: Date) throws -> AuditCheckpoint {
        try AuditCheckpoint.sign(trail: trail, at: date, key: key)
    }
}
