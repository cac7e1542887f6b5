import Foundation
import Testing

/// The registry tried as a hostile user would, through the built binary: every way found to
/// talk the rules round is refused here.
@Suite struct GovernanceHostileCLITests {
    func ok(_ cli: CLI, _ arguments: [String], _ actor: String) throws {
        let result = try cli.run(arguments + ["--actor", actor])
        #expect(result.status == 0, "\(arguments.joined(separator: " ")) as \(actor): \(result.stderr)")
    }

    @Test func aMetadataAuthorClaimDoesNotLetTheRegistrantApproveProduction() throws {
        let cli = try CLI()
        let artifact = cli.file("m.bin", "int8 weights")
        let claim = cli.file("meta.yaml", "author: ana\n")
        try ok(cli, ["actors", "add", "mal", "--role", "data_scientist", "--role", "tech_lead"], "mal")
        try ok(cli, ["actors", "add", "ana", "--role", "data_scientist"], "mal")
        try ok(cli, ["model", "register", "kws", "1.0.0", "--artifact", artifact, "--metadata", claim], "mal")

        let approval = try cli.run(["model", "approve", "kws@1.0.0", "production_approval", "--reason", "mine", "--actor", "mal"])
        #expect(approval.status == 77, "the registrant signs its own production approval: \(approval.stdout)")
        #expect(approval.stderr.contains("mal registered kws@1.0.0 and may not give its production_approval (separation of duties)"))

        let card = try cli.run(["model", "card", "kws@1.0.0"])
        #expect(card.stdout.contains("by mal (its metadata names ana as author: a claim, not a record)"), "\(card.stdout)")
    }

    @Test func aPolicyFileNeitherBendsAnActNorChangesAVerdictWithTheFolder() throws {
        let cli = try CLI()
        let artifact = cli.file("m.bin", "int8 weights")
        let strict = cli.file("strict.yaml", "gates:\n  edge-performance: {thresholds: gates.yaml, device-classes: [sim-cortex-m4]}\n")
        _ = cli.file("gates.yaml", "device-classes:\n  sim-cortex-m4:\n    max-latency-p95-ms: 250\n")
        let lax = "approvals:\n  separation-of-duties: {registrant-may-approve-production: true}\n"
        let laxFile = cli.file("lax.yaml", lax)
        try ok(cli, ["actors", "add", "mal", "--role", "data_scientist", "--role", "tech_lead"], "mal")
        try ok(cli, ["policy", "propose", strict, "--reason", "the lab's rules"], "mal")
        try ok(cli, ["model", "register", "kws", "1.0.0", "--artifact", artifact], "mal")

        let bent = try cli.run(["model", "approve", "kws@1.0.0", "production_approval", "--reason", "mine", "--policy", laxFile, "--actor", "mal"])
        #expect(bent.status == 64 && bent.stderr.contains("a dry run that writes nothing"), "\(bent.stderr)")
        #expect(try cli.run(["model", "approve", "kws@1.0.0", "production_approval", "--reason", "mine", "--actor", "mal"]).status == 77)

        // The folder a command runs in holds a laxer policy file under the name read before.
        _ = cli.file("edgeprof-governance.yaml", lax)
        let elsewhere = cli.home.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let here = try cli.run(["model", "show", "kws@1.0.0", "--format", "json"])
        let there = try cli.run(["model", "show", "kws@1.0.0", "--format", "json"], directory: elsewhere)
        #expect(here.status == 0 && here.stdout == there.stdout, "\(here.stderr)")
        #expect(here.stdout.contains("registry policy v1"))
        #expect(try cli.run(["model", "card", "kws@1.0.0", "--policy", laxFile]).status == 64, "a card is published under the registry's policy")
        let dryRun = try cli.run(["model", "show", "kws@1.0.0", "--policy", laxFile])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("DRY RUN under --policy"), "\(dryRun.stderr)")

        let shown = try cli.run(["policy", "show", "--format", "json"])
        let policy = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(policy["version"] as? Int == 1 && (policy["thresholds"] as? String)?.contains("max-latency-p95-ms: 250") == true)
        let trail = try #require(try JSONSerialization.jsonObject(with: Data(try cli.run(["audit", "log", "--format", "json"]).stdout.utf8)) as? [[String: Any]])
        let registration = try #require(trail.first { $0["action"] as? String == "model.register" })
        #expect(registration["policy"] != nil && registration["policy"] as? String == (trail.first { $0["action"] as? String == "policy.activate" }?["after"] as? String).flatMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])?["sha256"]
        })
    }
}

extension GovernanceHostileCLITests {
    /// Issue 13: one tech_lead who registered a version emergency-promoted it to production alone,
    /// and an emergency deployment went into a halted model without anyone lifting the halt.
    @Test func anEmergencyDeploymentNeedsASecondTechLeadAndLiftsAHaltOnlyWhenAsked() throws {
        let cli = try CLI()
        let artifact = cli.file("m.bin", "int8 weights")
        try ok(cli, ["actors", "add", "mal", "--role", "data_scientist", "--role", "tech_lead"], "mal")
        try ok(cli, ["actors", "add", "hal", "--role", "tech_lead"], "mal")
        try ok(cli, ["actors", "add", "dee", "--role", "security_team"], "mal")
        try ok(cli, ["model", "register", "kws", "1.0.0", "--artifact", artifact], "mal")

        try ok(cli, ["model", "promote", "kws@1.0.0", "--emergency", "--informed", "cto", "--reason", "outage"], "mal")
        #expect(try cli.run(["model", "list"]).stdout.contains("kws@1.0.0  development  EMERGENCY?"), "a request moves nothing")
        let alone = try cli.run(["model", "confirm", "kws@1.0.0", "--reason", "trust me", "--actor", "mal"])
        #expect(alone.status == 77 && alone.stderr.contains("(two-person rule)"), "\(alone.stderr)")
        try ok(cli, ["model", "confirm", "kws@1.0.0", "--decline", "--reason", "not an emergency"], "hal")

        try ok(cli, ["model", "halt", "kws", "--reason", "wrong wake words"], "dee")
        let blind = try cli.run(["model", "promote", "kws@1.0.0", "--emergency", "--informed", "cto", "--reason", "outage", "--actor", "mal"])
        #expect(blind.status == 65 && blind.stderr.contains("add --lift-halt"), "\(blind.stderr)")
        try ok(cli, ["model", "promote", "kws@1.0.0", "--emergency", "--lift-halt", "--informed", "cto", "--reason", "outage"], "mal")
        try ok(cli, ["model", "confirm", "kws@1.0.0", "--reason", "the fix is right"], "hal")
        let list = try cli.run(["model", "list"]).stdout
        #expect(list.contains("kws@1.0.0  production   sha256") && !list.contains("HALTED"), "\(list)")
        let actions = try cli.sqlite("SELECT json_extract(json, '$.action') || ':' || json_extract(json, '$.actor') FROM audit_entry WHERE sequence > 5 ORDER BY sequence;").output
        #expect(actions == """
            emergency.request:mal
            emergency.decline:hal
            model.halt:dee
            emergency.request:mal
            emergency.confirm:hal
            model.resume:hal
            model.transition:hal
            release.emergency:hal

            """, "\(actions)")
    }
}

extension GovernanceHostileCLITests {
    /// Issue 13: nothing granted could be withdrawn: an approval, a role or an actor stayed for good.
    @Test func approvalsRolesAndActorsAreWithdrawnAsAuditedActs() throws {
        let cli = try CLI()
        let artifact = cli.file("m.bin", "int8 weights")
        try ok(cli, ["actors", "add", "gus", "--role", "tech_lead"], "gus")
        try ok(cli, ["actors", "add", "fay", "--role", "compliance_officer"], "gus")
        try ok(cli, ["actors", "add", "cy", "--role", "data_scientist"], "gus")
        try ok(cli, ["model", "register", "kws", "1.0.0", "--artifact", artifact], "cy")
        try ok(cli, ["model", "approve", "kws@1.0.0", "data_validation", "--reason", "looked fine"], "cy")

        try ok(cli, ["model", "revoke-approval", "kws@1.0.0", "data_validation", "--reason", "wrong split"], "cy")
        #expect(try cli.run(["model", "show", "kws@1.0.0"]).stdout.contains("data_validation      REVOKED: signed by cy, revoked by cy "))
        let selfGrant = try cli.run(["actors", "grant", "gus", "--role", "compliance_officer", "--reason", "speed", "--actor", "gus"])
        #expect(selfGrant.status == 77 && selfGrant.stderr.contains("may not grant themselves"), "\(selfGrant.stderr)")
        try ok(cli, ["actors", "grant", "cy", "--role", "ml_engineer", "--reason", "moved teams"], "fay")
        try ok(cli, ["actors", "remove-role", "cy", "--role", "data_scientist", "--reason", "no longer trains"], "fay")
        try ok(cli, ["actors", "deactivate", "cy", "--reason", "left the company"], "gus")
        #expect(try cli.run(["actors", "list"]).stdout.contains("cy   ml_engineer  (added by gus, "))
        #expect(try cli.run(["actors", "list"]).stdout.contains("DEACTIVATED"))
        let gone = try cli.run(["model", "approve", "kws@1.0.0", "data_validation", "--reason", "again", "--actor", "cy"])
        #expect(gone.status == 77 && gone.stderr.contains("cy was deactivated on "), "\(gone.stderr)")
        let last = try cli.run(["actors", "deactivate", "gus", "--reason", "bye", "--actor", "gus"])
        #expect(last.status == 0, "fay still manages actors: \(last.stderr)")
        let lockout = try cli.run(["actors", "deactivate", "fay", "--reason", "bye", "--actor", "fay"])
        #expect(lockout.status == 65 && lockout.stderr.contains("the last active tech_lead or compliance_officer"), "\(lockout.stderr)")
    }
}

extension GovernanceHostileCLITests {
    /// Issue 13: anyone with the database file issued tokens for anyone, unaudited, forever.
    @Test func tokensAreIssuedRotatedAndRevokedAsAuditedActsThatExpire() throws {
        let cli = try CLI()
        try ok(cli, ["actors", "add", "gus", "--role", "tech_lead"], "gus")
        try ok(cli, ["actors", "add", "cy", "--role", "data_scientist"], "gus")

        let stranger = try cli.run(["collector", "token", "create", "--for", "gus", "--person", "--actor", "zed"])
        #expect(stranger.status == 77 && stranger.stderr.contains("unknown actor 'zed'"), "\(stranger.stderr)")
        let forOthers = try cli.run(["collector", "token", "create", "--for", "gus", "--person", "--actor", "cy"])
        #expect(forOthers.status == 77 && forOthers.stderr.contains("may issue a person token only for themselves"), "\(forOthers.stderr)")
        let agent = try cli.run(["collector", "token", "create", "--for", "b1", "--bench", "bench-1", "--actor", "cy"])
        #expect(agent.status == 77, "\(agent.stderr)")
        let ghost = try cli.run(["collector", "token", "create", "--for", "ghost", "--person", "--actor", "gus"])
        #expect(ghost.status != 0 && ghost.stderr.contains("there is no actor ghost"), "\(ghost.stderr)")
        let forever = try cli.run(["collector", "token", "create", "--for", "cy", "--person", "--expires-in-days", "5000", "--actor", "gus"])
        #expect(forever.status == 64 && forever.stderr.contains("1 to 365 days"), "\(forever.stderr)")

        let own = try cli.run(["collector", "token", "create", "--for", "cy", "--person", "--actor", "cy"])
        #expect(own.status == 0 && own.stdout.hasPrefix("ept_"), "\(own.stderr)")
        let ownID = String(own.stdout.dropFirst(4).prefix(12))
        try ok(cli, ["collector", "token", "create", "--for", "b1", "--bench", "bench-1"], "gus")
        let list = try cli.run(["collector", "token", "list"]).stdout
        #expect(list.components(separatedBy: "valid until").count == 3, "every token expires: \(list)")

        let rotated = try cli.run(["collector", "token", "rotate", ownID, "--grace-hours", "2", "--actor", "cy"])
        #expect(rotated.status == 0 && rotated.stdout.hasPrefix("ept_"), "\(rotated.stderr)")
        let notTheirs = try cli.run(["collector", "token", "revoke", String(rotated.stdout.dropFirst(4).prefix(12)), "--reason", "x", "--actor", "zed"])
        #expect(notTheirs.status == 77, "\(notTheirs.stderr)")
        try ok(cli, ["collector", "token", "revoke", ownID, "--reason", "laptop lost"], "gus")
        let missing = try cli.run(["collector", "token", "revoke", "000000000000", "--reason", "x", "--actor", "gus"])
        #expect(missing.status == 65 || missing.status == 66, "\(missing.stderr)")
        let actions = try cli.sqlite("SELECT json_extract(json, '$.action') || ':' || json_extract(json, '$.actor') FROM audit_entry WHERE json_extract(json, '$.action') LIKE 'token.%' ORDER BY sequence;").output
        #expect(actions == "token.issue:cy\ntoken.issue:gus\ntoken.issue:cy\ntoken.limit:cy\ntoken.revoke:gus\n", "\(actions)")
    }
}

extension GovernanceHostileCLITests {
    /// Issue 13: a read-only command created an empty database at a misspelled path and then
    /// reported it empty; a database from a newer edgeprof aborted with a backtrace.
    @Test func readOnlyCommandsCreateNothingAndANewerDatabaseIsRefusedInWords() throws {
        let cli = try CLI()
        let typo = cli.home.appendingPathComponent("lab/regsitry.sqlite").path
        for command in [["model", "list"], ["runs", "list"], ["audit", "log"], ["actors", "list"], ["policy", "show"]] {
            let result = try cli.run(command + ["--db", typo])
            #expect(result.status == 66 && result.stderr.contains("there is no database at"), "\(command): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: typo) && !FileManager.default.fileExists(atPath: cli.home.appendingPathComponent("lab").path))

        try ok(cli, ["actors", "add", "gus", "--role", "tech_lead"], "gus")
        _ = try cli.sqlite("INSERT INTO grdb_migrations VALUES ('v99: from the future');")
        let newer = try cli.run(["model", "list"])
        #expect(newer.status == 65 && newer.stderr.contains("was written by a newer edgeprof (schema v99: from the future"), "\(newer.stderr)")
        #expect(!newer.stderr.contains("Fatal error") && !newer.stderr.contains("backtrace"))
    }
}
