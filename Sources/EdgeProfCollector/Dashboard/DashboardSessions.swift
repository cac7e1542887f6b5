import Foundation
import Synchronization

/// The dashboard's signed-in sessions and one-time sign-in links, in the collector's memory (a
/// restart signs everyone out). A session remembers which person token signed in, never the
/// token itself: every request looks the token up again, so revoking it, or deactivating its
/// person, ends the session at once.
final class DashboardSessions: Sendable {
    /// One signed-in browser.
    struct Session: Sendable, Hashable {
        var tokenSHA256: String
        var actor: String
        /// Every form that changes something carries it (synchronizer token): another site's
        /// page cannot read it, so it cannot forge the form.
        var csrf: String
        var createdAt: Date
        var expiresAt: Date
    }

    /// A one-time link that signs its opener in as the person whose token asked for it.
    struct Link: Sendable, Hashable {
        var tokenSHA256: String
        var actor: String
        var expiresAt: Date
    }

    static let sessionLifetime: TimeInterval = 12 * 3600
    static let linkLifetime: TimeInterval = 15 * 60
    /// Beyond this many sessions (or links) the oldest are dropped.
    static let capacity = 10_000

    private let state = Mutex<(sessions: [String: Session], links: [String: Link])>(([:], [:]))

    /// A new session for the token's person; never outlives the token.
    func open(tokenSHA256: String, actor: String, tokenExpiresAt: Date?, now: Date) -> (id: String, session: Session) {
        let id = Self.secret()
        let expires = min(now.addingTimeInterval(Self.sessionLifetime), tokenExpiresAt ?? .distantFuture)
        let session = Session(tokenSHA256: tokenSHA256, actor: actor, csrf: Self.secret(), createdAt: now, expiresAt: expires)
        state.withLock { state in
            if state.sessions.count >= Self.capacity {
                state.sessions = state.sessions.filter { $0.value.expiresAt > now }
                if state.sessions.count >= Self.capacity, let oldest = state.sessions.min(by: { $0.value.createdAt < $1.value.createdAt })?.key {
                    state.sessions[oldest] = nil
                }
            }
            state.sessions[id] = session
        }
        return (id, session)
    }

    /// The live session of a cookie's id; an expired one is forgotten.
    func session(id: String, now: Date) -> Session? {
        state.withLock { state in
            guard let session = state.sessions[id] else { return nil }
            guard session.expiresAt > now else {
                state.sessions[id] = nil
                return nil
            }
            return session
        }
    }

    func close(id: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: id) }
    }

    /// A one-time sign-in code for the token's person, valid for `linkLifetime`.
    func issueLink(tokenSHA256: String, actor: String, now: Date) -> (code: String, expiresAt: Date) {
        let code = Self.secret()
        let expires = now.addingTimeInterval(Self.linkLifetime)
        state.withLock { state in
            state.links = state.links.filter { $0.value.expiresAt > now }
            if state.links.count >= Self.capacity, let oldest = state.links.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
                state.links[oldest] = nil
            }
            state.links[code] = Link(tokenSHA256: tokenSHA256, actor: actor, expiresAt: expires)
        }
        return (code, expires)
    }

    /// The link of a code, used up: a second opening finds nothing.
    func redeem(code: String, now: Date) -> Link? {
        state.withLock { state in
            guard let link = state.links.removeValue(forKey: code), link.expiresAt > now else { return nil }
            return link
        }
    }

    /// 32 random bytes from the system's generator, hex.
    static func secret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Compares a presented secret with the expected one in time independent of where they differ.
    static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count, !b.isEmpty else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
