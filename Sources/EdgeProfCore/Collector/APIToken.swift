import Crypto
import struct Foundation.Date

/// What a token is for: an agent uploads runs of one bench; a person reads and acts as their actor.
public enum TokenKind: String, Sendable, Codable, CaseIterable {
    case agent
    case person
}

/// A stored API token: whose it is and what it may do. The secret itself is never stored, only its SHA-256.
public struct TokenGrant: Sendable, Codable, Hashable {
    /// The public part of the token, for listing and revoking.
    public var id: String
    public var actor: String
    public var kind: TokenKind
    /// An agent token's bench; it may upload for no other.
    public var bench: String?
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    /// When the registry deactivated the token's actor (their tokens stop working with it).
    public var actorDeactivatedAt: Date?

    public init(
        id: String, actor: String, kind: TokenKind, bench: String?, createdAt: Date, expiresAt: Date?, revokedAt: Date? = nil, actorDeactivatedAt: Date? = nil
    ) {
        self.id = id
        self.actor = actor
        self.kind = kind
        self.bench = bench
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.actorDeactivatedAt = actorDeactivatedAt
    }
}

/// The token format: `ept_<id>_<secret>`, id 12 and secret 48 lowercase hex digits.
public enum APIToken {
    /// A new token from 30 random bytes: the text to hand out once, its id and the hash to store.
    public static func make(randomBytes: [UInt8]) -> (token: String, id: String, sha256: String) {
        precondition(randomBytes.count >= 30, "a token needs 30 random bytes")
        let hex = randomBytes.prefix(30).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let id = String(hex.prefix(12))
        let token = "ept_\(id)_\(hex.dropFirst(12))"
        return (token, id, sha256(of: token))
    }

    public static func sha256(of token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// Whether `text` has the token's shape (checked before any lookup).
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "ept" && parts[1].count == 12 && parts[2].count == 48
            && (parts[1] + parts[2]).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// What a route needs from its caller.
public enum AccessRule: String, Sendable, Codable {
    /// Health, metrics and the API description.
    case open
    /// Any valid token (reads).
    case anyToken = "token"
    /// A token that may upload runs (then only for the bench it is bound to).
    case ingest
    /// A person's token: governance and alert acknowledgement act as that actor.
    case person
}

/// Why a request was refused before its handler ran: 401 for who, 403 for what.
public struct AccessDenial: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var description: String
    /// A short name for the refusal, as metrics count it: missing, unknown, revoked, deactivated,
    /// expired (401); agent-token, unbound, other-bench (403).
    public var reason: String

    public init(status: Int, description: String, reason: String) {
        self.status = status
        self.description = description
        self.reason = reason
    }
}

/// Decides whether a caller with `grant` (nil: no or unknown token) may use a route.
public enum CollectorAccess {
    public static func check(_ rule: AccessRule, grant: TokenGrant?, presented: Bool, now: Date) throws(AccessDenial) {
        guard rule != .open else { return }
        guard presented else {
            throw AccessDenial(status: 401, description: "this route needs an API token: send `Authorization: Bearer ept_…` (`edgeprof collector token create` makes one)", reason: "missing")
        }
        guard let grant else {
            throw AccessDenial(status: 401, description: "the API token is not valid: it was mistyped or never issued; ask the collector's operator for a new one", reason: "unknown")
        }
        if let revoked = grant.revokedAt {
            throw AccessDenial(status: 401, description: "token \(grant.id) was revoked on \(revoked.ISO8601Format()); ask for a new one", reason: "revoked")
        }
        if let deactivated = grant.actorDeactivatedAt {
            throw AccessDenial(status: 401, description: "token \(grant.id) belongs to \(grant.actor), who was deactivated on \(deactivated.ISO8601Format()); its tokens no longer work", reason: "deactivated")
        }
        if let expires = grant.expiresAt, expires <= now {
            throw AccessDenial(status: 401, description: "token \(grant.id) expired on \(expires.ISO8601Format()); ask for a new one", reason: "expired")
        }
        if rule == .person, grant.kind != .person {
            throw AccessDenial(status: 403, description: "token \(grant.id) is an agent token (bench \(grant.bench ?? "?")); this route needs a person's token", reason: "agent-token")
        }
    }

    /// Runs and agent reports come from a bench's own token: whatever its kind, a token uploads
    /// for the bench it is bound to and no other, and a token bound to no bench uploads nothing.
    public static func checkUpload(bench: String, grant: TokenGrant) throws(AccessDenial) {
        guard let own = grant.bench else {
            throw AccessDenial(
                status: 403,
                description: "token \(grant.id) is bound to no bench and may not upload for bench \(bench): uploads come from the bench's agent token (edgeprof collector token create --bench \(bench))",
                reason: "unbound")
        }
        if own != bench {
            throw AccessDenial(status: 403, description: "token \(grant.id) belongs to bench \(own) and may not upload runs of bench \(bench)", reason: "other-bench")
        }
    }
}
