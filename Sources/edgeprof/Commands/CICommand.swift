import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof ci`: the job a CI pipeline with a board attached runs — flash the build, profile
/// it, gate this run, write the JUnit report, upload the run — with one exit code.
struct CICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci",
        abstract: "Flash, profile, gate this run, write JUnit, upload: the CI job in one command.",
        discussion: """
            Exit codes: 0 PASS, 1 FAIL, 2 INCONCLUSIVE. A flash or profile that fails exits with its error's \
            code (69 board, 3 partial run, …) and the gate does not run; when the gate passed but the upload did \
            not deliver, 74 (collector unreachable: the run waits in the spool) or 65 (refused). The JUnit \
            report is written in every case. docs/ci.md.
            """)

    @OptionGroup(title: "The board and the run") var target: ProfileTarget

    @Option(help: ArgumentHelp("Flash this firmware ELF first and confirm the board runs it (docs/flashing.md).", valueName: "firmware.elf"))
    var flash: String?

    @Option(help: ArgumentHelp("With --flash on a real board: the debug probe's serial number, or HOST:PORT of its GDB server.", valueName: "probe"))
    var probe: String?

    @Option(help: ArgumentHelp("Thresholds file (YAML) the run is gated against.", valueName: "file"))
    var thresholds = GateCheckCommand.defaultThresholds

    @Option(help: ArgumentHelp("Write the JUnit XML report here (steps and gate criteria).", valueName: "file"))
    var junit: String?

    @Option(name: .customLong("upload"), help: ArgumentHelp("Send the run to this collector (needs --token or $EDGEPROF_TOKEN).", valueName: "url"))
    var collector: String?

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @OptionGroup var connection: CollectorConnection

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard target.hasBoard else { throw ValidationError("give the board's --port, --place NAME of a bench file, or --device NAME for an emulated board") }
        if flash != nil, target.firmware != nil { throw ValidationError("--flash names the firmware the run measures; leave out --firmware") }
        if probe != nil, flash == nil { throw ValidationError("--probe goes with --flash") }
    }

    func run() async throws {
        let startedAt = Date()
        let job = await CIJob(command: self).run()
        let report = CIJobReport(
            model: target.model ?? "", startedAt: startedAt, hostname: ProcessInfo.processInfo.hostName, steps: job.steps, gate: job.gateSuite,
            gateExitCode: job.gateExitCode)
        if let junit { try GateCheckCommand.write(report.junit(), to: junit) }
        Terminal.print(job.rendered(format))
        let code = report.exitCode
        if code != 0 { throw ExitCode(code) }
    }
}
