import EdgeProfCore
import Foundation
import Hummingbird

/// MLflow's tracking reads over the stored profile runs: experiments (one per model, plus the
/// Default one holding every run), run search and run lookup. An agent's token sees its bench's
/// runs only, as on `/v1/runs`.
extension MLflowHandlers {
    func tracking(_ call: Call) async throws -> Response {
        switch call.route {
        case .getExperimentByName:
            let name = try call.parameter("experiment_name")
            guard let experiment = try await experiments().first(where: { $0.name == name }) else {
                throw MLflowError.missing("experiment '\(name.prefix(80))' does not exist: each registered model with runs is one, and Default holds every run")
            }
            return MLflowEncoding.response(["experiment": experiment])
        case .getExperiment:
            let id = try call.parameter("experiment_id")
            guard let experiment = try await experiments().first(where: { $0.experimentId == id }) else {
                throw MLflowError.missing("no experiment with id \(id.prefix(40))")
            }
            return MLflowEncoding.response(["experiment": experiment])
        case .searchExperiments:
            let request = try MLflowEncoding.decode(MLflowRequests.SearchExperiments.self, call.body)
            var paging = call
            paging.query["max_results"] = request.maxResults.map { [String($0)] }
            paging.query["page_token"] = request.pageToken.map { [$0] }
            let (offset, limit) = try Self.page(paging, defaultLimit: 1000, maximum: 50_000)
            let filter = try MLflowFilter(parsing: request.filter ?? "")
            var found: [MLflowWire.Experiment] = []
            for experiment in try await experiments() {
                var keep = true
                for clause in filter.clauses {
                    guard clause.key == MLflowFilter.Key(namespace: nil, name: "name") else {
                        throw MLflowError.invalid("experiments are searched by name only, not \(clause.key)")
                    }
                    keep = keep && MLflowFilter.matches(clause, experiment.name, numeric: false)
                }
                if keep { found.append(experiment) }
            }
            return MLflowEncoding.response(Experiments(
                experiments: Array(found.dropFirst(offset).prefix(limit)), nextPageToken: Self.nextToken(offset, limit, found.count)))
        case .searchRuns:
            return try await searchRuns(call)
        case .getRun:
            let text = try call.parameter("run_id")
            guard let id = Int64(text), id > 0 else { throw MLflowError.missing("run '\(text.prefix(40))' not found: EdgeProf's run ids are whole numbers") }
            let page = try await storeCall { () async throws(StoreError) in try await store.runSummaries(RunQuery(bench: ownBench(call), after: id - 1, limit: 1)) }
            guard let run = page.first, run.id == id else { throw MLflowError.missing("run \(id) not found") }
            return MLflowEncoding.response(["run": MLflowRunView.run(run)])
        default:
            throw MLflowError("ENDPOINT_NOT_FOUND", "not a tracking endpoint")
        }
    }

    private struct Experiments: Encodable {
        var experiments: [MLflowWire.Experiment]
        var nextPageToken: String?
    }

    private struct Runs: Encodable {
        var runs: [MLflowWire.Run]
        var nextPageToken: String?
    }

    /// The Default experiment and one per registered model, created when its first version was.
    private func experiments() async throws -> [MLflowWire.Experiment] {
        let versions = try await storeCall { () async throws(StoreError) in try await store.registry.versionRecords() }
        var created: [String: Date] = [:]
        for record in versions { created[record.reference.name] = min(created[record.reference.name] ?? .distantFuture, record.model.registeredAt) }
        let first = created.values.min() ?? Date(timeIntervalSince1970: 0)
        return [MLflowRunView.experiment(model: nil, created: first)]
            + created.keys.sorted().map { MLflowRunView.experiment(model: $0, created: created[$0] ?? first) }
    }

    private func ownBench(_ call: Call) -> String? {
        call.grant.flatMap { $0.kind == .agent ? $0.bench : nil }
    }

    /// Runs in id order; the page token is the last id a page looked at.
    private func searchRuns(_ call: Call) async throws -> Response {
        let request = try MLflowEncoding.decode(MLflowRequests.SearchRuns.self, call.body)
        let filter = try MLflowFilter(parsing: request.filter ?? "")
        let limit = request.maxResults ?? 1000
        guard (1...50_000).contains(limit) else { throw MLflowError.invalid("max_results must be 1 to 50000, not \(limit)") }
        if let order = request.orderBy, !order.isEmpty {
            throw MLflowError.invalid("order_by is not supported for runs here: runs come back in the order they were stored (oldest first)")
        }
        var after: Int64 = 0
        if let token = request.pageToken, !token.isEmpty {
            guard let value = Int64(token), value >= 0 else { throw MLflowError.invalid("page_token '\(token.prefix(40))' was not given by this server") }
            after = value
        }
        let ids = Set(request.experimentIds ?? [])
        var models: Set<String>?
        if !ids.contains(MLflowRunView.defaultExperimentID) {
            let known = try await experiments().filter { ids.contains($0.experimentId) }.map(\.name)
            guard !known.isEmpty else { return MLflowEncoding.response(Runs(runs: [], nextPageToken: nil)) }
            models = Set(known)
        }
        var runs: [MLflowWire.Run] = []
        let bench = ownBench(call)
        while runs.count < limit {
            let page = try await storeCall { () async throws(StoreError) in try await store.runSummaries(RunQuery(bench: bench, after: after, limit: 500)) }
            guard let last = page.last else { return MLflowEncoding.response(Runs(runs: runs, nextPageToken: nil)) }
            for run in page {
                after = run.id
                let model = String(run.model.split(separator: "@").first ?? "")
                guard models?.contains(model) ?? true, try MLflowRunView.matches(filter, run) else { continue }
                runs.append(MLflowRunView.run(run))
                if runs.count == limit { break }
            }
            if page.count < 500, after == last.id { return MLflowEncoding.response(Runs(runs: runs, nextPageToken: nil)) }
        }
        return MLflowEncoding.response(Runs(runs: runs, nextPageToken: String(after)))
    }
}
