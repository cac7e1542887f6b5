import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// Every link fault the simulator injects ends in a complete run, a partial run or a clear
/// error, within bounded time, and nothing damaged is ever stored: on a board that streams
/// ITER/TOK/DONE lines, and on one that sends Link v1.1 records.
@Suite struct LinkFaultTests {
    let request = RunRequest(tokens: 8, iterations: 40, warmup: 0)

    func profile(_ faults: SimulatedFaults, seed: UInt64 = 21, records: Bool = false) throws -> (Bench, ProfileOutcome) {
        let bench = try Bench()
        let board = try bench.board(seed: seed, faults: faults, records: records)
        defer { board.stop() }
        var timeouts = Bench.fastTimeouts
        timeouts.handshakeAttempts = 10
        timeouts.event = .milliseconds(500)
        let outcome = try ProfileService(store: bench.store).profile(port: board.path, model: bench.model.reference, request: request, timeouts: timeouts)
        return (bench, outcome)
    }

    /// Every stored iteration equals the simulator's ground truth for its index.
    func expectOnlyGroundTruthStored(_ bench: Bench, _ outcome: ProfileOutcome, seed: UInt64 = 21) throws {
        let plan = SimulatedRunPlan(profile: bench.profile, seed: seed, runNumber: 0, request: request)
        let stored = try #require(try bench.store.run(id: outcome.runID)).run.iterations
        for iteration in stored {
            let truth = plan.iterations[Int(iteration.index)]
            #expect(iteration.tokenTicks.map { $0 - iteration.startTicks } == truth.tokenTicks.map { $0 - truth.startTicks })
            #expect(iteration.endTicks - iteration.startTicks == truth.endTicks - truth.startTicks)
        }
    }

    @Test func droppedBytes() throws {
        let (bench, outcome) = try profile(SimulatedFaults(dropByteProbability: 0.002))
        #expect(outcome.stored.run.discardedIterations + outcome.stored.run.link.droppedLines > 0)
        try expectOnlyGroundTruthStored(bench, outcome)
    }

    @Test func linesCutMidFrame() throws {
        let (bench, outcome) = try profile(SimulatedFaults(cutLineProbability: 0.03))
        #expect(outcome.stored.run.link.droppedLines > 0)
        #expect(outcome.stored.run.discardedIterations > 0)
        try expectOnlyGroundTruthStored(bench, outcome)
    }

    @Test func aResetMidRunGivesAPartialRun() throws {
        let (bench, outcome) = try profile(SimulatedFaults(resetAfterRunLines: 100))
        #expect(outcome.stored.run.status == .partial)
        #expect(outcome.stored.run.partialReason == "the board restarted mid-run (READY banner)")
        #expect(outcome.stored.run.iterations.count == 10, "100 run lines after START: ten whole iterations of ITER + 8 TOK + DONE")
        try expectOnlyGroundTruthStored(bench, outcome)
    }

    @Test func faultsOnRecordsStoreOnlyGroundTruth() throws {
        for faults in [SimulatedFaults(dropByteProbability: 0.002), SimulatedFaults(cutLineProbability: 0.1), SimulatedFaults(corruptLineProbability: 0.1)] {
            let (bench, outcome) = try profile(faults, records: true)
            let run = outcome.stored.run
            #expect(run.discardedIterations + run.link.droppedLines > 0, "\(faults) must have hit something")
            try expectOnlyGroundTruthStored(bench, outcome)
        }
    }

    @Test func aResetMidRunOfRecordsGivesAPartialRun() throws {
        let (bench, outcome) = try profile(SimulatedFaults(resetAfterRunLines: 12), records: true)
        #expect(outcome.stored.run.status == .partial)
        #expect(outcome.stored.run.partialReason == "the board restarted mid-run (READY banner)")
        #expect(outcome.stored.run.iterations.count == 12, "12 run lines after START: twelve iterations of one REC line each")
        try expectOnlyGroundTruthStored(bench, outcome)
    }

    @Test func aWrongBaudRateIsNamedAsTheLikelyCause() throws {
        let bench = try Bench()
        let board = try bench.board(faults: SimulatedFaults(wrongBaud: true))
        defer { board.stop() }
        let started = ContinuousClock.now
        #expect {
            try ProfileService(store: bench.store).profile(port: board.path, model: bench.model.reference, request: request, timeouts: Bench.fastTimeouts)
        } throws: { error in
            "\(error)".contains("bytes in 900 ms but no readable line") && "\(error)".contains("Fix: check the baud rate (--baud)")
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
