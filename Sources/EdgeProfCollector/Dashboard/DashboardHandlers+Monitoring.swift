import EdgeProfAgent
import EdgeProfCore
import Foundation
import Hummingbird

/// The fleet's rollouts and a model's production monitoring.
extension DashboardHandlers {
    /// The newest A/B tests a monitoring page judges on the telemetry.
    static let judgedABTests = 3
    /// The drift checks a monitoring page draws, newest first.
    static let driftChecks = 5000

    func fleet(_ request: Request) async -> Response {
        await page(request) { signedIn in
            let status = try await governed { () async throws(AgentError) in try await FleetPlanner(store: store.registry).status(FleetQuery()) }
            return FleetView.page(status, viewer: signedIn.viewer, now: Date())
        }
    }

    func monitoring(_ request: Request, context: CollectorRequestContext) async -> Response {
        let name = Self.parameter(context, "name")
        return await page(request) { signedIn in
            do throws(ModelReferenceError) { try ModelReference.validate(name: name) } catch {
                throw Problem(status: .notFound, title: "No such model", message: error.description, back: "/models")
            }
            let service = GovernanceService(store: store.registry, actor: signedIn.viewer.actor, catalogue: nil)
            let drift = try await storeCall { () async throws(StoreError) in try await store.driftHistory(DriftHistoryQuery(model: name, limit: Self.driftChecks)) }
            let tests = try await governed { () async throws(AgentError) in try await service.abTests() }.filter { $0.model == name }.sorted { $0.id > $1.id }
            var lines: [MonitoringView.ABLine] = []
            for (index, test) in tests.enumerated() {
                var report: ABTestReport?
                if index < Self.judgedABTests {
                    let observations = try await storeCall { () async throws(StoreError) in try await store.inferenceObservations(model: test.model, since: test.startedAt) }
                    report = ABTestReport(test: test, observations: observations)
                }
                lines.append(.init(test: test, report: report))
            }
            let incidents = try await governed { () async throws(AgentError) in try await service.incidents() }.filter { $0.modelName == name }.sorted { $0.id > $1.id }
            return MonitoringView.page(model: name, drift: drift, abTests: lines, incidents: incidents, viewer: signedIn.viewer, now: Date())
        }
    }
}
