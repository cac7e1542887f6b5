@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §1: labels follow rules a rollout can rely on, and labelling a device is an
/// operator's audited act.
@Suite struct FleetLabelsTests {
    static let device = FleetDevice(
        device: "b:s", board: "b", serial: "s", deviceClass: "m4", bench: "bench-1", firmwareVersion: "1", firmwareBuild: "x", emulated: false,
        labels: ["site": "lab-1"], firstSeenAt: Date(timeIntervalSince1970: 0), lastSeenAt: Date(timeIntervalSince1970: 10), lastRunID: 1,
        serving: ServingReport(announcedModel: "kws", artifactSHA256: String(repeating: "a", count: 64),
                               registered: ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0)), reportedAt: Date(timeIntervalSince1970: 10)))

    @Test(arguments: ["site", "a", "rack-3", "team/vision", "x.y_z", String(repeating: "k", count: 63)])
    func goodKeys(key: String) { #expect(FleetLabels.keyProblem(key) == nil) }

    @Test(arguments: ["", "Site", "-site", ".x", "/x", "a b", "ключ", "a=b", String(repeating: "k", count: 64), "site\u{0}"])
    func badKeys(key: String) { #expect(FleetLabels.keyProblem(key) != nil) }

    @Test func valuesAreBoundedAndPrintable() {
        #expect(FleetLabels.valueProblem("lab 2, shelf ★") == nil)
        #expect(FleetLabels.valueProblem("") != nil)
        #expect(FleetLabels.valueProblem(String(repeating: "v", count: 129)) != nil)
        #expect(FleetLabels.valueProblem("a\nb") != nil)
        #expect(FleetLabels.valueProblem("a\u{7f}") != nil)
    }

    @Test func parsingSplitsAtTheFirstEquals() throws {
        #expect(try FleetLabels.parse("site=a=b") == FleetLabel(key: "site", value: "a=b"))
        #expect(try FleetLabels.parse("j=\u{1F3FB}x") == FleetLabel(key: "j", value: "\u{1F3FB}x"), "a value starting with a combining mark (schemathesis found it)")
        #expect(throws: GovernanceError.invalid("label 'site' must be KEY=VALUE, e.g. site=lab-2")) { try FleetLabels.parse("site") }
        #expect(throws: GovernanceError.self) { try FleetLabels.parse("=x") }
        #expect(throws: GovernanceError.self) { try FleetLabels.parse("site=") }
    }

    @Test func applyingSetsRemovesAndRefusesContradictions() throws {
        #expect(try FleetLabels.applying(set: ["rack": "3"], remove: ["site"], to: ["site": "lab-1"]) == ["rack": "3"])
        #expect(try FleetLabels.applying(set: ["site": "lab-2"], remove: [], to: ["site": "lab-1"]) == ["site": "lab-2"])
        #expect(try FleetLabels.applying(set: [:], remove: ["absent"], to: ["site": "lab-1"]) == ["site": "lab-1"])
        #expect(throws: GovernanceError.invalid("label 'site' is both set and removed: give it once")) {
            try FleetLabels.applying(set: ["site": "x"], remove: ["site"], to: [:])
        }
        let full = Dictionary(uniqueKeysWithValues: (0..<32).map { ("k\($0)", "v") })
        #expect(throws: GovernanceError.invalid("a device carries at most 32 labels; this would give it 33")) {
            try FleetLabels.applying(set: ["one-more": "v"], remove: [], to: full)
        }
    }

    @Test func labellingIsAnOperatorsActWithAReasonThatChangesSomething() throws {
        let registry = Registry()
        registry.addTeam()
        let change = try registry.rules("bo").labelDevice(Self.device, set: ["rack": "3"], remove: [], reason: "new shelf")
        #expect(change.operations == [.labelDevice(device: "b:s", before: ["site": "lab-1"], after: ["rack": "3", "site": "lab-1"], reason: "new shelf")])
        #expect(change.operations[0].audit.action == "device.label")
        #expect(change.operations[0].audit.after == #"{"labels":{"rack":"3","site":"lab-1"}}"#)
        #expect(throws: GovernanceError.self, "a data scientist runs no devices") {
            try registry.rules("ana").labelDevice(Self.device, set: ["rack": "3"], remove: [], reason: "x")
        }
        #expect(throws: GovernanceError.self, "an unknown actor labels nothing") {
            try registry.rules("nobody").labelDevice(Self.device, set: ["rack": "3"], remove: [], reason: "x")
        }
        #expect(throws: GovernanceError.invalid("labelling a device needs a reason: --reason TEXT")) {
            try registry.rules("gus").labelDevice(Self.device, set: ["rack": "3"], remove: [], reason: "  ")
        }
        #expect(throws: GovernanceError.invalid("b:s already carries exactly these labels: nothing to change")) {
            try registry.rules("gus").labelDevice(Self.device, set: ["site": "lab-1"], remove: [], reason: "again")
        }
    }

    @Test func aQueryKeepsItsClassBenchAndLabel() {
        #expect(FleetQuery().matches(Self.device))
        #expect(FleetQuery(deviceClass: "m4", bench: "bench-1", label: FleetLabel(key: "site", value: "lab-1")).matches(Self.device))
        #expect(!FleetQuery(deviceClass: "m7").matches(Self.device))
        #expect(!FleetQuery(bench: "bench-2").matches(Self.device))
        #expect(!FleetQuery(label: FleetLabel(key: "site", value: "lab-2")).matches(Self.device))
    }
}
