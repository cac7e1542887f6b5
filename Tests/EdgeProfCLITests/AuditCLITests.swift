import Foundation
import Testing

/// `audit log` and `audit verify` through the binary, and tampering through the real sqlite3.
@Suite struct AuditCLITests {
    @Test func registrationsAreAuditedAndTamperingIsNamed() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "sqlite3 is missing (Debian package sqlite3)")
        let cli = try CLI()
        try cli.addDefaultActor()
        let artifact = cli.file("m.bin", "weights")
        for version in ["1.0.0", "1.1.0", "2.0.0"] {
            #expect(try cli.run(["model", "register", "kws", version, "--artifact", artifact, "--actor", "ana"]).status == 0)
        }
        let log = try cli.run(["audit", "log", "--model", "kws"])
        #expect(log.stdout.split(separator: "\n").count == 6, "each registration and its move to development")
        #expect(log.stdout.contains("ana          model.register   kws@1.1.0"))
        #expect(try cli.run(["audit", "verify"]).stdout == "audit trail intact: 7 entries, every hash and link holds\n")

        let (refused, message) = try cli.sqlite("UPDATE audit_entry SET json = replace(json, 'ana', 'bo') WHERE sequence = 4;")
        #expect(refused != 0 && message.contains("the audit trail is append-only"))

        _ = try cli.sqlite("DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET json = replace(json, '\"actor\":\"ana\"', '\"actor\":\"bo\"') WHERE sequence = 4;")
        let verify = try cli.run(["audit", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout == "audit trail BROKEN at entry 4: its content does not match its hash (edited: model.register kws@1.1.0 by bo)\n")
    }

    @Test func aSignedCheckpointCatchesATailDeletedBehindTheTriggersBack() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "sqlite3 is missing (Debian package sqlite3)")
        let cli = try CLI()
        try cli.addDefaultActor()
        let artifact = cli.file("m.bin", "weights")
        #expect(try cli.run(["model", "register", "kws", "1.0.0", "--artifact", artifact, "--actor", "ana"]).status == 0)
        let key = cli.home.appendingPathComponent("audit.key").path
        let made = try cli.run(["audit", "keygen", "--out", key])
        #expect(made.status == 0, "\(made.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try cli.run(["audit", "keygen", "--out", key]).status != 0, "a key is never overwritten")
        let publicKey = try #require(made.stdout.split(separator: "\n").last?.split(separator: " ").last.map(String.init))
        let checkpoint = cli.home.appendingPathComponent("head.json").path
        #expect(try cli.run(["audit", "checkpoint", "--key", key, "--out", checkpoint]).status == 0)
        let holds = try cli.run(["audit", "verify", "--checkpoint", checkpoint, "--public-key", publicKey])
        #expect(holds.status == 0 && holds.stdout.contains("checkpoint holds: entry 3"), "\(holds.stdout)\(holds.stderr)")

        _ = try cli.sqlite("DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE sequence = 3;")
        #expect(try cli.run(["audit", "verify"]).status == 0, "the chain alone still looks intact")
        let cut = try cli.run(["audit", "verify", "--checkpoint", checkpoint, "--public-key", publicKey])
        #expect(cut.status == 1)
        #expect(cut.stdout.contains("audit trail CUT SHORT"), "\(cut.stdout)")
        let foreign = try cli.run(["audit", "verify", "--checkpoint", checkpoint, "--public-key", Data(repeating: 7, count: 32).base64EncodedString()])
        #expect(foreign.status == 1 && foreign.stdout.contains("not by the pinned key"))
    }
}
