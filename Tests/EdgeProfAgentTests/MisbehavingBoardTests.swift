import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// Silent, vanishing and wrong boards end in clear errors or partial runs, within bounded time.
@Suite struct MisbehavingBoardTests {
    @Test func aSilentBoardTimesOutWithAFix() throws {
        let bench = try Bench()
        let silent = try PseudoTerminal()
        defer { silent.close() }
        let started = ContinuousClock.now
        #expect {
            try ProfileService(store: bench.store).profile(
                port: silent.path, model: bench.model.reference, request: RunRequest(tokens: 1, iterations: 1, warmup: 0),
                timeouts: Bench.fastTimeouts)
        } throws: { error in
            "\(error)".hasPrefix("no answer from \(silent.path) after 3 HELLO attempts (900 ms). Fix:")
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func aBoardThatVanishesMidRunGivesAPartialRun() throws {
        let bench = try Bench()
        let board = try bench.board(speed: 1)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { board.stop() }
        // The closed terminal must be told from silence: a silence limit far beyond the stop, so a
        // loaded machine that is slow to close the board does not turn it into a silent one.
        var timeouts = Bench.fastTimeouts
        timeouts.event = .seconds(60)
        let outcome = try ProfileService(store: bench.store).profile(
            port: board.path, model: bench.model.reference, request: RunRequest(tokens: 16, iterations: 100, warmup: 0),
            timeouts: timeouts)
        #expect(outcome.stored.run.status == .partial)
        #expect(outcome.stored.run.partialReason == "\(board.path) vanished mid-run (unplugged or closed)")
        #expect(outcome.stored.run.iterations.count < 100)
        #expect(try bench.store.run(id: outcome.runID)?.run.status == .partial, "partial runs are stored, marked partial")
    }

    @Test func aBoardCarryingAnotherArtifactIsRefused() throws {
        var bench = try Bench()
        bench.profile.artifactSHA256 = String(repeating: "b", count: 64)
        let board = try bench.board()
        defer { board.stop() }
        #expect {
            try ProfileService(store: bench.store).profile(port: board.path, model: bench.model.reference, request: RunRequest(tokens: 1, iterations: 1, warmup: 0))
        } throws: { error in
            "\(error)".hasPrefix("the board carries demo-tiny-lm with artifact sha256 bbbbbbbbbbbb…, but tiny@1.0.0 was registered with")
        }
    }

    @Test func anUnknownModelNamesTheRegisteredOnes() throws {
        let bench = try Bench()
        #expect {
            try ProfileService(store: bench.store).profile(
                port: "/dev/null", model: ModelReference(parsing: "tiny@2.0.0"), request: RunRequest(tokens: 1, iterations: 1, warmup: 0))
        } throws: { error in
            "\(error)" == "unknown model tiny@2.0.0 (registered: tiny@1.0.0). Fix: edgeprof model register tiny 2.0.0 --artifact FILE"
        }
    }

    @Test func badRunArgumentsAreRefusedBeforeTouchingThePort() throws {
        let bench = try Bench()
        #expect {
            try ProfileService(store: bench.store).profile(port: "/dev/null", model: bench.model.reference, request: RunRequest(tokens: 1, iterations: 0, warmup: 0))
        } throws: { error in
            "\(error)" == "--iterations must be 1 to 1000000, got 0"
        }
    }

    @Test func theBoardRefusesTokensZeroForATokenModel() throws {
        let bench = try Bench()
        let board = try bench.board()
        defer { board.stop() }
        #expect {
            try ProfileService(store: bench.store).profile(port: board.path, model: bench.model.reference, request: RunRequest(tokens: 0, iterations: 1, warmup: 0))
        } throws: { error in
            "\(error)" == "the board on \(board.path) refused: bad_args: tokens must be 1..65535 for a token-generating model"
        }
    }
}
