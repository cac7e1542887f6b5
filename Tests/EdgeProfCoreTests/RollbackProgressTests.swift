@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §4: a rollback counts as done only when every device assigned the restored version
/// has reported it after the decision; a device's report of another artifact moves what it serves.
@Suite struct RollbackProgressTests {
    static let decidedAt = Date(timeIntervalSince1970: 1_000)
    static let from = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 1, patch: 0))
    static let to = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    static let restoredSHA = String(repeating: "0", count: 64)

    /// kws 1.1.0 rolled back to 1.0.0 at `decidedAt` by `actor`.
    static func snapshot(actor: String = GovernanceRules.automaticRollbackActor) -> RegistrySnapshot {
        RegistrySnapshot(
            name: "kws", actors: [], versions: [FleetAssignmentTests.version("1.0.0", .production), FleetAssignmentTests.version("1.1.1", .rollback)],
            transitions: [
                StageTransition(reference: to, from: .development, to: .production, at: Date(timeIntervalSince1970: 10), actor: "gus", reason: "ship"),
                StageTransition(reference: from, from: .production, to: .rollback, at: decidedAt, actor: actor, reason: "automatic rollback: …"),
                StageTransition(reference: to, from: .deprecated, to: .production, at: decidedAt, actor: actor, reason: "rollback from kws@1.1.0"),
            ],
            auditHead: 3)
    }

    static func device(_ serial: String, artifact: String, reportedAt: Double, since: Double?, state: ServingState = .serving) -> (FleetDevice, DeviceAssignment) {
        var device = FleetAssignmentTests.device(serial)
        device.serving.artifactSHA256 = artifact
        device.serving.since = since.map { Date(timeIntervalSince1970: $0) }
        device.servingState = state
        device.stateReportedAt = Date(timeIntervalSince1970: reportedAt)
        let assignment = DeviceAssignment(
            device: device.device, model: "kws", state: .serving, arm: .production, serve: to, serveArtifactSHA256: restoredSHA,
            shadow: nil, shadowArtifactSHA256: nil, canaryBucket: nil, abTest: nil, abBucket: nil, requestSplit: nil, haltedSince: nil, reasons: [])
        return (device, assignment)
    }

    @Test func partialUntilEveryDeviceReportsTheRestoredVersionAfterTheDecision() throws {
        let old = String(repeating: "1", count: 64)
        var devices = [
            Self.device("A", artifact: Self.restoredSHA, reportedAt: 1_030, since: 1_025),  // installed it 25 s after
            Self.device("B", artifact: old, reportedAt: 1_040, since: 500),  // still on 1.1.0
            Self.device("C", artifact: Self.restoredSHA, reportedAt: 990, since: 10),  // on 1.0.0, not heard from since the decision
            Self.device("D", artifact: Self.restoredSHA, reportedAt: 1_050, since: 1_045, state: .halted),  // reports it, but halted
        ]
        var other = Self.device("E", artifact: old, reportedAt: 1_000, since: 500)
        other.1.serve = Self.from  // a canary device assigned something else is not waited for
        devices.append(other)
        let partial = try #require(RollbackProgress.measure(Self.snapshot(), devices: devices))
        #expect(partial.state == .partial && partial.automatic && partial.from == Self.from && partial.to == Self.to)
        #expect(partial.devices == 4 && partial.verified == 1)
        #expect(partial.stragglers.map(\.device) == ["b:B", "b:C", "b:D"])
        #expect(partial.verifiedAt == nil && partial.secondsToVerified == nil)

        let verified = try #require(RollbackProgress.measure(Self.snapshot(actor: "gus"), devices: [
            Self.device("A", artifact: Self.restoredSHA, reportedAt: 1_030, since: 1_025),
            Self.device("C", artifact: Self.restoredSHA, reportedAt: 1_060, since: 10),
        ]))
        #expect(verified.state == .verified && verified.verified == 2 && !verified.automatic && verified.decidedBy == "gus")
        #expect(verified.secondsToVerified == 25, "the last device to switch did 25 s after; one that never left counts from the decision")
        #expect(RollbackProgress.measure(RegistrySnapshot(name: "kws", actors: [], versions: [], auditHead: 0), devices: []) == nil, "never rolled back")

        let text = FleetListing.rollback(partial)
        #expect(text.contains("kws: rolled back kws@1.1.0 → kws@1.0.0 at 1970-01-01T00:16:40.000Z by system:auto-rollback (automatic)"), "\(text)")
        #expect(text.contains("PARTIAL    1 of 4 devices confirmed kws@1.0.0; waiting for:\n  b:B: reports 111111111111…, serving, last report 1970-01-01T00:17:20.000Z"), "\(text)")
        #expect(FleetListing.rollback(verified).contains("VERIFIED   2 of 2 devices serve kws@1.0.0, the last 25.0 s after the decision"))
    }

    @Test func aReportOfAnotherArtifactMovesWhatTheDeviceServes() {
        let stored = ServingReport(announcedModel: "kws", artifactSHA256: Self.restoredSHA, registered: Self.to, reportedAt: Date(timeIntervalSince1970: 5), since: Date(timeIntervalSince1970: 1))
        let same = FleetReportMerge.merge(stored, report: DeviceReport(servingState: .serving, artifactSHA256: Self.restoredSHA), registered: Self.from, at: Date(timeIntervalSince1970: 9))
        #expect(same == stored, "the same artifact again changes nothing, not even since when it is served")
        let other = String(repeating: "1", count: 64)
        let moved = FleetReportMerge.merge(stored, report: DeviceReport(servingState: .serving, artifactSHA256: other), registered: Self.from, at: Date(timeIntervalSince1970: 9))
        #expect(moved.artifactSHA256 == other && moved.registered == Self.from && moved.since == Date(timeIntervalSince1970: 9))
        let unknown = FleetReportMerge.merge(stored, report: DeviceReport(servingState: .serving, artifactSHA256: other), registered: nil, at: Date(timeIntervalSince1970: 9))
        #expect(unknown.registered == Self.to, "an artifact the registry does not know keeps the version it was")
    }
}
