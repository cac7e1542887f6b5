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
}
