import Foundation
import Testing

/// The registry's whole story through the built binary: a model walks from registration to
/// production through every gate and role, survives a crash mid-promotion, is replaced in an
/// emergency, rolled back, halted, resumed and retired; the audit trail verifies, and fails
/// naming the row once a row is tampered with; the model card carries the evidence.
@Suite struct GovernanceScenarioCLITests {
    let policy = """
        gates:
          edge-performance: {thresholds: gates.yaml, device-classes: [sim-cortex-m4]}
        """
    let thresholds = """
        device-classes:
          sim-cortex-m4:
            min-iterations: 10
            max-latency-p95-ms: 250
        """
    let metadata = """
        metrics: {accuracy: 0.91}
        task: audio-classification
        dataset: speech_commands
        architecture: int8 decoder 2x64
        training-data: {sha256: \(String(repeating: "d", count: 64)), from: 2026-01-01, to: 2026-06-30}
        considerations:
          intended-use: wake words on <wearables>
          limitations: English only
        tags: [kws]
        """

    /// Fair and calibrated: identical rows for both groups, ECE 0.05.
    var predictions: String {
        var rows = ["y_true,y_pred,score,group"]
        for index in 0..<100 {
            let score = (Double(index) + 0.5) / 100
            let label = index % 10 < Int(score * 10) ? 1 : 0
            for group in ["north", "south"] { rows.append("\(label),\(score >= 0.5 ? 1 : 0),\(score),\(group)") }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// Runs a command that must succeed, as `actor` when it acts.
    func ok(_ cli: CLI, _ arguments: [String], _ actor: String? = nil) throws -> String {
        let result = try cli.run(arguments + (actor.map { ["--actor", $0] } ?? []))
        #expect(result.status == 0, "\(arguments.joined(separator: " ")) as \(actor ?? "reader"): \(result.stderr)")
        return result.stdout
    }

    @Test func fromRegistrationToRetirement() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "sqlite3 is missing (Debian package sqlite3)")
        let cli = try CLI()
        let policyFile = cli.file("governance.yaml", policy)
        _ = cli.file("gates.yaml", thresholds)
        let artifact = cli.file("kws-1.0.0.bin", "int8 weights v1")
        let fix = cli.file("kws-1.1.0.bin", "int8 weights v1.1")
        let meta = cli.file("meta.yaml", metadata)
        let evidence = [
            ("predictions", cli.file("eval.csv", predictions)), ("shadow-report", cli.file("shadow.md", "# 7 days, 99.2 % agreement")),
            ("risk-assessment", cli.file("risk.md", "# risks")), ("runbook", cli.file("runbook.md", "# on call")),
            ("rollback-plan", cli.file("rollback.md", "# rollback to 0.x")),
        ]

        // The team: the first actor adds themselves, then adds the others.
        _ = try ok(cli, ["actors", "add", "gus", "--role", "tech_lead"], "gus")
        for (name, role) in [("ana", "data_scientist"), ("cy", "data_scientist"), ("bo", "ml_engineer"), ("dee", "security_team"),
                             ("eli", "ethics_committee"), ("fay", "compliance_officer"), ("hal", "tech_lead")] {
            _ = try ok(cli, ["actors", "add", name, "--role", role], "gus")
        }
        // The registry holds no version yet, so its first policy is adopted as it is proposed.
        let adopted = try ok(cli, ["policy", "propose", policyFile, "--reason", "the lab's rules"], "gus")
        #expect(adopted.contains("policy v1 is in force"), "\(adopted)")

        _ = try ok(cli, ["model", "register", "kws", "1.0.0", "--artifact", artifact, "--metadata", meta], "ana")
        for (kind, file) in evidence { _ = try ok(cli, ["model", "attach", "kws@1.0.0", file, "--kind", kind], "bo") }

        let early = try cli.run(["model", "promote", "kws@1.0.0", "--to", "production", "--reason", "skip it all", "--actor", "gus"])
        #expect(early.status == 65)
        #expect(early.stderr == "edgeprof: error: kws@1.0.0 cannot move from development to production; allowed next: validation, failed, retired\n")

        _ = try ok(cli, ["model", "promote", "kws@1.0.0", "--reason", "ready for validation"], "bo")
        for stage in ["data_validation", "training_validation"] {
            _ = try ok(cli, ["model", "approve", "kws@1.0.0", stage, "--reason", "reviewed", "--evidence", "eval.csv"], "cy")
        }
        let staging = try ok(cli, ["model", "promote", "kws@1.0.0", "--reason", "shadow traffic"], "bo")
        #expect(staging.contains("kws@1.0.0 is now in staging (major track)"))
        #expect(staging.contains("gate calibration       PASS          ECE 0.0500 (max 0.1), MCE 0.0500 over 200 predictions: PASS"))

        let noEvidence = try cli.run(["model", "promote", "kws@1.0.0", "--reason", "canary", "--actor", "bo"])
        #expect(noEvidence.status == 2, "no runs yet: INCONCLUSIVE, never PASS")
        #expect(noEvidence.stderr.contains("  - approval quantization_test (ml_engineer) is missing"))
        #expect(noEvidence.stderr.contains("sim-cortex-m4: INCONCLUSIVE on 0 iterations from 0 run(s)"))

        let board = try SimulatorProcess(arguments: ["--artifact", artifact, "--model", "kws", "--speed", "0", "--seed", "5"])
        defer { _ = board.stop() }
        _ = try ok(cli, ["profile", "--port", board.path, "--model", "kws@1.0.0", "--iterations", "12", "--warmup", "1", "--format", "json"])
        for stage in ["quantization_test", "edge_performance"] {
            _ = try ok(cli, ["model", "approve", "kws@1.0.0", stage, "--reason", "profiled", "--evidence", "run 1"], "bo")
        }
        _ = try ok(cli, ["model", "approve", "kws@1.0.0", "security_scan", "--reason", "clean scan"], "dee")
        let canary = try ok(cli, ["model", "promote", "kws@1.0.0", "--reason", "5 % of traffic"], "bo")
        #expect(canary.contains("gate edge_performance  PASS          sim-cortex-m4: PASS"))

        let selfApproval = try cli.run(["model", "approve", "kws@1.0.0", "production_approval", "--reason", "mine", "--actor", "bo"])
        #expect(selfApproval.status == 77)
        #expect(selfApproval.stderr == "edgeprof: error: bo (ml_engineer) may not sign production_approval of kws@1.0.0: that needs the role tech_lead\n")
        _ = try ok(cli, ["model", "approve", "kws@1.0.0", "ethical_review", "--reason", "fair across regions"], "eli")
        _ = try ok(cli, ["model", "approve", "kws@1.0.0", "regulatory_check", "--reason", "compliant"], "fay")
        let signed = try ok(cli, ["model", "approve", "kws@1.0.0", "production_approval", "--reason", "go", "--format", "json"], "gus")
        let signedJSON = try JSONSerialization.jsonObject(with: Data(signed.utf8)) as? [String: Any]
        #expect(signedJSON?["role"] as? String == "tech_lead" && (signedJSON?["evidence"] as? [String])?.first?.hasPrefix("artifact sha256:") == true)

        // A crash in the middle of the promotion: killed inside its transaction, nothing of it remains.
        let trailBefore = try cli.sqlite("SELECT count(*) FROM audit_entry;").output
        let marker = cli.home.appendingPathComponent("paused").path
        let doomed = try cli.start(
            ["model", "promote", "kws@1.0.0", "--reason", "doomed", "--actor", "hal"], environment: ["EDGEPROF_FAULT_PAUSE_BEFORE_COMMIT": marker])
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker), doomed.isRunning, Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: marker), "the promotion reached its commit point")
        kill(doomed.processIdentifier, SIGKILL)
        doomed.waitUntilExit()
        #expect(doomed.terminationReason == .uncaughtSignal)
        #expect(try cli.sqlite("SELECT stage FROM model_version WHERE version = '1.0.0';").output == "canary\n")
        #expect(try cli.sqlite("SELECT count(*) FROM release;").output == "0\n")
        #expect(try cli.sqlite("SELECT count(*) FROM audit_entry;").output == trailBefore)
        #expect(try cli.run(["audit", "verify"]).status == 0)

        let production = try ok(cli, ["model", "promote", "kws@1.0.0", "--reason", "all gates green"], "hal")
        #expect(production.contains("kws@1.0.0 is now in production (major track)"))
        #expect(production.contains("gate fairness          PASS          2 groups: PASS"))
        #expect(production.contains("gate checklist         PASS          5 of 5 items done: PASS"))
        #expect(production.contains("release record "))
        let releasedAt = Date()
        // The profiled board reports 1.0.0's artifact, which the registry now assigns it.
        let onAssignment = try cli.run(["fleet", "status"])
        #expect(onAssignment.status == 0 && onAssignment.stdout.hasPrefix("1 devices: 1 on assignment"), "\(onAssignment.stdout)\(onAssignment.stderr)")

        // An emergency replacement, then a rollback, a halt and a resume.
        _ = try ok(cli, ["model", "register", "kws", "1.1.0", "--artifact", fix, "--metadata", meta], "ana")
        let noEscalation = try cli.run(["model", "promote", "kws@1.1.0", "--emergency", "--reason", "outage", "--actor", "gus"])
        #expect(noEscalation.status == 64)
        #expect(noEscalation.stderr == "edgeprof: error: an emergency deployment needs an escalation record: name who was informed with --informed (e.g. --informed cto@example.com)\n")
        _ = cli.file("kws-1.1.0.bin", "int8 weights v1.1 (edited)")
        let changed = try cli.run(["model", "promote", "kws@1.1.0", "--emergency", "--informed", "cto@example.com", "--reason", "outage", "--actor", "gus"])
        #expect(changed.status == 65)
        #expect(changed.stderr.hasPrefix("edgeprof: error: the artifact of kws@1.1.0 has CHANGED: \(fix) now has sha256 "))
        _ = cli.file("kws-1.1.0.bin", "int8 weights v1.1")
        let requested = try ok(cli, ["model", "promote", "kws@1.1.0", "--emergency", "--informed", "cto@example.com", "--reason", "outage"], "gus")
        #expect(requested.hasPrefix("emergency deployment of kws@1.1.0 REQUESTED by gus (request 1); nothing moved yet\n"), "\(requested)")
        #expect(try ok(cli, ["model", "list"]).contains("kws@1.1.0  development  EMERGENCY?  sha256 "))
        let alone = try cli.run(["model", "confirm", "kws@1.1.0", "--reason", "mine", "--actor", "gus"])
        #expect(alone.status == 77, "the requester may not confirm: \(alone.stderr)")
        let emergency = try ok(cli, ["model", "confirm", "kws@1.1.0", "--reason", "the fix is right", "--format", "json"], "hal")
        let emergencyJSON = try JSONSerialization.jsonObject(with: Data(emergency.utf8)) as? [String: Any]
        #expect(emergencyJSON?["stage"] as? String == "production")
        let escalation = try cli.sqlite("SELECT json_extract(json, '$.escalation.requestedBy') || ' ' || json_extract(json, '$.escalation.confirmedBy') FROM release WHERE kind = 'emergency';")
        #expect(escalation.output == "gus hal\n")
        let offAssignment = try cli.run(["fleet", "status"])
        #expect(offAssignment.status == 1 && offAssignment.stdout.contains("off-assignment  edgeprof-sim:SIM-0001"), "the board still runs 1.0.0: \(offAssignment.stdout)")
        #expect(try ok(cli, ["fleet", "explain", "edgeprof-sim:SIM-0001"]).hasPrefix("edgeprof-sim:SIM-0001: serve kws@1.1.0 (production)"))

        let rollback = try ok(cli, ["model", "rollback", "kws", "--reason", "1.1.0 drops wake words"], "bo")
        #expect(rollback.hasPrefix("kws@1.0.0 is now in production\n"))
        #expect(try cli.run(["fleet", "status"]).status == 0, "rolled back to what the board runs")
        let halt = try ok(cli, ["model", "halt", "kws", "--reason", "false triggers in the field", "--format", "json"], "dee")
        let haltJSON = try JSONSerialization.jsonObject(with: Data(halt.utf8)) as? [String: Any]
        #expect(haltJSON?["halted"] as? Bool == true && haltJSON?["actor"] as? String == "dee")
        #expect(try ok(cli, ["fleet", "explain", "edgeprof-sim:SIM-0001"]).hasPrefix("edgeprof-sim:SIM-0001: HALTED, serves nothing"))
        #expect(try ok(cli, ["fleet", "status"]).hasPrefix("1 devices: 0 on assignment, 0 off assignment, 0 unassigned, 1 unknown"))
        let halted = try cli.run(["model", "promote", "kws@1.1.0", "--to", "retired", "--reason", "x", "--actor", "bo"])
        #expect(halted.status == 77, "retiring needs tech_lead: \(halted.stderr)")
        #expect(try ok(cli, ["model", "list"]).contains("kws@1.0.0  production   HALTED  sha256 "))
        let listed = try JSONSerialization.jsonObject(with: Data(try ok(cli, ["model", "list", "--format", "json"]).utf8)) as? [[String: Any]]
        #expect(listed?.allSatisfy { $0["halted"] as? Bool == true } == true && listed?.first?["stage"] as? String != nil)
        _ = try ok(cli, ["model", "resume", "kws", "--reason", "threshold fixed"], "gus")
        _ = try ok(cli, ["model", "retire", "kws@1.1.0", "--reason", "rolled back for good"], "gus")

        let list = try ok(cli, ["model", "list"])
        #expect(list.contains("kws@1.0.0  production") && list.contains("kws@1.1.0  retired"))
        let then = releasedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(try ok(cli, ["model", "history", "kws", "--at", then]).hasPrefix("at \(then): kws@1.0.0 was in production since "))
        #expect(try ok(cli, ["model", "history", "kws", "--at", "2020-01-01T00:00:00Z"]) == "at 2020-01-01T00:00:00Z: no version of kws was in production\n")
        #expect(try ok(cli, ["model", "history", "kws"]).contains("HALTED  dee: false triggers in the field"))
        #expect(try cli.sqlite("SELECT kind FROM release ORDER BY rowid;").output == "promotion\nemergency\nrollback\nretirement\n")

        // The model card is built from the registry and the evidence.
        let card = try ok(cli, ["model", "card", "kws@1.0.0"], "ana")
        #expect(card.hasPrefix("""
            ---
            model-index:
            - name: "kws@1.0.0"
              results:
              - task:
                  type: "audio-classification"
                dataset:
                  type: "speech_commands"
                  name: "speech_commands"
                metrics:
                - type: "accuracy"
                  name: "accuracy"
                  value: 0.91
            tags:
            - "edgeprof"
            - "kws"
            ---

            """))
        #expect(card.contains("# Model card: kws@1.0.0"))
        #expect(card.contains("- **Version:** 1.0.0 (major track), stage **production**"))
        #expect(card.contains("- **Training data:** sha256 `\(String(repeating: "d", count: 64))`, 2026-01-01 to 2026-06-30"))
        #expect(card.contains("| accuracy | 0.91 |"))
        let hardwareRow = try #require(card.split(separator: "\n").first { $0.hasPrefix("| sim-cortex-m4 | 1 | 12 | ") })
        let evidenceKey = String(try cli.sqlite("SELECT evidence_key FROM run;").output.prefix(12))
        #expect(hardwareRow.hasSuffix("| \(evidenceKey) |"), "the hardware row names its evidence: \(hardwareRow)")
        #expect(card.contains("- demographic parity difference 0.0000 (max 0.05) → PASS"))
        #expect(card.contains("| north | 0.5000 | 0.7778 | 0.2727 |"))
        #expect(card.contains("- **Intended use:** wake words on <wearables>"))
        #expect(card.contains("- Approval **production_approval** by gus (tech_lead)"))
        let html = try ok(cli, ["model", "card", "kws@1.0.0", "--format", "html"], "ana")
        #expect(html.contains("<li><strong>Intended use:</strong> wake words on &lt;wearables&gt;</li>"))
        #expect(html.contains("<th>Device class</th>") && html.contains("<td>sim-cortex-m4</td>"))
        let json = try JSONSerialization.jsonObject(with: Data(try ok(cli, ["model", "card", "kws@1.0.0", "--format", "json"], "ana").utf8)) as? [String: Any]
        let hardware = (json?["hardware"] as? [[String: Any]])?.first
        #expect(hardware?["deviceClass"] as? String == "sim-cortex-m4" && hardware?["measuredIterations"] as? Int == 12)
        #expect((hardware?["latencyP95Ms"] as? Double ?? 0) > 0)

        // The trail holds; a tampered row is named.
        #expect(try cli.run(["audit", "verify"]).stdout.hasPrefix("audit trail intact: "))
        let sequence = try cli.sqlite("SELECT sequence FROM audit_entry WHERE json LIKE '%production_approval%';").output.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try cli.sqlite("DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET json = replace(json, '\"actor\":\"gus\"', '\"actor\":\"hal\"') WHERE sequence = \(sequence);").output
        let broken = try cli.run(["audit", "verify"])
        #expect(broken.status == 1)
        #expect(broken.stdout == "audit trail BROKEN at entry \(sequence): its content does not match its hash (edited: model.approve kws@1.0.0 by hal)\n")
    }
}
