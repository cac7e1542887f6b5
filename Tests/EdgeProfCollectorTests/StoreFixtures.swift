import EdgeProfCore
import EdgeProfPostgres
import EdgeProfStore
import Foundation
import PostgresNIO

/// The collector's two stores behind one interface, each fresh: a new SQLite file, or a new
/// database on the PostgreSQL server the test script started ($EDGEPROF_TEST_POSTGRES_URL).
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    var description: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["EDGEPROF_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A store made for one test, with its model registered and a way to shut it down.
final class StoreUnderTest: Sendable {
    let store: any CollectorStore
    let model: RegisteredModel
    private let client: PostgresClient?
    private let runner: Task<Void, Never>?

    static func make(_ kind: StoreKind) async throws -> StoreUnderTest {
        let now = Date()
        let model = RegisteredModel(id: 0, reference: LiveCollector.reference, artifactSHA256: LiveCollector.sha, artifactPath: "/m.bin", artifactBytes: 3, registeredAt: now)
        switch kind {
        case .sqlite:
            let store = try SQLiteCollectorStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-contract-\(UUID()).sqlite").path)
            try store.registerDirectly(model, actor: "ana")
            return StoreUnderTest(store: store, model: try await store.models()[0], client: nil, runner: nil)
        case .postgres:
            guard let server = StoreKind.postgresURL else { throw PostgresMissing() }
            let database = "edgeprof_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await createDatabase(database, server: server)
            let url = PostgresLocation.url(server, database: database)
            let store = try PostgresCollectorStore(url: url)
            let runner = Task { await store.client.run() }
            try await store.migrate()
            let registered = try await store.registerModel(model, actor: "ana")
            return StoreUnderTest(store: store, model: registered, client: store.client, runner: runner)
        }
    }

    private init(store: any CollectorStore, model: RegisteredModel, client: PostgresClient?, runner: Task<Void, Never>?) {
        self.store = store
        self.model = model
        self.client = client
        self.runner = runner
    }

    func close() { runner?.cancel() }

    private static func createDatabase(_ name: String, server: String) async throws {
        guard case .success(let configuration) = PostgresLocation.configuration(server) else { throw PostgresMissing() }
        let admin = PostgresClient(configuration: configuration)
        let runner = Task { await admin.run() }
        defer { runner.cancel() }
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
    }
}

/// The PostgreSQL tests need the server `scripts/test` starts.
struct PostgresMissing: Error, CustomStringConvertible {
    var description: String {
        "EDGEPROF_TEST_POSTGRES_URL is not set: run the tests with ./scripts/test, which starts a PostgreSQL 15 server for them"
    }
}
