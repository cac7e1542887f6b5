import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof diag bundle -o FILE`: the support archive a field engineer sends home.
struct DiagBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write one support archive (.tar): system, ports, catalogue, leases, recent runs, a checksum manifest.")

    @Option(name: .shortAndLong, help: ArgumentHelp("The archive to write.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Also diagnose this port and include the result.", valueName: "port"))
    var port: String?

    @OptionGroup var store: StoreOptions

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        let bytes = try reportingErrors { () throws(AgentError) in
            let bundle = SupportBundle(
                store: try store.open(), catalogueDirectory: CatalogueLoader.locate(explicit: catalogue.directory),
                leases: try? LeaseService())
            let diagnosis = port.map { DiagnosticsService(catalogue: catalogue.loadIfAvailable()).diagnose(port: $0) }
            do throws(TarArchive.ArchiveError) {
                return try TarArchive.archive(bundle.entries(diagnosis: diagnosis), modifiedAt: Int(Date().timeIntervalSince1970))
            } catch {
                throw .invalidArgument(error.description)
            }
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
            Terminal.error("cannot write \(output): check that its directory exists and is writable")
            throw ExitCode(ExitStatus.ioError)
        }
        Terminal.print("wrote \(output) (\(bytes.count) bytes): extract with tar -xf, verify with sha256sum -c MANIFEST.sha256\n")
    }
}
