import ArgumentParser
import Foundation
import EdgeProfAgent
import EdgeProfCore
import EdgeProfPostgres
import EdgeProfStore

/// `--db PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (registry and collector commands: or postgres://USER@HOST:PORT/DATABASE).", valueName: "path"))
    var db: String?

    var path: String { db ?? DataLocation.defaultDatabasePath() }

    /// Whether --db names a lab's PostgreSQL database rather than a bench's SQLite file.
    var isLabDatabase: Bool { PostgresLocation.isPostgres(path) }

    /// Refuses a SQLite path where no database exists yet: a command that only reads must not
    /// create an empty database at a misspelled path and then report that it is empty.
    func requireExisting() throws(AgentError) {
        guard !isLabDatabase, !FileManager.default.fileExists(atPath: path) else { return }
        let named = db != nil || !(ProcessInfo.processInfo.environment["EDGEPROF_DB"] ?? "").isEmpty
        throw .governance(.notFound(
            named
                ? "there is no database at \(path). Fix: check --db (or $EDGEPROF_DB); commands that only read never create one"
                : "nothing is stored yet (no database at \(path)): register a model or profile a board first, or name another store with --db"))
    }

    /// The bench's SQLite store (profiling, runs, diagnostics).
    func open() throws(AgentError) -> any BenchStore {
        guard !isLabDatabase else {
            throw .invalidArgument("this command works on a bench's SQLite file; \(PostgresLocation.redacted(path)) is a lab's PostgreSQL. Fix: give --db a SQLite file, or upload runs to the lab's collector with --upload")
        }
        do {
            return try SQLiteEvidenceStore(path: path)
        } catch {
            throw .store(error)
        }
    }

    /// Runs `body` on the registry in --db (a SQLite file or a lab's PostgreSQL), reporting errors
    /// with their fix and exit code.
    func withRegistry<T: Sendable>(_ body: (any RegistryStore) async throws(AgentError) -> T) async throws -> T {
        try await CollectorDatabase.using(self) { database throws(AgentError) in try await body(database.registry) }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension ListFormat: ExpressibleByArgument {}

/// Parses NAME@VERSION with the precise reason when it is malformed.
func parseModelReference(_ text: String) throws(AgentError) -> ModelReference {
    do {
        return try ModelReference(parsing: text)
    } catch {
        throw .invalidArgument(error.description)
    }
}
