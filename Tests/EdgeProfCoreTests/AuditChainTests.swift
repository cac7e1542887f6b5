import EdgeProfCore
import Foundation
import Testing

/// The hash chain detects every kind of tampering and names the first entry that does not hold.
@Suite struct AuditChainTests {
    func trail(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for index in 0..<count {
            entries.append(AuditChain.seal(
                after: entries.last, at: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), actor: "ana",
                action: "model.register", subject: "kws@1.\(index).0", after: "{\"n\":\(index)}"))
        }
        return entries
    }

    @Test func anUntouchedTrailIsIntact() {
        #expect(AuditChain.verify(trail(6)) == .intact(entries: 6))
        #expect(AuditChain.verify([]) == .intact(entries: 0))
        #expect(trail(1)[0].previousHash == AuditChain.genesisHash)
    }

    @Test func anEditedEntryIsNamed() {
        var entries = trail(6)
        entries[3].actor = "mallory"
        #expect(AuditChain.verify(entries) == .broken(sequence: 4, problem: "its content does not match its hash (edited: model.register kws@1.3.0 by mallory)"))
    }

    @Test func anEditRehashedByTheAttackerBreaksTheNextLink() {
        var entries = trail(6)
        entries[3].reason = "nothing to see"
        entries[3].hash = AuditChain.hash(of: entries[3])
        #expect(AuditChain.verify(entries) == .broken(sequence: 5, problem: "it does not link to entry 4 (the trail was rewritten before it)"))
    }

    @Test func aDeletedEntryIsNamed() {
        var entries = trail(6)
        entries.remove(at: 2)
        #expect(AuditChain.verify(entries) == .broken(sequence: 4, problem: "entries 3…3 are missing (deleted)"))
    }

    @Test func reorderedOrInsertedEntriesAreNamed() {
        var reordered = trail(6)
        reordered.swapAt(2, 3)
        #expect(AuditChain.verify(reordered) == .broken(sequence: 4, problem: "entry 3 comes later in the trail (reordered)"))
        var inserted = trail(6)
        inserted.insert(inserted[1], at: 3)
        #expect(AuditChain.verify(inserted) == .broken(sequence: 2, problem: "it comes after entry 3 (inserted or reordered)"))
    }

    @Test func fieldsCannotBeShiftedBetweenColumns() {
        let a = AuditChain.seal(after: nil, at: Date(timeIntervalSince1970: 0), actor: "a b", action: "c", subject: "d")
        let b = AuditChain.seal(after: nil, at: Date(timeIntervalSince1970: 0), actor: "a", action: "b c", subject: "d")
        #expect(a.hash != b.hash)
    }
}

extension AuditChainTests {
    /// `audit log --model kws` shows the acts on its versions and on the model itself (halts),
    /// not those of a model whose name merely starts the same.
    @Test func anEntryConcernsItsModelAndItsVersions() {
        func entry(_ subject: String) -> AuditEntry {
            AuditChain.seal(after: nil, at: Date(timeIntervalSince1970: 0), actor: "gus", action: "x", subject: subject)
        }
        #expect(entry("kws@1.2.0").concerns(model: "kws"))
        #expect(entry("kws").concerns(model: "kws"), "a halt's subject is the model")
        #expect(!entry("kws-big@1.0.0").concerns(model: "kws"))
        #expect(!entry("kwsx").concerns(model: "kws"))
        #expect(!entry("gus").concerns(model: "kws"))
    }
}
