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
    let kind: StoreKind
    let store: any CollectorStore
    let model: RegisteredModel
    /// The SQLite file's path or the PostgreSQL database's URL.
    let address: String
    private let runner: Task<Void, Never>?

    static func make(_ kind: StoreKind) async throws -> StoreUnderTest {
        let now = Date()
        let model = RegisteredModel(id: 0, reference: LiveCollector.reference, artifactSHA256: LiveCollector.sha, artifactPath: "/m.bin", artifactBytes: 3, registeredAt: now)
        let address: String
        switch kind {
        case .sqlite:
            address = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-contract-\(UUID()).sqlite").path
        case .postgres:
            guard let server = StoreKind.postgresURL else { throw PostgresMissing() }
            let database = "edgeprof_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await createDatabase(database, server: server)
            address = PostgresLocation.url(server, database: database)
        }
        let fixture = try await open(kind, address, model: nil)
        let registered = try await fixture.store.registry.registerDirectly(model, actor: "ana")
        return StoreUnderTest(kind: kind, store: fixture.store, model: registered, address: address, runner: fixture.runner)
    }

    /// A second store on the same database, as a second collector instance would open it.
    func another() async throws -> StoreUnderTest {
        try await Self.open(kind, address, model: model)
    }

    private static func open(_ kind: StoreKind, _ address: String, model: RegisteredModel?) async throws -> StoreUnderTest {
        let placeholder = model ?? RegisteredModel(id: 0, reference: LiveCollector.reference, artifactSHA256: LiveCollector.sha, artifactPath: "", artifactBytes: 0, registeredAt: Date())
        switch kind {
        case .sqlite:
            return StoreUnderTest(kind: kind, store: try SQLiteCollectorStore(path: address), model: placeholder, address: address, runner: nil)
        case .postgres:
            let store = try PostgresCollectorStore(url: address)
            let runner = Task { await store.client.run() }
            try await store.migrate()
            return StoreUnderTest(kind: kind, store: store, model: placeholder, address: address, runner: runner)
        }
    }

    private init(kind: StoreKind, store: any CollectorStore, model: RegisteredModel, address: String, runner: Task<Void, Never>?) {
        self.kind = kind
        self.store = store
        self.model = model
        self.address = address
        self.runner = runner
    }

    func close() { runner?.cancel() }

    /// Runs SQL behind the store's back, as a person with the database's own client would; returns
    /// what the database said (its error message when it refused).
    func execute(_ sql: String) async throws -> String {
        switch kind {
        case .sqlite:
            return try Self.tool("/usr/bin/sqlite3", [address, sql])
        case .postgres:
            return try Self.tool("/usr/bin/psql", ["-q", "-v", "ON_ERROR_STOP=1", address, "-c", sql])
        }
    }

    private static func tool(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return said
    }

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
