import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Testing

/// Issue 14 §3: Link v1's SERVE reaches a board running the C reference (the simulated board
/// links it, as firmware does): a halted board says so in its handshake and refuses every run
/// with ERROR code=halted until it serves again.
@Suite struct ServingStateTests {
    @Test func aHaltedBoardRefusesToServeUntilItIsResumed() throws {
        let bench = try Bench()
        let board = try bench.board()
        defer { board.stop() }
        do {
            let transport = try TransportOpener.open(path: board.path)
            defer { transport.close() }
            let session = LinkSession(transport: transport, timeouts: Bench.fastTimeouts)
            let (info, _) = try session.handshake()
            #expect(info.capabilities.contains("serve") && info.servingState == .serving)
            #expect(try session.setServing(.halted) == .halted)
            #expect(try session.handshake().0.servingState == .halted)
        }
        #expect {
            try ProfileService(store: bench.store).profile(port: board.path, model: bench.model.reference, request: RunRequest(tokens: 1, iterations: 1, warmup: 0))
        } throws: { error in
            guard case AgentError.rejected(_, "halted", let message) = error else { return false }
            return message == "serving is halted; SERVE state=serving resumes it"
        }
        #expect(try bench.store.runs(of: bench.model, deviceClass: nil).isEmpty, "nothing was served, nothing stored")
        do {
            let transport = try TransportOpener.open(path: board.path)
            defer { transport.close() }
            #expect(try LinkSession(transport: transport, timeouts: Bench.fastTimeouts).setServing(.serving) == .serving)
        }
        let outcome = try ProfileService(store: bench.store).profile(port: board.path, model: bench.model.reference, request: RunRequest(tokens: 1, iterations: 2, warmup: 0))
        #expect(outcome.stored.run.status == .complete && outcome.stored.run.board.servingState == .serving, "serving again, the board runs and says so")
    }

    @Test func theLinkCodecReadsStateAndRefusesOthers() throws {
        let frame = HostCommand.serve(.halted).frame(sequence: 4)
        #expect(String(decoding: frame.encoded(), as: UTF8.self).hasPrefix("SERVE 4 state=halted *"))
        #expect(try DeviceMessage(frame: LinkFrame(verb: "STATE", sequence: 9, fields: [LinkField(key: "re", value: "4"), LinkField(key: "state", value: "halted")])) == .state(replyTo: 4, .halted))
        #expect(throws: LinkMessageError.self) { try DeviceMessage(frame: LinkFrame(verb: "STATE", sequence: 9, fields: [LinkField(key: "re", value: "4"), LinkField(key: "state", value: "paused")])) }
        #expect(throws: LinkMessageError.self) { try DeviceMessage(frame: LinkFrame(verb: "STATE", sequence: 9, fields: [LinkField(key: "re", value: "4")])) }
    }
}
