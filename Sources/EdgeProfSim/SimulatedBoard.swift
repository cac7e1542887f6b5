import CEdgeProfLink
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization

/// A board on a pseudo-terminal whose firmware is the Link v1 C reference implementation:
/// the bytes it sends are exactly what real firmware would send. Its model follows a
/// `SimulatedModelProfile`, so every run has a known ground truth (`SimulatedRunPlan`).
public final class SimulatedBoard: @unchecked Sendable {
    /// Where the board is attached: a pseudo-terminal any process can open (a board on a
    /// bench), or memory, answered in the caller's thread (thousands of boards in one process:
    /// the fleet simulator).
    public enum Attachment: Sendable {
        case pseudoTerminal, memory
    }

    /// The terminal to profile, e.g. /dev/pts/5; `memory:BOARD:SERIAL` for a board in memory.
    public var path: String { terminal?.path ?? "memory:\(profile.board):\(profile.serial)" }
    /// What the board booted as.
    public let profile: SimulatedModelProfile
    /// What it runs now: the booted profile, or the artifact it last installed over the link.
    private var serving: SimulatedModelProfile
    /// The shadow it runs beside it on the same inputs (Link v1 `LOAD slot=shadow`), if any.
    private var shadow: SimulatedModelProfile?
    /// Bytes of an artifact being received (Link v1 LOAD … COMMIT).
    private var staging: [UInt8] = []
    public let seed: UInt64

    private let terminal: PseudoTerminal?
    /// What a board in memory has sent and the host has not read yet.
    private let outbox = Mutex<[UInt8]>([])
    /// One host write at a time reaches a board in memory.
    private let feeding = NSLock()
    private let speed: Double
    /// Announces `records` and, when a run asks for them, reports each iteration at its end as REC lines.
    private let sendsRecords: Bool
    /// With `sendsRecords`, announces `frames` too: runs that ask get record frames (Link v1.2).
    private let sendsFrames: Bool
    private let faults: SimulatedFaults
    /// The GPIO a simulated power monitor watches, if one is wired.
    private let activity: BoardActivity?
    private var faultRandom: SplitMix64
    private let device: UnsafeMutablePointer<epl_device>
    private let info: UnsafeMutablePointer<epl_board_info>
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private let stopped = Mutex(false)
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    private var runNumber: UInt64 = 0
    /// Lines sent in the current run, for the reset fault.
    private var runLinesSent = 0
    private var running = false
    private let finishedRuns = Mutex(0)
    private var clockOrigin = ContinuousClock.now
    private var clockOffsetTicks: UInt64 = 0
    /// Injected regressions: how many times slower each artifact (by SHA-256) runs on this board.
    private let regressions = Mutex<[String: Double]>([:])

    /// `speed` 1 reports in real time, 10 ten times faster, 0 as fast as the link allows. `records`
    /// false makes a board without the Link v1.1 `records` capability: it streams ITER, TOK… and DONE;
    /// `frames` false, a v1.1 board: REC lines but no v1.2 record frames.
    public init(
        profile: SimulatedModelProfile, seed: UInt64 = 1, speed: Double = 1, faults: SimulatedFaults = SimulatedFaults(),
        activity: BoardActivity? = nil, attachment: Attachment = .pseudoTerminal, records: Bool = true,
        frames: Bool = true
    ) throws(TransportError) {
        self.profile = profile
        serving = profile
        self.seed = seed
        self.speed = speed
        sendsRecords = records
        sendsFrames = records && frames
        self.faults = faults
        self.activity = activity
        faultRandom = SplitMix64(seed: ~seed)
        terminal = attachment == .memory ? nil : try PseudoTerminal()
        device = .allocate(capacity: 1)
        info = .allocate(capacity: 1)
        info.initialize(to: epl_board_info())
        fillBoardInfo()
    }

    deinit {
        stop()
        strings.forEach { free($0) }
        device.deallocate()
        info.deallocate()
    }

    /// Boots the board (READY banner) and, on a pseudo-terminal, serves commands on a thread of
    /// its own until `stop()`; a board in memory answers in the thread that writes to it.
    public func start() {
        var callbacks = epl_device_callbacks()
        callbacks.ctx = Unmanaged.passUnretained(self).toOpaque()
        callbacks.write = { ctx, data, count in
            SimulatedBoard.from(ctx)?.send(UnsafeBufferPointer(start: data, count: count)) ?? 0
        }
        callbacks.read = { ctx, data, capacity in
            guard let data else { return 0 }
            return SimulatedBoard.from(ctx)?.receiveWaiting(into: data, capacity: capacity) ?? 0
        }
        callbacks.now_ticks = { ctx in SimulatedBoard.from(ctx)?.nowTicks() ?? 0 }
        callbacks.run = { ctx, device, request in
            guard let device, let request else { return }
            SimulatedBoard.from(ctx)?.run(device, request.pointee)
        }
        callbacks.install_begin = { ctx, size in SimulatedBoard.from(ctx)?.beginInstall(size: size) ?? 0 }
        callbacks.install_write = { ctx, offset, data, count in
            guard let data else { return 0 }
            return SimulatedBoard.from(ctx)?.storeInstall(at: offset, UnsafeBufferPointer(start: data, count: count)) ?? 0
        }
        callbacks.install_commit = { ctx, digest, model, quant in
            guard let digest, let model, let quant else { return 0 }
            return SimulatedBoard.from(ctx)?.commitInstall(sha256: Array(UnsafeBufferPointer(start: digest, count: 32)), model: String(cString: model), quantization: String(cString: quant)) ?? 0
        }
        callbacks.shadow_commit = { ctx, digest, model, quant in
            guard let digest, let model, let quant else { return 0 }
            return SimulatedBoard.from(ctx)?.commitShadow(sha256: Array(UnsafeBufferPointer(start: digest, count: 32)), model: String(cString: model), quantization: String(cString: quant)) ?? 0
        }
        callbacks.shadow_unload = { ctx in SimulatedBoard.from(ctx)?.shadow = nil }
        epl_device_init(device, info, &callbacks)
        epl_device_boot(device)
        guard terminal != nil else { return }
        let thread = Thread { [self] in
            serve()
            finished.signal()
        }
        thread.name = "edgeprof-sim \(path)"
        self.thread = thread
        thread.start()
    }

    /// Stops serving and closes the terminal: a host still reading sees the board vanish.
    public func stop() {
        let wasRunning = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped && thread != nil
        }
        if wasRunning { finished.wait() }
        terminal?.close()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Runs the board has finished (completed, aborted or cut short), readable from any thread.
    public var runsFinished: Int { finishedRuns.withLock { $0 } }

    private func serve() {
        guard let terminal else { return }
        while !isStopped {
            guard let bytes = try? terminal.read(timeout: .milliseconds(50)) else { return }
            if !bytes.isEmpty, activity?.isPowered ?? true {
                let received = faults.wrongBaud ? bytes.map(SimulatedFaults.misclockedKeepingLines) : bytes
                received.withUnsafeBufferPointer { epl_device_feed(device, $0.baseAddress, $0.count) }
            }
        }
    }

    // MARK: - A board in memory

    /// The host's end of a board in memory (nil for a board on a pseudo-terminal): what is
    /// written reaches the firmware at once, and its answers are read back.
    public func memoryTransport() -> (any ByteTransport)? {
        terminal == nil ? MemoryTransport(board: self) : nil
    }

    /// Feeds host bytes to the firmware, which answers into the outbox before this returns.
    fileprivate func receiveFromHost(_ bytes: [UInt8]) throws(TransportError) {
        guard !isStopped else { throw .disconnected(port: path) }
        feeding.lock()
        defer { feeding.unlock() }
        bytes.withUnsafeBufferPointer { epl_device_feed(device, $0.baseAddress, $0.count) }
    }

    /// Takes up to `maxCount` bytes the firmware sent.
    fileprivate func takeSent(maxCount: Int) -> [UInt8] {
        outbox.withLock { sent in
            let taken = Array(sent.prefix(maxCount))
            sent.removeFirst(taken.count)
            return taken
        }
    }

    // MARK: - Firmware callbacks

    /// The board a firmware callback is for (the C firmware passes back the context it was given).
    private static func from(_ ctx: UnsafeMutableRawPointer?) -> SimulatedBoard? {
        ctx.map { Unmanaged<SimulatedBoard>.fromOpaque($0).takeUnretainedValue() }
    }

    private func send(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if running { runLinesSent += 1 }
        let wire = faults.leavesBytesIntact ? Array(bytes) : faults.apply(to: Array(bytes), random: &faultRandom)
        do {
            guard let terminal else {
                outbox.withLock { $0 += wire }
                return bytes.count
            }
            try terminal.write(wire, timeout: .seconds(5))
            return bytes.count
        } catch {
            return 0
        }
    }

    private func receiveWaiting(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        guard let terminal, let bytes = try? terminal.read(maxCount: capacity, timeout: .zero), !bytes.isEmpty else { return 0 }
        let received = faults.wrongBaud ? bytes.map(SimulatedFaults.misclockedKeepingLines) : bytes
        buffer.update(from: received, count: received.count)
        return received.count
    }

    /// The reset fault: once the run has sent enough lines, the board reboots.
    private var resetDue: Bool {
        guard let limit = faults.resetAfterRunLines else { return false }
        return runLinesSent >= limit
    }

    private func nowTicks() -> UInt64 {
        let elapsed = ContinuousClock.now - clockOrigin
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return clockOffsetTicks + UInt64(seconds * Double(profile.tickHz) * (1 + profile.clockErrorPPM / 1e6))
    }

    /// Makes every later run of the artifact `sha256` `factor` times slower on this board (first
    /// token and every token after it), as a regression in the field would: the fault the fleet
    /// demo injects so that monitoring has something real to catch. A factor of 1 lifts it.
    public func injectRegression(artifactSHA256 sha256: String, latencyFactor factor: Double) {
        regressions.withLock { $0[sha256] = factor == 1 ? nil : factor }
    }

    /// `model` as it runs now, slowed by an injected regression of its artifact, if any.
    private func running(_ model: SimulatedModelProfile) -> SimulatedModelProfile {
        var profile = model
        if let factor = regressions.withLock({ $0[model.artifactSHA256] }), factor > 0, factor.isFinite {
            profile.firstTokenMedianMs *= factor
            profile.tokenMedianMs *= factor
        }
        return profile
    }

    /// Runs the plan's iterations, each followed by its shadow's run of the same input when a
    /// shadow is loaded: the shadow starts after the iteration's DONE and every later iteration
    /// starts that much later, so the shadow never falls inside a serving iteration's window.
    private func run(_ device: UnsafeMutablePointer<epl_device>, _ request: epl_run_request) {
        let runRequest = RunRequest(tokens: request.tokens, iterations: request.iterations, warmup: request.warmup)
        let plan = SimulatedRunPlan(profile: running(serving), seed: seed, runNumber: runNumber, request: runRequest)
        let shadowModel = shadow
        let shadowPlan = shadowModel.map { SimulatedRunPlan(profile: running($0), seed: ~seed, runNumber: runNumber, request: runRequest) }
        let input = withUnsafeBytes(of: request.input) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        runNumber += 1
        running = true
        runLinesSent = 0
        defer {
            running = false
            finishedRuns.withLock { $0 += 1 }
        }
        let base = nowTicks()
        let wallStart = ContinuousClock.now
        var result = epl_run_result()
        result.energy_nj = serving.activePowerMilliwatts == nil ? UInt64.max : 0
        var lastTick: UInt64 = 0
        /// Ticks the shadows have taken so far: every later serving tick comes that much later.
        var shift: UInt64 = 0
        runLoop: for (position, iteration) in plan.iterations.enumerated() {
            pace(until: shift + iteration.startTicks, from: wallStart)
            if isStopped { return }
            activity?.set(true)
            var report = IterationReport(device, iteration: iteration.index, warmup: iteration.warmup, shadow: false, start: base + shift + iteration.startTicks)
            for (index, tick) in iteration.tokenTicks.enumerated() {
                pace(until: shift + tick, from: wallStart)
                if isStopped { return }
                if resetDue {
                    epl_device_boot(device)
                    return
                }
                report.add(base + shift + tick, id: SimulatedOutput.token(input: input, position: index, model: serving))
                if epl_device_abort_requested(device) != 0 {
                    activity?.set(false)
                    result.aborted = 1
                    report.finish(end: base + shift + tick, energy: nil)
                    lastTick = shift + tick
                    break runLoop
                }
            }
            pace(until: shift + iteration.endTicks, from: wallStart)
            activity?.set(false)
            report.finish(end: base + shift + iteration.endTicks, energy: iteration.energyNanojoules)
            lastTick = shift + iteration.endTicks
            if !iteration.warmup {
                result.iterations += 1
                result.tokens += UInt64(iteration.tokenTicks.count)
                if let energy = iteration.energyNanojoules { result.energy_nj += energy }
            }
            guard let shadowModel, let twin = shadowPlan?.iterations[position] else { continue }
            let shadowStart = lastTick + 1
            let outcome = runShadow(device, twin, input: input, model: shadowModel, startingAt: shadowStart, base: base, wallStart: wallStart)
            lastTick = outcome.endTicks
            shift = lastTick - iteration.endTicks
            if outcome.aborted {
                result.aborted = 1
                break runLoop
            }
            result.shadow_iterations += 1
        }
        result.stack_peak = serving.stackPeakBytes
        result.arena_hw = serving.arenaHighWaterBytes
        result.heap_hw = serving.heapHighWaterBytes
        result.ram_peak = serving.ramPeakBytes
        epl_send_result(device, &result)
        clockOffsetTicks = base + lastTick
        clockOrigin = ContinuousClock.now
    }

    /// The shadow's run of one iteration (`twin`, its own plan's timings) from tick `start`:
    /// SITER, STOK…, SDONE; an ABORT ends it early. Returns the tick it ended at. The mark line a
    /// power monitor watches stays low: it marks the serving model's windows only.
    private func runShadow(
        _ device: UnsafeMutablePointer<epl_device>, _ twin: SimulatedRunPlan.Iteration, input: String, model: SimulatedModelProfile,
        startingAt start: UInt64, base: UInt64, wallStart: ContinuousClock.Instant
    ) -> (endTicks: UInt64, aborted: Bool) {
        // The twin's ticks count from its own plan's start: only their distance from its start is kept.
        var report = IterationReport(device, iteration: twin.index, warmup: false, shadow: true, start: base + start)
        for (index, tick) in twin.tokenTicks.enumerated() {
            let at = start + (tick - twin.startTicks)
            pace(until: at, from: wallStart)
            report.add(base + at, id: SimulatedOutput.token(input: input, position: index, model: model))
            if epl_device_abort_requested(device) != 0 {
                report.finish(end: base + at, energy: nil)
                return (at, true)
            }
        }
        let end = start + (twin.endTicks - twin.startTicks)
        pace(until: end, from: wallStart)
        report.finish(end: base + end, energy: twin.energyNanojoules)
        return (end, false)
    }

    /// Sleeps until the plan's tick is due in wall time (scaled by `speed`).
    private func pace(until tick: UInt64, from start: ContinuousClock.Instant) {
        guard speed > 0 else { return }
        let due = start + .nanoseconds(Int64(Double(tick) / Double(profile.tickHz) * 1e9 / speed))
        let wait = due - ContinuousClock.now
        if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
    }

    // MARK: - Installing an artifact

    private func beginInstall(size: UInt32) -> Int32 {
        guard size <= profile.flashBytes else { return 0 }
        staging = [UInt8](repeating: 0, count: Int(size))
        return 1
    }

    private func storeInstall(at offset: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let start = Int(offset)
        guard start <= staging.count, bytes.count <= staging.count - start else { return 0 }
        staging.replaceSubrange(start..<start + bytes.count, with: bytes)
        return 1
    }

    /// Switches to the received artifact when it is a simulated model; the C reference has
    /// already checked its SHA-256.
    private func commitInstall(sha256: [UInt8], model: String, quantization: String) -> Int32 {
        guard let artifact = SimulatedModelArtifact(bytes: staging) else { return 0 }
        let hex = LinkValue.hex(sha256)
        serving = artifact.installed(on: serving, model: model, quantization: quantization, sha256: hex)
        staging = []
        info.pointee.model = keep(model)
        info.pointee.quant = keep(quantization)
        withUnsafeMutableBytes(of: &info.pointee.model_sha256) { raw in
            for (index, byte) in sha256.prefix(32).enumerated() { raw[index] = byte }
        }
        return 1
    }

    /// Makes the received artifact the shadow, when it is a simulated model; the C reference has
    /// already checked its SHA-256 and keeps what it announces.
    private func commitShadow(sha256: [UInt8], model: String, quantization: String) -> Int32 {
        guard let artifact = SimulatedModelArtifact(bytes: staging) else { return 0 }
        shadow = artifact.installed(on: serving, model: model, quantization: quantization, sha256: LinkValue.hex(sha256))
        staging = []
        return 1
    }

    // MARK: - Identity

    /// A C string the board info can point at for the board's lifetime.
    private func keep(_ text: String) -> UnsafePointer<CChar>? {
        guard let copy = strdup(text) else { return nil }
        strings.append(copy)
        return UnsafePointer(copy)
    }

    private func fillBoardInfo() {
        info.pointee.board = keep(profile.board)
        info.pointee.serial = keep(profile.serial)
        info.pointee.fw_version = keep(profile.firmwareVersion)
        info.pointee.fw_build = keep(profile.firmwareBuild)
        info.pointee.model = keep(profile.model)
        info.pointee.quant = keep(profile.quantization)
        info.pointee.device_class = profile.deviceClass.flatMap(keep)
        let digest = LinkValue.bytes(fromHex: profile.artifactSHA256) ?? []
        withUnsafeMutableBytes(of: &info.pointee.model_sha256) { raw in
            for (index, byte) in digest.prefix(32).enumerated() { raw[index] = byte }
        }
        info.pointee.clock_hz = profile.clockHz
        info.pointee.tick_hz = profile.tickHz
        info.pointee.ram_bytes = profile.ramBytes
        info.pointee.flash_bytes = profile.flashBytes
        var caps = UInt32(EPL_CAP_STACK | EPL_CAP_ARENA | EPL_CAP_HEAP)
        if profile.generatesTokens { caps |= UInt32(EPL_CAP_TOKENS) }
        if profile.activePowerMilliwatts != nil { caps |= UInt32(EPL_CAP_POWER) }
        if sendsRecords { caps |= UInt32(EPL_CAP_RECORDS) }
        if sendsFrames { caps |= UInt32(EPL_CAP_FRAMES) }
        info.pointee.caps = caps
    }
}

/// The host's end of a `SimulatedBoard` in memory.
private final class MemoryTransport: ByteTransport {
    private let board: SimulatedBoard
    private let closed = Mutex(false)

    init(board: SimulatedBoard) {
        self.board = board
    }

    var portName: String { board.path }
    var summary: String { "a simulated board in memory" }

    func write(_ bytes: [UInt8], timeout: Duration) throws(TransportError) {
        guard !closed.withLock({ $0 }) else { throw .disconnected(port: portName) }
        try board.receiveFromHost(bytes)
    }

    /// The firmware answers while the host writes, so an empty outbox stays empty until the
    /// next write: wait briefly (bounded by `timeout`) rather than spin.
    func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        guard !closed.withLock({ $0 }) else { throw .disconnected(port: portName) }
        let bytes = board.takeSent(maxCount: maxCount)
        if bytes.isEmpty, timeout > .zero { Thread.sleep(forTimeInterval: min(0.002, Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)) }
        return bytes
    }

    func close() {
        closed.withLock { $0 = true }
    }
}

/// One iteration as the simulated board reports it: streamed line by line while it runs (ITER,
/// TOK…, DONE, or SITER, STOK…, SDONE), or, when the run asked for records or frames, all at its
/// end through the C reference's `epl_send_report`.
private struct IterationReport {
    let device: UnsafeMutablePointer<epl_device>
    let iteration: UInt32
    let warmup: Bool
    let shadow: Bool
    let start: UInt64
    /// The run asked for records or frames (RUN rec=1 or 2 on a board that announces them).
    let records: Bool
    private var ticks: [UInt64] = []
    private var ids: [Int32] = []

    /// Begins the iteration; streamed, its ITER (SITER) line goes out now.
    init(_ device: UnsafeMutablePointer<epl_device>, iteration: UInt32, warmup: Bool, shadow: Bool, start: UInt64) {
        self.device = device
        self.iteration = iteration
        self.warmup = warmup
        self.shadow = shadow
        self.start = start
        records = device.pointee.records != 0
        guard !records else { return }
        if shadow {
            epl_send_shadow_iteration(device, iteration, start)
        } else {
            epl_send_iteration(device, iteration, warmup ? 1 : 0, start)
        }
    }

    /// A token; streamed, its TOK (STOK) line goes out now.
    mutating func add(_ tick: UInt64, id: Int32) {
        let index = UInt32(ticks.count)
        ticks.append(tick)
        ids.append(id)
        guard !records else { return }
        if shadow {
            epl_send_shadow_token(device, iteration, index, tick, id)
        } else {
            epl_send_token(device, iteration, index, tick, id)
        }
    }

    /// Ends the iteration: its DONE (SDONE) after streamed lines, or the whole report as records.
    func finish(end: UInt64, energy: UInt64?) {
        guard records else {
            if shadow {
                epl_send_shadow_done(device, iteration, end, UInt32(ticks.count), energy ?? UInt64.max)
            } else {
                epl_send_done(device, iteration, end, UInt32(ticks.count), energy ?? UInt64.max)
            }
            return
        }
        ticks.withUnsafeBufferPointer { tickBuffer in
            ids.withUnsafeBufferPointer { idBuffer in
                var report = epl_iteration_report(
                    iteration: iteration, warmup: warmup ? 1 : 0, shadow: shadow ? 1 : 0, start_ticks: start,
                    token_ticks: tickBuffer.baseAddress, token_ids: idBuffer.baseAddress, tokens: UInt32(ticks.count),
                    end_ticks: end, energy_nj: energy ?? UInt64.max)
                _ = epl_send_report(device, &report)
            }
        }
    }
}
