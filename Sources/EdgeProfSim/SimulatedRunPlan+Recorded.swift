import EdgeProfCore
import Foundation

extension SimulatedRunPlan {
    /// The run as an agent records it from this board: the measured iterations with their ticks,
    /// energy and tokens, the board's identity, complete. For benchmarks and tests that need many
    /// runs of a board without the link in between (the link's own path is tested elsewhere).
    public func recordedRun(profile: SimulatedModelProfile, request: RunRequest) -> RecordedRun {
        let measured = iterations.filter { !$0.warmup }.map { iteration in
            RecordedIteration(
                index: iteration.index, startTicks: iteration.startTicks, endTicks: iteration.endTicks, tokenTicks: iteration.tokenTicks,
                energyNanojoules: iteration.energyNanojoules)
        }
        let board = BoardInfo(
            protocolVersion: 1, board: profile.board, serial: profile.serial, firmwareVersion: profile.firmwareVersion,
            firmwareBuild: profile.firmwareBuild, clockHz: UInt64(profile.clockHz), tickHz: UInt64(profile.tickHz),
            ramBytes: UInt64(profile.ramBytes), flashBytes: UInt64(profile.flashBytes), capabilities: [], deviceClass: profile.deviceClass)
        return RecordedRun(
            request: request, board: board,
            model: BoardModelInfo(model: profile.model, artifactSHA256: profile.artifactSHA256, quantization: profile.quantization),
            iterations: measured, warmupIterations: Int(request.warmup), discardedIterations: 0,
            totals: RunTotals(aborted: false, iterations: request.iterations, tokens: UInt64(measured.reduce(0) { $0 + $1.tokenTicks.count })),
            status: .complete, partialReason: nil, link: LinkStatistics())
    }
}
