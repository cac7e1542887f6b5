/// Turns Link v1.1 REC lines back into the events ITER, TOK… and DONE lines would have carried
/// (SITER, STOK…, SDONE for a shadow), so a run is recorded the same way in either form. A line
/// that continues an iteration needs the one before it: the cursor keeps where that one ended.
public struct RecordCursor: Sendable {
    private struct Position: Sendable {
        var iteration: UInt32
        var shadow: Bool
        var nextToken: UInt32
        var lastTick: UInt64
    }

    private var position: Position?

    public init() {}

    /// Forgets the iteration under way: a line was lost or damaged, or another kind of line came.
    public mutating func reset() {
        position = nil
    }

    /// The events `record` stands for; nil when it continues an iteration whose previous line did
    /// not arrive right before it, or when its ticks or token indices would overflow.
    public mutating func expand(_ record: IterationRecord) -> [DeviceMessage]? {
        guard let count = UInt32(exactly: record.tokenDeltas.count),
              case (let tokens, false) = record.firstToken.addingReportingOverflow(count)
        else {
            reset()
            return nil
        }
        var events: [DeviceMessage] = []
        events.reserveCapacity(record.tokenDeltas.count + 2)
        var tick: UInt64
        if let start = record.startTicks {
            tick = start
            events.append(record.shadow
                ? .shadowIteration(index: record.iteration, ticks: start)
                : .iteration(index: record.iteration, warmup: record.warmup, ticks: start))
        } else {
            guard let position, position.iteration == record.iteration, position.shadow == record.shadow,
                  position.nextToken == record.firstToken
            else {
                reset()
                return nil
            }
            tick = position.lastTick
        }
        for (offset, delta) in record.tokenDeltas.enumerated() {
            let (next, overflow) = tick.addingReportingOverflow(delta)
            guard !overflow else {
                reset()
                return nil
            }
            tick = next
            let index = record.firstToken &+ UInt32(truncatingIfNeeded: offset)
            let id = record.tokenIDs?[offset]
            events.append(record.shadow
                ? .shadowToken(iteration: record.iteration, index: index, ticks: tick, tokenID: id)
                : .token(iteration: record.iteration, index: index, ticks: tick, tokenID: id))
        }
        guard let endDelta = record.endDelta else {
            position = Position(iteration: record.iteration, shadow: record.shadow, nextToken: tokens, lastTick: tick)
            return events
        }
        reset()
        let (end, overflow) = tick.addingReportingOverflow(endDelta)
        guard !overflow else { return nil }
        events.append(record.shadow
            ? .shadowDone(iteration: record.iteration, ticks: end, tokens: tokens, energyNanojoules: record.energyNanojoules)
            : .done(iteration: record.iteration, ticks: end, tokens: tokens, energyNanojoules: record.energyNanojoules))
        return events
    }
}
