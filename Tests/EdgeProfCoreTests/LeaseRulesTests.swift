import EdgeProfCore
import Foundation
import Testing

@Suite struct LeaseRulesTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func lease(pid: Int32?, holder: String = "ana@bench1", expiresIn: Double = 60) -> DeviceLease {
        DeviceLease(device: "usb:0483:374b:066D", port: "/dev/ttyACM0", holder: holder, pid: pid, purpose: "p", acquiredAt: now, expiresAt: now.addingTimeInterval(expiresIn))
    }

    @Test func expiredLeasesAndDeadLocalJobsAreOver() {
        #expect(LeaseRules.isActive(lease(pid: 10), now: now, host: "bench1", processAlive: { _ in true }))
        #expect(!LeaseRules.isActive(lease(pid: 10, expiresIn: -1), now: now, host: "bench1", processAlive: { _ in true }))
        #expect(!LeaseRules.isActive(lease(pid: 10), now: now, host: "bench1", processAlive: { _ in false }), "its job crashed")
        #expect(LeaseRules.isActive(lease(pid: 10, holder: "ana@bench2"), now: now, host: "bench1", processAlive: { _ in false }), "another host's process cannot be checked from here")
        #expect(LeaseRules.isActive(lease(pid: nil), now: now, host: "bench1", processAlive: { _ in false }))
    }

    @Test func whoMayUseALeasedBoard() {
        #expect(LeaseRules.admits(lease(pid: 10), holder: "ana@bench1", pid: 10))
        #expect(!LeaseRules.admits(lease(pid: 10), holder: "ana@bench1", pid: 11), "two jobs of one user never share a board")
        #expect(LeaseRules.admits(lease(pid: nil), holder: "ana@bench1", pid: 11), "a person's own runs may use the board they reserved")
        #expect(!LeaseRules.admits(lease(pid: nil), holder: "bo@bench1", pid: 11))
    }

    @Test func theConflictNamesTheHolderAndTheFix() {
        let message = LeaseConflict(lease: lease(pid: 4242)).description
        #expect(message.hasPrefix("/dev/ttyACM0 is busy: leased to ana@bench1 pid 4242 (p) until "))
        #expect(message.hasSuffix("Fix: wait for it, or `edgeprof devices release /dev/ttyACM0` if that job is gone"))
    }
}
