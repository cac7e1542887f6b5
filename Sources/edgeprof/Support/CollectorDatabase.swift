import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfPostgres
import EdgeProfStore
import ServiceLifecycle

/// The collector's database from `--db`: a SQLite file, or `postgres://…` for a lab.
enum CollectorDatabase {
    /// The store, the services it needs running (PostgreSQL's client) and what to do before serving.
    struct Opened {
        var store: any CollectorStore
        var services: [any Service]
        var prepare: (@Sendable () async throws -> Void)?
    }

    static func open(_ options: StoreOptions) throws -> Opened {
        try reportingErrors { () throws(AgentError) in try opened(options) }
    }

    private static func opened(_ options: StoreOptions) throws(AgentError) -> Opened {
        do throws(StoreError) {
            if PostgresLocation.isPostgres(options.path) {
                let store = try PostgresCollectorStore(url: options.path)
                return Opened(store: store, services: [store.client], prepare: { try await store.migrate() })
            }
            return Opened(store: try SQLiteCollectorStore(path: options.path), services: [], prepare: nil)
        } catch {
            throw .store(error)
        }
    }

    /// Runs `body` on the store (starting and stopping PostgreSQL's client around it); store
    /// errors are reported with their fix and the matching exit code.
    static func using<T: Sendable>(_ options: StoreOptions, _ body: (any CollectorStore) async throws(AgentError) -> T) async throws -> T {
        try await reportingErrors { () async throws(AgentError) in try await attempt(options, body).get() }
    }

    /// `using` without reporting: the outcome, error included, for a command that must write
    /// something of its own when the store cannot be opened (a JUnit report, for instance).
    static func attempt<T: Sendable>(_ options: StoreOptions, _ body: (any CollectorStore) async throws(AgentError) -> T) async -> Result<T, AgentError> {
        let opened: Opened
        do { opened = try Self.opened(options) } catch { return .failure(error) }
        let runner = opened.services.first.map { service in Task { try await service.run() } }
        defer { runner?.cancel() }
        do throws(AgentError) {
            if let postgres = opened.store as? PostgresCollectorStore {
                do throws(StoreError) { try await postgres.migrate() } catch { throw .store(error) }
            }
            return .success(try await body(opened.store))
        } catch {
            return .failure(error)
        }
    }
}
