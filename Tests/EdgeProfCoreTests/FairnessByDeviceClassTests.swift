@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §6: the same artifact on another class of board can treat groups differently. The
/// offline fairness gate audits each device class its predictions name, and the model card shows
/// fairness per device class — offline, in the shadow period, in the field — beside the
/// version's shadow period and incidents.
@Suite struct FairnessByDeviceClassTests {
    /// Fair on m4 (the fixture's predictions); on m7 group b is never selected when the truth is 1.
    static let predictions: String = {
        var rows = ["y_true,y_pred,score,group,device_class"]
        for line in Registry.fairPredictions.split(separator: "\n").dropFirst() {
            rows.append("\(line),m4")
            let fields = line.split(separator: ",")
            let biased = fields[3] == "b" && fields[0] == "1"
            rows.append("\(fields[0]),\(biased ? 0 : Int(fields[1]) ?? 0),\(fields[2]),\(fields[3]),m7")
        }
        return rows.joined(separator: "\n")
    }()

    static func gate(_ csv: String) throws -> GovernanceGateResult {
        let registry = Registry()
        registry.addTeam()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: Registry.goodMetadata) }
        registry.attach("1.0.0", "predictions", csv)
        let version = try #require(registry.snapshot.version(Registry.reference("1.0.0")))
        return GovernanceGates(snapshot: registry.snapshot, policy: registry.policy, evidence: GateEvidence()).evaluate(.fairness, for: version)
    }

    @Test func eachDeviceClassIsHeldToTheLimits() throws {
        let result = try Self.gate(Self.predictions)
        #expect(result.outcome == .fail && result.summary == "2 groups on 2 device classes: FAIL")
        #expect(result.findings.contains { $0.hasPrefix("m4: demographic parity difference 0.0000, equalized odds difference 0.0000 over 200 predictions → PASS") }, "\(result.findings)")
        #expect(result.findings.contains { $0.hasPrefix("m7: ") && $0.hasSuffix("→ FAIL") }, "\(result.findings)")
        let m7 = try #require(result.figures["equalized_odds_difference@m7"])
        // fairlearn: group b's TPR is 0 on m7, group a's is the fixture's.
        let table = try PredictionTable(csv: Self.predictions, file: "p.csv").rows(on: "m7")
        let groupA = FairnessMetrics(labels: table.labels, predictions: table.predictions, groups: table.groups ?? [], weights: nil).groups["a"]
        #expect(m7 == groupA?.truePositiveRate)
        // The fixture alone (no device_class column) still passes as before.
        #expect(try Self.gate(Registry.fairPredictions).outcome == .pass)
        // A class with one group cannot be audited there: inconclusive, never pass.
        let oneGroup = Registry.fairPredictions + "\n1,1,0.9,a"
        let lopsided = oneGroup.replacingOccurrences(of: "y_true,y_pred,score,group", with: "y_true,y_pred,score,group,device_class")
            .split(separator: "\n").enumerated().map { $0.offset == 0 ? String($0.element) : "\($0.element),\($0.offset == 201 ? "m33" : "m4")" }.joined(separator: "\n")
        let result33 = try Self.gate(lopsided)
        #expect(result33.outcome == .inconclusive && result33.findings.contains("m33: the predictions cover one group: a bias audit there needs at least two"))
    }

    @Test func theCardShowsFairnessPerDeviceClassTheShadowPeriodAndTheIncidents() throws {
        let registry = Registry()
        registry.addTeam()
        try registry.act("ana") { try $0.register(Registry.model("1.0.0"), metadata: Registry.goodMetadata) }
        registry.attach("1.0.0", "predictions", Self.predictions)
        let version = try #require(registry.snapshot.version(Registry.reference("1.0.0")))
        registry.snapshot.incidents = [Incident(
            id: 7, model: "kws@1.0.0", deviceClass: "m7", playbook: .fairnessAlert, severity: .critical, title: "Fairness alert", alertIDs: [3],
            onsetAt: registry.clock, openedAt: registry.clock, paged: [.ethicsCommittee])]
        let gates = [GovernanceGates(snapshot: registry.snapshot, policy: registry.policy, evidence: GateEvidence()).evaluate(.fairness, for: version)]
        let shadow = ShadowComparisonTests.report(ShadowComparisonTests.pairs(400))
        let window = DriftWindow(cadence: .daily, containing: registry.clock)
        let field = DriftCheckRecord(
            subject: DriftSubject(model: "kws@1.0.0", deviceClass: "m7"), kind: .fairness, window: window, severity: .critical,
            outcome: DriftOutcome(state: .firing, summary: "gap", referenceSamples: 0, currentSamples: 500), policySHA256: "p", checkedAt: window.end, checkedBy: "c")
        let card = ModelCard(version: version, snapshot: registry.snapshot, track: .minor, gates: gates, hardware: [], shadow: shadow, fieldFairness: [field])
        let markdown = ModelCardRenderer.render(card, as: .markdown)
        #expect(markdown.contains("| m4 | 0.0000 / 0.0000 | CLEAR | — |"), "\(markdown)")
        #expect(markdown.contains("| m7 | ") && markdown.contains(" | FIRING \(AuditChain.timestamp(window.start).prefix(10)) |"), "\(markdown)")
        #expect(markdown.contains("## Shadow period\n\n**PASS**: 400 requests answered beside kws@1.0.0"), "\(markdown)")
        #expect(markdown.contains("| 7 | \(AuditChain.timestamp(registry.clock)) | critical | fairness-alert | m7 | open | — | — |"), "\(markdown)")
        let html = ModelCardRenderer.render(card, as: .html)
        #expect(html.contains("<h2>Incidents</h2>") && html.contains("<td>fairness-alert</td>"))
        let json = try JSONSerialization.jsonObject(with: Data(ModelCardRenderer.render(card, as: .json).utf8)) as? [String: Any]
        #expect((json?["incidents"] as? [[String: Any]])?.first?["id"] as? Int == 7 && json?["shadow"] != nil)
    }
}
