import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof firmware`: what a firmware image takes.
struct FirmwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firmware", abstract: "Inspect firmware images.", subcommands: [FirmwareSizeCommand.self])
}

/// `edgeprof firmware size FILE.elf…`.
struct FirmwareSizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Flash, static RAM and stack/heap reservations of Cortex-M ELF files (text/data/bss as arm-none-eabi-size).")

    @Argument(help: "ELF files (32-bit ARM).")
    var files: [String]

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    func run() throws {
        let sizes = try reportingErrors { () throws(AgentError) in
            try files.map { file throws(AgentError) in (file, try FirmwareFile.size(path: file)) }
        }
        Terminal.print(FirmwareListing.rendered(sizes, as: format))
    }
}
