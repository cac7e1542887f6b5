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
}
