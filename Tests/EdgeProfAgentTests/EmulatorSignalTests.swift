import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Issue 13: QEMU inherited a signal mask with SIGTERM blocked, so every stop waited a second
/// for SIGKILL. Started with a clean signal state, the emulator ends on SIGTERM, the first signal.
@Suite(.serialized) struct EmulatorSignalTests {
    static let devices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("devices").path

    @Test func theEmulatorStopsOnSIGTERMEvenWhenThisProcessBlocksIt() throws {
        let catalogue = try CatalogueLoader.load(directory: Self.devices)
        let entry = try #require(catalogue.entries.first { $0.name == "qemu-mps2-an386" })
        // What a caller that takes SIGTERM itself does (the interrupt guard, sim board): block it here.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let board = try EmulatedBoard(entry: entry, catalogueDirectory: Self.devices)
        board.stop()
        #expect(board.terminatingSignal == SIGTERM, "ended by \(board.terminatingSignal.map(String.init) ?? "nothing"): SIGKILL means SIGTERM was ignored")
    }
}
