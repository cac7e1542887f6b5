/// The judgements behind `edgeprof diag`, as pure functions of what was measured.
public enum DiagnosticRules {
    /// One PING/PONG exchange: when it left and came back (host seconds) and the device tick it carried.
    public struct PingSample: Sendable, Hashable {
        public var sentAt: Double
        public var receivedAt: Double
        public var deviceTicks: UInt64

        public init(sentAt: Double, receivedAt: Double, deviceTicks: UInt64) {
            self.sentAt = sentAt
            self.receivedAt = receivedAt
            self.deviceTicks = deviceTicks
        }

        public var roundTrip: Double { receivedAt - sentAt }
        /// The device read its clock somewhere inside the round trip; the midpoint is the best guess.
        public var midpoint: Double { (sentAt + receivedAt) / 2 }
    }

    /// Link quality over a series of pings: losses and damaged lines fail, slow round trips warn.
    public static func linkQuality(roundTrips: [Double], sent: Int, droppedLines: Int, lostLines: Int) -> DiagnosticCheck {
        let answered = roundTrips.count
        let sorted = roundTrips.sorted()
        let p50 = Percentile.of(sorted: sorted, 50).map { $0 * 1000 }
        let p99 = Percentile.of(sorted: sorted, 99).map { $0 * 1000 }
        let measured = "\(answered)/\(sent) pings answered, round trip p50 \(format(p50)) ms, p99 \(format(p99)) ms, \(droppedLines) damaged lines, \(lostLines) lost lines"
        if answered == 0 {
            return DiagnosticCheck(name: "link quality", verdict: .fail, measured: measured, hint: "no PONG came back: the board does not answer PING; reflash EdgeProf Link v1 firmware")
        }
        if answered < sent || droppedLines > 0 || lostLines > 0 {
            let share = Double(sent - answered + droppedLines + lostLines) / Double(max(sent, 1))
            return DiagnosticCheck(
                name: "link quality", verdict: share < 0.05 ? .warn : .fail, measured: measured,
                hint: "lines are being damaged or lost: use a shorter or shielded USB cable, another port or hub, and check the baud rate; profiles discard the damaged iterations")
        }
        if let p99, p99 > 50 {
            return DiagnosticCheck(name: "link quality", verdict: .warn, measured: measured, hint: "round trips above 50 ms at p99: a busy hub or host; device-side timestamps keep the figures right, but runs take longer")
        }
        return DiagnosticCheck(name: "link quality", verdict: .ok, measured: measured)
    }

    /// The device clock against the host's, in ppm, from the first and last of several pings,
    /// with the uncertainty the round trips leave.
    public static func clockDrift(first: PingSample, last: PingSample, tickHz: UInt64) -> (ppm: Double, uncertaintyPPM: Double)? {
        let hostSeconds = last.midpoint - first.midpoint
        guard hostSeconds > 0, tickHz > 0, last.deviceTicks >= first.deviceTicks else { return nil }
        let deviceSeconds = Double(last.deviceTicks - first.deviceTicks) / Double(tickHz)
        let ppm = (deviceSeconds / hostSeconds - 1) * 1e6
        let uncertainty = (first.roundTrip + last.roundTrip) / 2 / hostSeconds * 1e6
        return (ppm, uncertainty)
    }

    /// Crystal oscillators are within ±100 ppm; RC oscillators drift by 1 % or more.
    public static func clockCheck(first: PingSample, last: PingSample, tickHz: UInt64) -> DiagnosticCheck {
        guard let drift = clockDrift(first: first, last: last, tickHz: tickHz) else {
            return DiagnosticCheck(name: "device clock", verdict: .fail, measured: "the device clock did not advance between pings", hint: "the board's tick counter is stopped or wrapped: check the timer the firmware uses for t=")
        }
        let measured = "\(format(drift.ppm)) ppm ± \(format(drift.uncertaintyPPM)) ppm against the host clock (tick \(tickHz) Hz)"
        let excess = abs(drift.ppm) - drift.uncertaintyPPM
        if excess > 10_000 {
            return DiagnosticCheck(name: "device clock", verdict: .fail, measured: measured, hint: "the announced tick_hz does not match the timer: every latency is off by \(format(drift.ppm / 10_000)) %; fix tick_hz in the firmware")
        }
        if excess > 500 {
            return DiagnosticCheck(name: "device clock", verdict: .warn, measured: measured, hint: "the tick source drifts more than a crystal would: latencies scale by \(format(drift.ppm / 10_000)) %; clock the timer from a crystal (HSE) if the figures must be exact")
        }
        return DiagnosticCheck(name: "device clock", verdict: .ok, measured: measured)
    }

    /// What the board announces against its catalogue entry.
    public static func catalogueCheck(board: BoardInfo, entry: CatalogueEntry?) -> DiagnosticCheck {
        guard let entry else {
            return DiagnosticCheck(name: "catalogue", verdict: .warn, measured: "board '\(board.board)' is not in the device catalogue", hint: "add devices/boards/\(board.board).yaml so gates know its device class (edgeprof devices check validates it)")
        }
        var mismatches: [String] = []
        if let ram = entry.ramBytes, UInt64(ram) != board.ramBytes { mismatches.append("RAM \(board.ramBytes) B announced, \(ram) B in the catalogue") }
        if let flash = entry.flashBytes, UInt64(flash) != board.flashBytes { mismatches.append("flash \(board.flashBytes) B announced, \(flash) B in the catalogue") }
        if let clock = entry.clockHz, UInt64(clock) != board.clockHz { mismatches.append("clock \(board.clockHz) Hz announced, \(clock) Hz in the catalogue") }
        if entry.protocolName != LinkProtocol.name { mismatches.append("the catalogue says it speaks \(entry.protocolName)") }
        if mismatches.isEmpty {
            return DiagnosticCheck(name: "catalogue", verdict: .ok, measured: "\(entry.name): \(entry.title), device class \(entry.deviceClass ?? "—")")
        }
        return DiagnosticCheck(name: "catalogue", verdict: .warn, measured: mismatches.joined(separator: "; "), hint: "the firmware or \(entry.file) is wrong: correct whichever disagrees with the hardware")
    }

    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return abs(value) >= 100 ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
    }
}
