import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization
import Testing

/// Leases through the real lease file, against simulated boards and real processes.
@Suite struct LeaseTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("leases-\(UUID())/leases.sqlite").path

    /// A live process that is not this one, to stand for another job.
    func otherJob() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        try process.run()
        return process
    }

    func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    @Test func anotherJobsLeaseRefusesTheRunNamingItsHolder() throws {
        let bench = try Bench()
        let board = try bench.board()
        defer { board.stop() }
        let service = try LeaseService(path: path)
        let job = try otherJob()
        defer { stop(job) }
        _ = try service.acquire(port: board.path, purpose: "edgeprof profile other@1.0.0", seconds: 60, pid: job.processIdentifier)
        #expect {
            try ProfileService(store: bench.store, leases: service).profile(port: board.path, model: bench.model.reference, request: RunRequest(tokens: 1, iterations: 1, warmup: 0))
        } throws: { error in
            "\(error)".hasPrefix("\(board.path) is busy: leased to \(service.holder) pid \(job.processIdentifier) (edgeprof profile other@1.0.0)")
        }
    }

    @Test func aCrashedJobsLeaseIsTakenOverAndTheRunReleasesItsOwn() throws {
        let bench = try Bench()
        let board = try bench.board()
        defer { board.stop() }
        let service = try LeaseService(path: path)
        let job = try otherJob()
        _ = try service.acquire(port: board.path, purpose: "crashed", seconds: 60, pid: job.processIdentifier)
        stop(job)
        let outcome = try ProfileService(store: bench.store, leases: service).profile(
            port: board.path, model: bench.model.reference, request: RunRequest(tokens: 2, iterations: 2, warmup: 0))
        #expect(outcome.stored.run.status == .complete)
        #expect(try service.active().isEmpty, "the run gave the board back")
    }

    @Test func anExpiredLeaseIsOver() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let service = try LeaseService(path: path)
        let job = try otherJob()
        defer { stop(job) }
        _ = try service.acquire(port: terminal.path, purpose: "short", seconds: 0.05, pid: job.processIdentifier)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try service.active().isEmpty)
        _ = try service.acquire(port: terminal.path, purpose: "mine", seconds: 60, pid: ProcessInfo.processInfo.processIdentifier)
    }

    @Test func racingJobsCannotBothWin() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let jobs = try (0..<8).map { _ in try otherJob() }
        defer { jobs.forEach(stop) }
        let winners = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            if let service = try? LeaseService(path: path),
               (try? service.acquire(port: terminal.path, purpose: "race", seconds: 60, pid: jobs[index].processIdentifier)) != nil
            {
                winners.withLock { $0 += 1 }
            }
        }
        #expect(winners.withLock { $0 } == 1)
    }

    @Test func theKeepaliveRenewsARunsLease() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let service = try LeaseService(path: path, runLeaseSeconds: 2)
        let keeper = try service.hold(port: terminal.path, purpose: "long run")
        Thread.sleep(forTimeInterval: 1.2)
        let lease = try #require(try service.active().first)
        #expect(lease.expiresAt > keeper.lease.expiresAt, "renewed past its first expiry")
        keeper.release()
        #expect(try service.active().isEmpty)
    }
}
