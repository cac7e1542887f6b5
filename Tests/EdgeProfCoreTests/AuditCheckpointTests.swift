@testable import EdgeProfCore
import Foundation
import Testing

/// A signed checkpoint catches what the hash chain alone cannot: a trail cut short.
@Suite struct AuditCheckpointTests {
    func trail(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for index in 0..<count {
            entries.append(AuditChain.seal(
                after: entries.last, at: Date(timeIntervalSince1970: Double(index)), actor: "gus", action: "model.halt", subject: "kws"))
        }
        return entries
    }

    let signer = AuditSigner()
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aTrailThatStillHoldsTheSignedHeadPassesAndMayHaveGrown() throws {
        let checkpoint = try signer.checkpoint(of: trail(5), at: at)
        #expect(checkpoint.sequence == 5)
        #expect(checkpoint.verify(against: trail(5), trustedKey: signer.publicKey) == .holds(sequence: 5))
        #expect(checkpoint.verify(against: trail(8), trustedKey: nil) == .holds(sequence: 5))
        #expect(try signer.checkpoint(of: [], at: at).verify(against: [], trustedKey: nil) == .holds(sequence: 0))
    }

    @Test func aTrailWhoseTailWasDeletedIsCaughtThoughItsChainVerifies() throws {
        let checkpoint = try signer.checkpoint(of: trail(5), at: at)
        let cut = Array(trail(5).dropLast())
        #expect(AuditChain.verify(cut) == .intact(entries: 4), "the chain alone cannot see it")
        #expect(checkpoint.verify(against: cut, trustedKey: nil) == .truncated(checkpoint: 5, trail: 4))
        #expect(checkpoint.verify(against: [], trustedKey: nil) == .truncated(checkpoint: 5, trail: 0))
    }

    @Test func aTrailRewrittenFromTheCheckpointOnIsCaught() throws {
        let checkpoint = try signer.checkpoint(of: trail(3), at: at)
        var rewritten = Array(trail(2))
        rewritten.append(AuditChain.seal(after: rewritten.last, at: at, actor: "mallory", action: "model.resume", subject: "kws"))
        #expect(checkpoint.verify(against: rewritten, trustedKey: nil) == .replaced(sequence: 3))
    }

    @Test func anEditedOrForeignCheckpointIsRefused() throws {
        var checkpoint = try signer.checkpoint(of: trail(5), at: at)
        checkpoint.sequence = 3
        guard case .badSignature = checkpoint.verify(against: trail(5), trustedKey: nil) else { Issue.record("an edited checkpoint verified"); return }
        let forged = try AuditSigner().checkpoint(of: trail(3), at: at)
        #expect(forged.verify(against: trail(3), trustedKey: signer.publicKey) == .untrustedKey(found: forged.publicKey))
        var garbage = forged
        garbage.publicKey = "not base64"
        guard case .badSignature = garbage.verify(against: trail(3), trustedKey: nil) else { Issue.record("a garbage key verified"); return }
    }

    @Test func keyFilesRoundTripAndGarbageIsRefusedWithAFix() throws {
        let again = try AuditSigner(keyText: signer.keyText, file: "k")
        #expect(again.publicKey == signer.publicKey)
        for garbage in ["", "abc", Data(repeating: 1, count: 31).base64EncodedString()] {
            #expect(throws: ConfigError.self) { try AuditSigner(keyText: garbage, file: "k") }
        }
    }
}
