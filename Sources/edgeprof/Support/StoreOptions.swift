import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfStore

/// `--db PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (collector commands: or postgres://USER@HOST:PORT/DATABASE).", valueName: "path"))
    var db: String?

    var path: String { db ?? DataLocation.defaultDatabasePath() }

    func open() throws(AgentError) -> any EvidenceStore {
        do {
            return try SQLiteEvidenceStore(path: path)
        } catch {
            throw .store(error)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// Parses NAME@VERSION with the precise reason when it is malformed.
func parseModelReference(_ text: String) throws(AgentError) -> ModelReference {
    do {
        return try ModelReference(parsing: text)
    } catch {
        throw .invalidArgument(error.description)
    }
}
