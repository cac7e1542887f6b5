import EdgeProfCore
import EdgeProfPostgres
import EdgeProfStore
import Foundation
import Testing

/// Issue 13: a database written by a newer schema aborted with `try!` and a backtrace. Both stores
/// now refuse it in words and leave it untouched.
@Suite(.serialized) struct NewerSchemaTests {
    @Test(arguments: CollectorStoreContractTests.kinds) func aDatabaseFromANewerEdgeprofIsRefusedInWords(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        switch kind {
        case .sqlite: _ = try await fixture.execute("INSERT INTO grdb_migrations VALUES ('v99: from the future');")
        case .postgres: _ = try await fixture.execute("INSERT INTO edgeprof_migration VALUES (99, now());")
        }
        var refusal: StoreError?
        do throws(StoreError) {
            switch kind {
            case .sqlite:
                _ = try SQLiteCollectorStore(path: fixture.address)
            case .postgres:
                let store = try PostgresCollectorStore(url: fixture.address)
                let runner = Task { await store.client.run() }
                defer { runner.cancel() }
                try await store.migrate()
            }
        } catch {
            refusal = error
        }
        guard case .newerSchema(_, let found, _) = refusal else { Issue.record("opened: \(String(describing: refusal))"); return }
        #expect(found == (kind == .sqlite ? "v99: from the future" : "99"))
        #expect(refusal?.description.contains("was written by a newer edgeprof") == true)
    }
}
