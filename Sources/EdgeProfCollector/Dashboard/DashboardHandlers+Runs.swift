import EdgeProfCore
import Foundation
import Hummingbird

/// One run's page.
extension DashboardHandlers {
    func run(_ request: Request, context: CollectorRequestContext) async -> Response {
        let text = Self.parameter(context, "id")
        return await page(request) { signedIn in
            guard let id = Int64(text), id > 0, let stored = try await storeCall({ () async throws(StoreError) in try await store.run(id: id) }) else {
                throw Problem(status: .notFound, title: "No such run", message: "There is no run \(text).", back: "/")
            }
            let findings = try await storeCall { () async throws(StoreError) in try await store.findings(runID: id) }
            let bench = try await storeCall { () async throws(StoreError) in try await store.runSummaries(RunQuery(after: id - 1, limit: 1)) }.first?.bench
            return RunView.page(run: stored, bench: bench, findings: findings, viewer: signedIn.viewer)
        }
    }
}
