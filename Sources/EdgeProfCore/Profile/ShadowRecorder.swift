/// Collects the shadow iterations of one run (Link v1 `SITER`, `STOK`, `SDONE`) for `RunRecorder`.
/// Pure. A shadow iteration is kept only when it arrived whole, right after the `DONE` of a
/// measured serving iteration with the same number, so every kept one has a serving twin to be
/// compared with; the shadows of warmups are neither kept nor counted as lost.
struct ShadowRecorder: Sendable {
    /// What the last line before a shadow iteration was.
    private enum Predecessor {
        case none
        /// A serving iteration ended whole: its number, whether it was measured, its token ids.
        case serving(index: UInt32, measured: Bool, tokenIDs: [UInt64?])
        /// A serving iteration ended damaged: its shadow cannot be compared.
        case damaged
    }

    private struct OpenShadow {
        var index: UInt32
        var startTicks: UInt64
        var predecessor: Predecessor
        var tokenTicks: [UInt64] = []
        var tokenIDs: [UInt64?] = []
        var damaged = false
    }

    let model: BoardModelInfo
    private(set) var iterations: [ShadowIteration] = []
    private(set) var discarded = 0
    private var predecessor = Predecessor.none
    private var open: OpenShadow?

    init(model: BoardModelInfo) {
        self.model = model
    }

    /// A serving iteration begins: a shadow still open was cut short.
    mutating func servingIterationBegan() {
        closeDamaged()
        predecessor = .none
    }

    /// A serving iteration ended; its shadow follows.
    mutating func servingIterationEnded(index: UInt32, whole: Bool, measured: Bool, tokenIDs: [UInt64?]) {
        closeDamaged()
        predecessor = whole ? .serving(index: index, measured: measured, tokenIDs: tokenIDs) : .damaged
    }

    /// A line was lost or damaged: the shadow iteration under way, or the one about to follow, is lost.
    mutating func damage() {
        if open != nil {
            open?.damaged = true
        } else if case .serving = predecessor {
            predecessor = .damaged
        }
    }

    mutating func receive(_ message: DeviceMessage) {
        switch message {
        case .shadowIteration(let index, let ticks):
            closeDamaged()
            open = OpenShadow(index: index, startTicks: ticks, predecessor: predecessor)
            predecessor = .none
        case .shadowToken(let iteration, let index, let ticks, let tokenID):
            guard var current = open, current.index == iteration else { return }
            if Int(index) != current.tokenTicks.count || ticks < (current.tokenTicks.last ?? current.startTicks) {
                current.damaged = true
            }
            current.tokenTicks.append(ticks)
            current.tokenIDs.append(tokenID)
            open = current
        case .shadowDone(let iteration, let ticks, let tokens, let energy):
            guard let current = open, current.index == iteration else { return }
            open = nil
            close(current, endTicks: ticks, tokens: tokens, energy: energy)
        default:
            break
        }
    }

    /// Drops the shadows of serving iterations an ABORT cut short (numbered `firstUnfinished` or above).
    mutating func discard(from firstUnfinished: UInt64) {
        let before = iterations.count
        iterations.removeAll { UInt64($0.index) >= firstUnfinished }
        discarded += before - iterations.count
    }

    func recording() -> ShadowRecording {
        ShadowRecording(model: model, iterations: iterations, discardedIterations: discarded + (open == nil ? 0 : 1))
    }

    private mutating func close(_ shadow: OpenShadow, endTicks: UInt64, tokens: UInt32, energy: UInt64?) {
        let whole = !shadow.damaged && Int(tokens) == shadow.tokenTicks.count && endTicks >= (shadow.tokenTicks.last ?? shadow.startTicks)
        guard case .serving(let index, let measured, let servingIDs) = shadow.predecessor, index == shadow.index, whole else {
            discarded += 1
            return
        }
        guard measured else { return }
        let ids = shadow.tokenIDs.allSatisfy { $0 != nil } ? shadow.tokenIDs.compactMap { $0 } : nil
        let comparable = ids != nil && servingIDs.allSatisfy { $0 != nil }
        let matching = comparable ? zip(shadow.tokenIDs, servingIDs).filter { $0 == $1 }.count : nil
        iterations.append(ShadowIteration(
            index: shadow.index, startTicks: shadow.startTicks, endTicks: endTicks, tokenTicks: shadow.tokenTicks,
            tokenIDs: ids, matchingTokens: matching, servingTokens: servingIDs.count, energyNanojoules: energy))
    }

    private mutating func closeDamaged() {
        if open != nil {
            discarded += 1
            open = nil
        }
    }
}
