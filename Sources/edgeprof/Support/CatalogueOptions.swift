import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `--devices DIR`, the device catalogue, shared by the commands that match boards.
struct CatalogueOptions: ParsableArguments {
    @Option(name: .customLong("devices"), help: ArgumentHelp("The device catalogue directory (default: $EDGEPROF_DEVICES or the checkout's devices/).", valueName: "dir"))
    var directory: String?

    /// The catalogue, or nil (with a warning on stderr) when there is none or it is broken:
    /// commands that only consult it go on without it.
    func loadIfAvailable() -> DeviceCatalogue? {
        guard let directory = CatalogueLoader.locate(explicit: directory) else { return nil }
        do {
            return try CatalogueLoader.load(directory: directory)
        } catch {
            Terminal.note("edgeprof: warning: ignoring the device catalogue: \(error)")
            return nil
        }
    }

    /// The catalogue, or an error saying how to point at it (for commands that cannot go on without it).
    func required() throws(AgentError) -> DeviceCatalogue {
        guard let directory = CatalogueLoader.locate(explicit: directory) else {
            throw .invalidArgument("no device catalogue found. Fix: pass --devices DIR (the devices/ folder of a checkout) or set EDGEPROF_DEVICES")
        }
        do { return try CatalogueLoader.load(directory: directory) } catch { throw .invalidArgument("\(error)") }
    }

    /// The catalogue entry of an emulated board and the catalogue's directory (firmware paths
    /// are relative to it); errors say how to find a valid name.
    func emulatedBoard(_ name: String) throws(AgentError) -> (entry: CatalogueEntry, directory: String) {
        guard let directory = CatalogueLoader.locate(explicit: directory) else {
            throw .invalidArgument("no device catalogue found. Fix: pass --devices DIR (the devices/ folder of a checkout) or set EDGEPROF_DEVICES")
        }
        let catalogue: DeviceCatalogue
        do { catalogue = try CatalogueLoader.load(directory: directory) } catch { throw .invalidArgument("\(error)") }
        guard let entry = catalogue.entry(named: name) else {
            let emulated = catalogue.entries.filter { $0.emulator != nil }.map(\.name)
            throw .invalidArgument("no board '\(name)' in the catalogue \(directory); emulated boards: \(emulated.joined(separator: ", "))")
        }
        guard entry.emulator != nil else { throw .emulation(.notEmulated(board: name)) }
        return (entry, directory)
    }
}
