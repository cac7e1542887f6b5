import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation

/// `edgeprof power`: power monitors.
struct PowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power", abstract: "Record and analyze power captures (Nordic PPK2).",
        subcommands: [PowerRecordCommand.self, PowerAnalyzeCommand.self])
}

/// `edgeprof power record --ppk2 PORT`: a capture reduced as it streams, optionally kept raw.
struct PowerRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Capture from a PPK2: energy, average and peak power, per-window energy.",
        discussion: "Exit codes: 0 the figures hold, 2 INCONCLUSIVE (no samples, samples lost, invalid ranges or saturation; the output says which).")

    @Option(help: ArgumentHelp("The PPK2's serial port.", valueName: "port"))
    var ppk2: String

    @Option(help: "How long to capture, in seconds.")
    var seconds = 10.0

    @Option(help: "Supply voltage in mV (source mode: the PPK2 powers the board at it).")
    var vdd = 3300

    @Option(help: "source: the PPK2 powers the board; ampere: it measures a board powered elsewhere.")
    var mode = PPK2Driver.Mode.source

    @Option(help: ArgumentHelp("Logic input (0-7) high during each inference, or none.", valueName: "channel"))
    var mark = "0"

    /// The mark input --mark names; nil for none (`-1`, the older spelling, too).
    private var markChannel: Int? { Int(mark).flatMap { $0 >= 0 ? $0 : nil } }

    @Option(help: ArgumentHelp("Also keep the raw samples in this file (power analyze reads it).", valueName: "file"))
    var raw: String?

    @Option(help: "Output format: table, json or csv (windows).")
    var format = ReportFormat.table

    func validate() throws {
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be between 0 and 86400") }
        guard mark == "none" || mark == "-1" || Int(mark).map({ (0...7).contains($0) }) == true else {
            throw ValidationError("--mark must be a logic input 0-7, or none; got \(mark)")
        }
    }

    func run() throws {
        let report = try reportingErrors { () throws(AgentError) in
            let transport: any ByteTransport
            do throws(TransportError) { transport = try TransportOpener.open(path: ppk2) } catch { throw .transport(error) }
            defer { transport.close() }
            let driver = PPK2Driver(transport: transport)
            let metadata = try driver.readMetadata()
            try driver.configure(mode: mode, millivolts: vdd)
            let channel = markChannel
            let volts = Double(vdd) / 1000
            let rawFile = try raw.map { path throws(AgentError) in try PowerCaptureWriter.open(path, header: PowerCaptureHeader(volts: volts, metadata: metadata, markChannel: channel)) }
            defer { try? rawFile?.close() }
            var analyzer = PowerAnalyzer(metadata: metadata, volts: volts, markChannel: channel)
            let progress = ProgressLine(enabled: format == .table)
            defer { progress.finish() }
            let result = try driver.capture(seconds: seconds, into: &analyzer, raw: rawFile, progress: progress.fraction)
            if result.stalled { Terminal.note("edgeprof: warning: the PPK2 stopped streaming; the capture ended early") }
            return analyzer.report
        }
        Terminal.print(report.rendered(as: format))
        if report.total.inconclusiveReason != nil { throw ExitCode(ExitStatus.gateInconclusive) }
    }
}

/// `edgeprof power analyze FILE`: the same figures from a raw capture, in constant memory.
struct PowerAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze", abstract: "Analyze a raw capture written by power record --raw.",
        discussion: "Exit codes: 0 the figures hold, 2 INCONCLUSIVE (no samples, samples lost, invalid ranges or saturation; the output says which), 64 bad options, 65 an unreadable capture.")

    @Argument(help: "The raw capture file.")
    var file: String

    @Option(help: ArgumentHelp("Logic input (0-7) marking windows; default: the one recorded.", valueName: "channel"))
    var mark: Int?

    @Option(help: "Output format: table, json or csv (windows).")
    var format = ReportFormat.table

    func validate() throws {
        if let mark, !(0...7).contains(mark) { throw ValidationError("--mark must be a logic input 0-7, got \(mark)") }
    }

    func run() throws {
        let report = try reportingErrors { () throws(AgentError) in try PowerCaptureReader.analyze(path: file, markChannel: mark) }
        Terminal.print(report.rendered(as: format))
        if report.total.inconclusiveReason != nil { throw ExitCode(ExitStatus.gateInconclusive) }
    }
}

extension PPK2Driver.Mode: ExpressibleByArgument {}
