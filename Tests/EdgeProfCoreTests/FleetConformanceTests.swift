@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §3 (the part that needs no new protocol): a device whose reports disagree with its
/// assignment is flagged, and the fleet's status counts who is where it should be.
@Suite struct FleetConformanceTests {
    @Test func theReportedArtifactIsComparedWithTheAssignedOne() {
        let devices = (0..<100).map { FleetAssignmentTests.device("\($0)") }
        // Every test device reports an artifact of 64 zeros: 1.0.0's (its last digit) is of 64 zeros too.
        let deployment = FleetAssignmentTests.deployment([FleetAssignmentTests.version("1.0.0", .production), FleetAssignmentTests.version("1.1.1", .canary)])
        let entries = devices.map { device in
            FleetConformance.judge(device, FleetAssignment.assign(device, classmates: devices, deployment: deployment, canaryShare: 0.05, now: Date()))
        }
        let status = FleetStatus(entries)
        #expect(status.devices == 100 && status.onAssignment + status.offAssignment == 100)
        #expect(status.offAssignment == entries.filter { $0.arm == .canary }.count && status.offAssignment > 0, "the canary devices still run 1.0.0")
        let off = entries.first { $0.verdict == .offAssignment }
        #expect(off?.detail == "serves kws@1.0.0 (artifact 000000000000…), assigned kws@1.1.1 (artifact 111111111111…)")
        #expect(entries.first { $0.verdict == .onAssignment }?.detail == "serves kws@1.0.0 as assigned (production)")
    }

    @Test func aHaltCannotBeConfirmedYetAndNothingAssignedIsNoFault() {
        let device = FleetAssignmentTests.device("1")
        let halted = FleetAssignment.assign(device, classmates: [device], deployment: FleetAssignmentTests.deployment([FleetAssignmentTests.version("1.0.0", .production)], halted: true), canaryShare: 0.05, now: Date())
        #expect(FleetConformance.judge(device, halted).verdict == .unknown)
        let none = FleetAssignment.assign(device, classmates: [device], deployment: FleetAssignmentTests.deployment([]), canaryShare: 0.05, now: Date())
        let judged = FleetConformance.judge(device, none)
        #expect(judged.verdict == .unassigned && judged.detail == "nothing assigned; it runs kws@1.0.0")
        #expect(FleetStatus([judged]).unassigned == 1)
    }
}
