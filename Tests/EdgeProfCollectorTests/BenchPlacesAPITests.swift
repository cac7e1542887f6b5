@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Logging
import Testing

/// Issue 19: agents report their bench's places; the collector lists them with their state,
/// raises `place-unhealthy` as a failing report arrives and `place-silent` when a place stops
/// reporting, and resolves both when the place reports healthy again. On both stores.
@Suite(.serialized) struct BenchPlacesAPITests {
    static func report(_ places: [[String: Any]], bench: String = "bench-1", stopping: Bool = false) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["bench": bench, "spoolDepth": 0, "places": places, "stopping": stopping])
    }

    static func place(_ name: String, problem: String? = nil, every: Double = 60) -> [String: Any] {
        var place: [String: Any] = ["place": name, "deviceClass": "sim-cortex-m4", "wiring": "board edgeprof-sim serial \(name)", "rounds": 2, "failures": 0, "everySeconds": every]
        if let problem { place["problem"] = problem }
        return place
    }

    static func openAlerts(_ collector: LiveCollector) async throws -> [[String: Any]] {
        let listed = try await collector.request(.GET, "/v1/alerts?state=open", token: collector.personToken)
        return (try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]]) ?? []
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func placesAreListedAlertedWhenFailingOrSilentAndResolved(kind: StoreKind) async throws {
        // The collector's own sweeps (wall clock) stay out of the way of this test's, in the future.
        let collector = try await LiveCollector.start(on: kind, watcherSweep: .seconds(86_400))
        defer { Task { await collector.stop() } }
        let sent = try await collector.request(
            .POST, "/v1/agents/report", token: collector.agentToken,
            body: try Self.report([Self.place("shelf-1"), Self.place("shelf-2", problem: "its board (edgeprof-sim) with serial S2 is not plugged in")]))
        #expect(sent.status == 204, "\(sent.body)")
        let listed = try await collector.request(.GET, "/v1/benches/places", token: collector.personToken)
        let places = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]])
        #expect(places.map { "\($0["bench"] ?? "")/\($0["place"] ?? "")" } == ["bench-1/shelf-1", "bench-1/shelf-2"])
        #expect(places.map { $0["state"] as? String } == ["reporting", "reporting"] && places.map { $0["healthy"] as? Bool } == [true, false])
        #expect((places[1]["openAlerts"] as? [String]) == ["place-unhealthy"], "the failing report is alerted on as it arrives: \(listed.body)")
        #expect(try await Self.openAlerts(collector).map { $0["rule"] as? String } == ["place-unhealthy"])

        let watcher = PlaceWatcher(store: collector.store, logger: Logger(label: "place-test"), sweep: .seconds(3600))
        await watcher.sweepAll(now: Date().addingTimeInterval(181))
        let silent = try await Self.openAlerts(collector)
        #expect(Set(silent.compactMap { $0["rule"] as? String }) == ["place-unhealthy", "place-silent"], "\(silent)")
        #expect(silent.filter { $0["rule"] as? String == "place-silent" }.count == 2, "both places went quiet")

        let back = try await collector.request(
            .POST, "/v1/agents/report", token: collector.agentToken, body: try Self.report([Self.place("shelf-1"), Self.place("shelf-2")]))
        #expect(back.status == 204)
        await watcher.sweepAll()
        #expect(try await Self.openAlerts(collector).isEmpty, "reporting and healthy again: every place alert resolved")
        let resolved = try await collector.request(.GET, "/v1/alerts?state=resolved", token: collector.personToken)
        #expect(resolved.body.contains("place-silent") && resolved.body.contains("place-unhealthy"))

        let stopped = try await collector.request(.POST, "/v1/agents/report", token: collector.agentToken, body: try Self.report([Self.place("shelf-1")], stopping: true))
        #expect(stopped.status == 204)
        await watcher.sweepAll(now: Date().addingTimeInterval(86_400))
        #expect(try await Self.openAlerts(collector).map { $0["key"] as? [String: Any] }.compactMap { $0?["device"] as? String } == ["bench-1/shelf-2"],
                "a place whose agent stopped on purpose is not silent; the other one still is")
    }

    @Test func aReportIsCheckedAndOnlyItsOwnBenchIsReported() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let foreign = try await collector.request(.POST, "/v1/agents/report", token: collector.agentToken, body: try Self.report([Self.place("p")], bench: "bench-2"))
        #expect(foreign.status == 403, "\(foreign.body)")
        let twice = try await collector.request(.POST, "/v1/agents/report", token: collector.agentToken, body: try Self.report([Self.place("p"), Self.place("p")]))
        #expect(twice.status == 422 && twice.errorMessage == "places[1].place: 'p' is reported twice", "\(twice.body)")
        let absurd = try await collector.request(.POST, "/v1/agents/report", token: collector.agentToken, body: try Self.report([Self.place("p", every: 1e12)]))
        #expect(absurd.status == 422 && absurd.errorMessage?.contains("everySeconds") == true, "\(absurd.body)")
        let person = try await collector.request(.POST, "/v1/agents/report", token: collector.personToken, body: try Self.report([Self.place("p")]))
        #expect(person.status == 403, "only a bench's agent reports its places: \(person.body)")
        let listed = try await collector.request(.GET, "/v1/benches/places", token: collector.personToken)
        #expect(listed.body == "[]", "nothing refused was kept: \(listed.body)")
    }
}
