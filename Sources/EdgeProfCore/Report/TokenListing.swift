import Foundation

/// Renders `edgeprof collector token list`.
public enum TokenListing {
    public static func table(_ grants: [TokenGrant], now: Date) -> String {
        var lines = [
            ReportText.padded("id", 14) + ReportText.padded("actor", 18) + ReportText.padded("kind", 8)
                + ReportText.padded("bench", 16) + ReportText.padded("created", 22) + "state",
        ]
        for grant in grants {
            let state: String
            if let revoked = grant.revokedAt {
                state = "revoked \(revoked.ISO8601Format())"
            } else if let deactivated = grant.actorDeactivatedAt {
                state = "actor deactivated \(deactivated.ISO8601Format())"
            } else if let expires = grant.expiresAt {
                state = expires <= now ? "expired \(expires.ISO8601Format())" : "valid until \(expires.ISO8601Format())"
            } else {
                state = "valid"
            }
            lines.append(
                ReportText.padded(grant.id, 14) + ReportText.padded(grant.actor, 18) + ReportText.padded(grant.kind.rawValue, 8)
                    + ReportText.padded(grant.bench ?? "—", 16) + ReportText.padded(grant.createdAt.ISO8601Format(), 22) + state)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
