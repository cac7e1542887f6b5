import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation

/// `edgeprof profile`: run a registered model on a board and store every raw timing.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile a registered model on a board: latency percentiles, time to first token, tokens/s, memory, energy.")

    @OptionGroup var target: ProfileTarget

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @Flag(help: "No progress display.")
    var quiet = false

    @Option(help: ArgumentHelp("Also send the run to this collector (kept in the spool until it is stored there).", valueName: "url"))
    var upload: String?

    @Option(help: ArgumentHelp("Flash this firmware ELF first with the board's catalogue flasher (--place: the flasher and probe its bench file names), confirm the board runs it, then profile (--device: an emulated board started blank).", valueName: "firmware.elf"))
    var flash: String?

    @Option(help: ArgumentHelp("With --flash on a real board: the debug probe's serial number, or HOST:PORT of its GDB server.", valueName: "probe"))
    var probe: String?

    @OptionGroup var connection: CollectorConnection

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard target.hasBoard else { throw ValidationError("give the board's --port, --place NAME of a bench file, or --device NAME for an emulated board") }
        if flash != nil, target.firmware != nil { throw ValidationError("--flash names the firmware the run measures; leave out --firmware") }
        if probe != nil, flash == nil { throw ValidationError("--probe goes with --flash") }
    }

    func run() async throws {
        let stop = StopRequest()
        let guardian = InterruptGuard(stop: stop, note: "stopping the run; what was measured is stored as a partial run")
        let outcome = try reportingErrors { () throws(AgentError) in
            if let flash { return try target.flashThenProfile(flash, probe: probe, store: store, progress: !quiet && format == .table, stop: stop) }
            return try target.profile(store: store, progress: !quiet && format == .table, stop: stop)
        }
        guardian.cancel()
        Terminal.print(outcome.report.rendered(as: format))
        for warning in outcome.warnings { Terminal.note("edgeprof: warning: \(warning)") }
        if let upload {
            try await connection.send(outcome, to: upload)
        }
        if let signal = stop.signal {
            Terminal.error("interrupted: stored as partial run \(outcome.runID), which gates leave out")
            throw ExitCode(128 + signal)
        }
        if outcome.stored.run.status == .partial {
            Terminal.error("the run ended early (\(outcome.stored.run.partialReason ?? "incomplete")); stored as partial run \(outcome.runID), which gates leave out")
            throw ExitCode(ExitStatus.partialRun)
        }
    }
}

/// Which board to profile and how: shared by `profile` and `agent run`.
struct ProfileTarget: ParsableArguments {
    @Option(help: ArgumentHelp("The board's serial port or terminal, e.g. /dev/ttyACM0.", valueName: "path"))
    var port: String?

    @Option(help: ArgumentHelp("A board of the catalogue: alone, an emulated one EdgeProf starts (e.g. qemu-mps2-an386); with --port, the board on that port (its protocol and flasher; the class still follows what it announces).", valueName: "name"))
    var device: String?

    @Option(help: ArgumentHelp("A place of the bench file: its board and power monitor are found by identity, measured as the file says.", valueName: "name"))
    var place: String?

    @Option(help: ArgumentHelp("The bench file --place refers to (default: $EDGEPROF_BENCH_FILE); see docs/bench.md.", valueName: "bench.yaml"))
    var benchFile: String?

    @Option(help: ArgumentHelp("The registered model version the board carries.", valueName: "name@version"))
    var model: String?

    @OptionGroup var runOptions: RunOptions

    @Option(help: ArgumentHelp("The board's protocol with --port: edgeprof-link-v1 (default) or mlperf-tiny-dut (with --device, the catalogue says).", valueName: "name"))
    var `protocol`: String?

    @Option(help: "MLPerf Tiny boards: inferences per window (--iterations windows; the median throughput over them is reported).")
    var inferences: UInt32 = 20

    @Option(help: ArgumentHelp("MLPerf Tiny boards: the input tensor to upload (default: the bytes of --input).", valueName: "file"))
    var inputFile: String?

    @Option(help: ArgumentHelp("The firmware ELF the board runs: its flash and static RAM go into the evidence (automatic with --device).", valueName: "file"))
    var firmware: String?

    @Option(help: ArgumentHelp("Device class for the gate (default: what the board announces, else its board id).", valueName: "class"))
    var deviceClass: String?

    @Option(help: "Serial baud rate.")
    var baud = TransportOpener.defaultBaud

    @Option(help: ArgumentHelp("Seconds of silence after which a run is declared partial.", valueName: "seconds"))
    var timeout = 10.0

    @Option(help: ArgumentHelp("Measure energy with a PPK2 during the run: ppk2:PORT.", valueName: "ppk2:port"))
    var power: String?

    @Option(help: "With --power: the board's supply in mV.")
    var powerVdd = 3300

    @Option(help: "With --power: source (the PPK2 powers the board) or ampere.")
    var powerMode = PPK2Driver.Mode.source

    @Option(help: "With --power: the logic input the board raises during each inference (0-7).")
    var powerMark = 0

    @OptionGroup var catalogue: CatalogueOptions

    /// Whether a board was named (`agent run` may have none: it then only delivers its spool).
    var hasBoard: Bool { port != nil || device != nil || place != nil }

    /// --device alone: an emulated board whose emulator EdgeProf starts.
    var emulated: Bool { device != nil && port == nil }

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be above 0 and at most 3600 seconds, got \(timeout)") }
        guard place == nil || (port == nil && device == nil) else {
            throw ValidationError("give one board: its --port (and --device NAME for its catalogue entry), --place NAME of a bench file, or --device NAME for an emulated board")
        }
        if place != nil, power != nil {
            throw ValidationError("--place measures with the power monitor its bench file names; --power goes with --port")
        }
        if hasBoard, model == nil { throw ValidationError("profiling needs --model NAME@VERSION, the registered model the board carries") }
        if emulated, power != nil { throw ValidationError("--power measures real boards; an emulated board has no supply to measure") }
        if device != nil, `protocol` != nil {
            throw ValidationError("--protocol goes with --port; with --device the catalogue entry says the protocol")
        }
        if let name = `protocol`, !["edgeprof-link-v1", MLPerfProfileService.protocolName].contains(name) {
            throw ValidationError("--protocol must be edgeprof-link-v1 or mlperf-tiny-dut, got '\(name)'")
        }
    }

    /// Profiles the board (starting its emulator for --device) and stores the run; a requested
    /// `stop` ends a Link v1 run early and stores it as partial (MLPerf windows run to their end).
    func profile(store: StoreOptions, progress: Bool, stop: StopRequest) throws(AgentError) -> ProfileOutcome {
        if let place { return try profile(try resolvePlace(place), store: store, progress: progress, stop: stop) }
        guard let device, port == nil else {
            let entry = try device.map { name throws(AgentError) in try FlashTarget.board(device: name, port: nil, catalogue: catalogue.required()) }
            let size = try firmware.map(FirmwareFile.size(path:))
            if (`protocol` ?? entry?.protocolName) == MLPerfProfileService.protocolName {
                return try profileMLPerf(port: port ?? "", entry: entry, firmware: size, store: store, progress: progress)
            }
            let powerSetup = try power.map { argument throws(AgentError) in
                try PowerSetup(argument: argument, millivolts: powerVdd, mode: powerMode, markChannel: powerMark)
            }
            return try profileLink(
                port: port ?? "", baud: baud, deviceClass: deviceClass, power: powerSetup, place: nil, firmware: size, store: store, progress: progress,
                stop: stop)
        }
        let (entry, directory) = try catalogue.emulatedBoard(device)
        try checkFirmwareBeforeEmulating(entry, catalogueDirectory: directory)
        return try EmulatedBoard.running(entry, catalogueDirectory: directory, stop: stop) { board throws(AgentError) in
            try profile(running: board, entry: entry, catalogueDirectory: directory, store: store, progress: progress, stop: stop)
        }
    }

    /// Refuses firmware that is not an ELF before the emulator starts: QEMU would run it as raw
    /// bytes, lock up, and its crash would stand in for the real problem.
    func checkFirmwareBeforeEmulating(_ entry: CatalogueEntry, catalogueDirectory directory: String) throws(AgentError) {
        _ = try FirmwareFile.sizeIfPresent(path: firmware ?? EmulatedBoard.firmwarePath(of: entry, catalogueDirectory: directory))
    }

    /// Profiles an emulated board whose emulator is already running (`agent run` reconciles it first).
    /// `flashed` is the firmware a flash just put on it (a blank board's).
    func profile(
        running board: EmulatedBoard, entry: CatalogueEntry, catalogueDirectory directory: String, store: StoreOptions, progress: Bool, stop: StopRequest,
        flashed: String? = nil
    ) throws(AgentError) -> ProfileOutcome {
        let size = try FirmwareFile.sizeIfPresent(path: flashed ?? firmware ?? EmulatedBoard.firmwarePath(of: entry, catalogueDirectory: directory))
        if entry.protocolName == MLPerfProfileService.protocolName {
            return try profileMLPerf(port: board.path, entry: entry, firmware: size, store: store, progress: progress)
        }
        return try profileLink(
            port: board.path, baud: baud, deviceClass: deviceClass ?? entry.deviceClass, power: nil, place: nil, firmware: size, store: store,
            progress: progress, stop: stop)
    }

    private func profileMLPerf(port: String, entry: CatalogueEntry?, firmware: FirmwareSize?, store: StoreOptions, progress enabled: Bool) throws(AgentError) -> ProfileOutcome {
        let reference = try parseModelReference(model ?? "")
        var input = Array(runOptions.input.utf8)
        if let inputFile {
            guard let data = FileManager.default.contents(atPath: inputFile) else {
                throw .artifact(path: inputFile, problem: "cannot be read (missing or unreadable)")
            }
            input = Array(data)
        }
        let progress = ProgressLine(enabled: enabled)
        defer { progress.finish() }
        let request = MLPerfProfileService.Request(windows: runOptions.iterations, inferences: inferences, warmup: runOptions.warmup, input: input)
        return try MLPerfProfileService(store: try store.open(), leases: try LeaseService()).profile(
            port: port, baud: baud, model: reference, request: request, deviceClass: deviceClass, board: entry, firmware: firmware,
            progress: { done, total in
                progress.update(.iterationFinished(measured: done, warmup: Int(runOptions.warmup), discarded: 0, request: RunRequest(tokens: 0, iterations: UInt32(total), warmup: runOptions.warmup)))
            })
    }

    /// Profiles a bench file's place found among what is plugged in: its board measured by its
    /// monitor as the file says, the run naming the place and its wiring.
    /// `firmware` is the ELF just flashed, when there is one (else --firmware's).
    func profile(_ resolved: ResolvedPlace, firmware image: String? = nil, store: StoreOptions, progress: Bool, stop: StopRequest) throws(AgentError) -> ProfileOutcome {
        if let note = resolved.note { Terminal.note("edgeprof: \(note)") }
        return try profileLink(
            port: resolved.ports.board, baud: resolved.baud, deviceClass: deviceClass ?? resolved.place.deviceClass, power: resolved.power,
            place: resolved.place, firmware: try (image ?? firmware).map(FirmwareFile.size(path:)), store: store, progress: progress, stop: stop)
    }

    /// The place named by --place in the bench file, found among what is plugged in now.
    func resolvePlace(_ name: String) throws(AgentError) -> ResolvedPlace {
        try PlaceLookup.resolve(name, benchFile: benchFile, catalogue: try catalogue.required())
    }

    func profileLink(
        port: String, baud: Int, deviceClass: String?, power powerSetup: PowerSetup?, place: BenchPlace?, firmware: FirmwareSize?, store: StoreOptions,
        progress enabled: Bool, stop: StopRequest
    ) throws(AgentError) -> ProfileOutcome {
        let reference = try parseModelReference(model ?? "")
        var timeouts = LinkSession.Timeouts()
        timeouts.event = .milliseconds(Int64(timeout * 1000))
        let progress = ProgressLine(enabled: enabled)
        defer { progress.finish() }
        let service = ProfileService(store: try store.open(), catalogue: catalogue.loadIfAvailable(), leases: try LeaseService())
        return try service.profile(
            port: port, baud: baud, model: reference, request: runOptions.request, deviceClass: deviceClass,
            timeouts: timeouts, power: powerSetup, firmware: firmware, place: place, stop: stop, progress: progress.update)
    }
}

/// The run shape shared by `profile` and `demo`.
struct RunOptions: ParsableArguments {
    @Option(help: "Measured iterations.")
    var iterations: UInt32 = 20

    @Option(help: "Unmeasured warmup iterations before them.")
    var warmup: UInt32 = 2

    @Option(help: "Tokens to generate per iteration (0 for models that do not generate tokens).")
    var tokens: UInt32 = 16

    @Option(help: ArgumentHelp("Input or prompt id the firmware should use.", valueName: "id"))
    var input = "default"

    var request: RunRequest { RunRequest(input: input, tokens: tokens, iterations: iterations, warmup: warmup) }
}
