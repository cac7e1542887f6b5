@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §7, the outage playbook: devices that serve a version on a class and stop answering
/// make a serving outage once the policy's share of them is silent; they are flagged stale;
/// halted, gone and never-serving devices are left out; an outage never rolls a version back.
@Suite struct ServingOutageTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let kws = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0))

    /// A serving device last heard `silentFor` seconds ago through its agent's report.
    static func device(_ serial: String, class deviceClass: String = "m4", silentFor seconds: Double, inferenceAgo: Double? = nil) -> FleetDevice {
        var device = FleetAssignmentTests.device(serial, class: deviceClass)
        device.lastSeenAt = now.addingTimeInterval(-seconds - 3600)
        device.servingState = .serving
        device.stateReportedAt = now.addingTimeInterval(-seconds)
        device.lastInferenceAt = inferenceAgo.map { now.addingTimeInterval(-$0) }
        return device
    }

    static func assignment(_ device: FleetDevice, state: DeviceAssignment.State = .serving) -> DeviceAssignment {
        DeviceAssignment(
            device: device.device, model: "kws", state: state, arm: .production, serve: state == .serving ? kws : nil,
            serveArtifactSHA256: state == .serving ? device.serving.artifactSHA256 : nil, shadow: nil, shadowArtifactSHA256: nil, canaryBucket: nil,
            abTest: nil, abBucket: nil, requestSplit: nil, haltedSince: state == .halted ? now.addingTimeInterval(-3600) : nil, reasons: [])
    }

    static func judged(_ devices: [FleetDevice], policy: OutagePolicy = OutagePolicy(), at now: Date = now, halted: Set<String> = []) -> [DeviceConformance] {
        devices.map { FleetConformance.judge($0, assignment($0, state: halted.contains($0.device) ? .halted : .serving), contact: .init(now: now, policy: policy)) }
    }

    @Test func aClassWhoseDevicesFallSilentIsInOutageAndTheyAreFlaggedStale() {
        let devices = [Self.device("A", silentFor: 60)] + ["B", "C", "D"].map { Self.device($0, silentFor: 11 * 60) }
        let entries = Self.judged(devices)
        #expect(entries.map(\.contact) == [.answering, .silent, .silent, .silent])
        #expect(FleetStatus(entries).stale == 3)
        #expect(entries[1].detail.hasSuffix("; stale: silent since 2027-01-15T07:49:00.000Z (over 10 min), its last known version kws@1.0.0 unconfirmed"), "\(entries[1].detail)")
        let groups = ServingOutage.groups(entries, policy: OutagePolicy(), now: Self.now)
        #expect(groups.count == 1)
        let outage = groups[0]
        #expect(outage.key == MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "fleet"))
        #expect(outage.finding.state == .firing && outage.finding.severity == .critical && outage.finding.value == 0.75 && outage.finding.threshold == 0.5)
        #expect(outage.silent == ["b:B", "b:C", "b:D"] && outage.devices == 4)
        #expect(outage.finding.summary == "serving outage of kws@1.0.0 on m4: 3 of 4 devices silent for more than 10 min (the first since 2027-01-15T07:49:00.000Z); "
            + "they keep their last good version, flagged stale: b:B, b:C, b:D")
        #expect(Playbook.opened(by: .servingOutage) == .outage && Playbook.outage.pagedAtOnce == [.mlEngineer])
    }

    @Test func fewerSilentDevicesThanTheShareAreNoOutage() {
        let devices = [Self.device("A", silentFor: 11 * 60)] + ["B", "C", "D"].map { Self.device($0, silentFor: 30) }
        let outage = ServingOutage.groups(Self.judged(devices), policy: OutagePolicy(), now: Self.now)[0]
        #expect(outage.finding.state == .clear && outage.silent == ["b:A"])
        #expect(outage.finding.summary == "kws@1.0.0 on m4: 1 of 4 devices silent, below the outage share 50 %: b:A")
        var strict = OutagePolicy()
        strict.share = 0.25
        #expect(ServingOutage.groups(Self.judged(devices, policy: strict), policy: strict, now: Self.now)[0].finding.state == .firing)
    }

    @Test func silenceCountsOnlyPastTheMinutesAndAnyContactKeepsADeviceAnswering() {
        let atLimit = Self.judged([Self.device("A", silentFor: 600)])
        #expect(atLimit[0].contact == .answering, "10 min exactly is not yet silent")
        #expect(Self.judged([Self.device("A", silentFor: 601)])[0].contact == .silent)
        #expect(Self.judged([Self.device("A", silentFor: 3600, inferenceAgo: 5)])[0].contact == .answering, "its inferences still arrive")
        var profiled = Self.device("A", silentFor: 3600)
        profiled.lastSeenAt = Self.now.addingTimeInterval(-1)
        #expect(Self.judged([profiled])[0].contact == .answering, "a run is contact too")
        let groups = ServingOutage.groups(Self.judged([Self.device("A", silentFor: 20)]), policy: OutagePolicy(), now: Self.now)
        #expect(groups[0].finding.state == .clear && groups[0].finding.summary == "kws@1.0.0 on m4: all 1 devices answered within 10 min")
    }

    @Test func haltedGoneAndNeverServingDevicesAreLeftOut() {
        var benchOnly = Self.device("E", silentFor: 3600)
        benchOnly.stateReportedAt = nil
        let devices = [
            Self.device("A", silentFor: 60), Self.device("B", silentFor: 3600), Self.device("C", silentFor: 8 * 86_400), benchOnly,
        ]
        let entries = Self.judged(devices, halted: ["b:B"])
        #expect(entries.map(\.contact) == [.answering, .silent, .gone, nil], "a board only profiled on a bench serves no one")
        #expect(entries[2].detail.hasSuffix("; gone: silent since 2027-01-07T08:00:00.000Z (over 7 days)"), "\(entries[2].detail)")
        let outage = ServingOutage.groups(entries, policy: OutagePolicy(), now: Self.now)[0]
        #expect(outage.devices == 1 && outage.finding.state == .clear, "the halted B is not expected to answer")
    }

    @Test func eachVersionAndClassIsJudgedApart() {
        var newer = Self.device("C", silentFor: 3600)
        newer.serving.registered = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 1, patch: 0))
        let devices = [Self.device("A", silentFor: 3600), Self.device("B", class: "m7", silentFor: 10), newer]
        let groups = ServingOutage.groups(Self.judged(devices), policy: OutagePolicy(), now: Self.now)
        #expect(groups.map { "\($0.key.model) \($0.key.deviceClass) \($0.finding.state)" } == ["kws@1.0.0 m4 firing", "kws@1.0.0 m7 clear", "kws@1.1.0 m4 firing"])
        #expect(ServingOutage.vanished(groups[0].key).state == .clear)
        #expect(ServingOutage.groups([], policy: OutagePolicy(), now: Self.now).isEmpty)
    }

    @Test func anInferenceTimedAheadCountsAsHeardWhenItArrived() {
        let arrived = Self.now
        let records = [
            InferenceRecord(device: "b:A", model: "kws@1.0.0", arm: .production, requestID: "1", at: arrived.addingTimeInterval(-30), prediction: "yes"),
            InferenceRecord(device: "b:A", model: "kws@1.0.0", arm: .production, requestID: "2", at: arrived.addingTimeInterval(-90), prediction: "no"),
            InferenceRecord(device: "b:B", model: "kws@1.0.0", arm: .production, requestID: "3", at: arrived.addingTimeInterval(80_000), prediction: "no"),
        ]
        let latest = InferenceContact.latest(records, receivedAt: arrived)
        #expect(latest.map(\.device) == ["b:A", "b:B"])
        #expect(latest.map(\.at) == [arrived.addingTimeInterval(-30), arrived])
    }

    @Test func anOutageNeverCountsTowardAnAutomaticRollback() {
        #expect(!MonitorRule.servingOutage.countsTowardRollback && !MonitorRule.placeSilent.countsTowardRollback)
        #expect(MonitorRule.latencyRatio.countsTowardRollback && MonitorRule.fairnessDrift.countsTowardRollback)
    }

    @Test func theMonitoringSectionSetsTheOutagePolicy() throws {
        let policy = try GovernancePolicy(yaml: "monitoring:\n  outage-after-minutes: 5\n  outage-share: 1\n  outage-forget-days: 2\n", file: "policy.yaml")
        #expect(policy.outage.afterMinutes == 5 && policy.outage.share == 1 && policy.outage.forgetDays == 2)
        #expect(GovernancePolicy().outage == OutagePolicy())
        for (text, named) in [
            ("monitoring:\n  outage-after-minutes: 0\n", "outage-after-minutes"), ("monitoring:\n  outage-share: 0\n", "outage-share"),
            ("monitoring:\n  outage-share: 1.5\n", "outage-share"), ("monitoring:\n  outage-forget-days: 91\n", "outage-forget-days"),
            ("monitoring:\n  outage-after-minutes: 2880\n  outage-forget-days: 2\n", "forgotten before it counts as silent"),
        ] {
            do {
                _ = try GovernancePolicy(yaml: text, file: "policy.yaml")
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains(named) && error.description.contains("policy.yaml"), "\(error.description)")
            }
        }
    }
}
