@testable import EdgeProfCore
import Foundation
import Testing

/// MLflow's search grammar as its client sends it: what parses, what each comparator keeps, and
/// that malformed or hostile text is a refusal naming the problem, never a crash.
@Suite struct MLflowFilterTests {
    typealias Key = MLflowFilter.Key

    @Test func parsesClausesJoinedByAnd() throws {
        let filter = try MLflowFilter(parsing: "name = 'kws' AND tags.team LIKE 'au%' and version_number >= 2 AND tags.`edgeprof.stage` != \"retired\"")
        #expect(filter.clauses.count == 4)
        #expect(filter.clauses[0] == .init(key: Key(namespace: nil, name: "name"), comparator: .equal, value: .string("kws")))
        #expect(filter.clauses[1].key == Key(namespace: "tags", name: "team"))
        #expect(filter.clauses[1].comparator == .like)
        #expect(filter.clauses[2].value == .number(2))
        #expect(filter.clauses[3] == .init(key: Key(namespace: "tags", name: "edgeprof.stage"), comparator: .notEqual, value: .string("retired")))
    }

    @Test func attributesAndListsParse() throws {
        let filter = try MLflowFilter(parsing: "attributes.run_id IN ('1', '2') AND metrics.latency_p95_ms<=12.5 AND run_id NOT IN ('3')")
        #expect(filter.clauses[0] == .init(key: Key(namespace: nil, name: "run_id"), comparator: .inList, value: .list(["1", "2"])))
        #expect(filter.clauses[1] == .init(key: Key(namespace: "metrics", name: "latency_p95_ms"), comparator: .lessOrEqual, value: .number(12.5)))
        #expect(filter.clauses[2].comparator == .notInList)
        #expect(try MLflowFilter(parsing: "   ").clauses.isEmpty)
    }

    @Test(arguments: [
        "name = 'a' OR name = 'b'", "name", "name =", "name = kws", "= 'x'", "name ! 'x'", "name = 'unterminated", "tags. = 'x'",
        "run_id IN 'x'", "name = ('a')", "run_id IN ('a' 'b')", "name = 'a' AND", "name ~ 'x'", "metrics.x > nan", "name NOT LIKE 'x'",
    ])
    func malformedFiltersAreRefused(text: String) {
        #expect(throws: MLflowFilterError.self) { try MLflowFilter(parsing: text) }
    }

    @Test func comparatorsKeepWhatTheyShould() throws {
        func keeps(_ text: String, _ value: String?, numeric: Bool = false) throws -> Bool {
            try MLflowFilter.matches(#require(MLflowFilter(parsing: text).clauses.first), value, numeric: numeric)
        }
        #expect(try keeps("name = 'kws'", "kws"))
        #expect(try !keeps("name = 'kws'", "KWS"))
        #expect(try keeps("name != 'kws'", "vision"))
        #expect(try keeps("tags.x != 'true'", nil), "an absent tag differs from anything")
        #expect(try !keeps("tags.x = 'true'", nil))
        #expect(try !keeps("tags.x LIKE '%'", nil))
        #expect(try keeps("version_number = 10", "10", numeric: true))
        #expect(try keeps("version_number > '9'", "10", numeric: true), "numbers compare as numbers, not text")
        #expect(try keeps("metrics.p95 < 3", "2.5", numeric: true))
        #expect(try !keeps("metrics.p95 < 3", "not a number", numeric: true))
        #expect(try keeps("run_id IN ('a', 'b')", "b"))
        #expect(try keeps("run_id NOT IN ('a')", "b"))
        #expect(try keeps("name ILIKE 'KW_'", "kws"))
        #expect(try !keeps("name LIKE 'KW_'", "kws"))
    }

    @Test func likeMatchesAsSQLDoes() {
        #expect(MLflowFilter.like("edge-kws", "edge-%", caseInsensitive: false))
        #expect(MLflowFilter.like("edge-kws", "%kws", caseInsensitive: false))
        #expect(MLflowFilter.like("edge-kws", "%-%", caseInsensitive: false))
        #expect(MLflowFilter.like("abc", "a_c", caseInsensitive: false))
        #expect(!MLflowFilter.like("abbc", "a_c", caseInsensitive: false))
        #expect(MLflowFilter.like("", "%", caseInsensitive: false))
        #expect(!MLflowFilter.like("", "_", caseInsensitive: false))
        #expect(MLflowFilter.like("aaa", "%a%a%a%", caseInsensitive: false))
        #expect(!MLflowFilter.like("aa", "%a%a%a%", caseInsensitive: false))
        #expect(MLflowFilter.like("Ünïcode", "ü%", caseInsensitive: true))
    }

    /// A pathological pattern on a long text stays linear-ish (the matcher never recurses).
    @Test func likeOnHostileInputTerminates() {
        let text = String(repeating: "a", count: 5000)
        #expect(!MLflowFilter.like(text, String(repeating: "%a", count: 200) + "b", caseInsensitive: false))
    }

    /// Random text never crashes the parser; it parses or is refused.
    @Test func randomTextNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab =!<>'\"`().,%_ANDLIKEINOT0123456789-tags.metrics ")
        for _ in 0..<5000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? " " })
            _ = try? MLflowFilter(parsing: text)
        }
        #expect(throws: MLflowFilterError.self) { try MLflowFilter(parsing: String(repeating: "a", count: 10_001)) }
    }

    @Test func orderByParsesAndSorts() throws {
        func version(_ number: String, _ name: String = "m", created: Int64 = 0) -> MLflowWire.ModelVersion {
            MLflowWire.ModelVersion(
                name: name, version: number, creationTimestamp: created, lastUpdatedTimestamp: 0, userId: "", currentStage: "None", description: "",
                source: "", runId: "", status: "READY", statusMessage: "", tags: [], runLink: "", aliases: [])
        }
        let versions = [version("2"), version("10"), version("1", "a")]
        #expect(try MLflowOrder([]).sorted(versions).map(\.version) == ["1", "10", "2"], "name ascending, then the newest version first")
        #expect(try MLflowOrder(["version_number ASC"]).sorted(versions).map(\.version) == ["1", "2", "10"])
        #expect(try MLflowOrder(["version_number DESC"]).sorted(versions).map(\.version) == ["10", "2", "1"])
        #expect(throws: MLflowFilterError.self) { try MLflowOrder(["flavor ASC"]) }
        #expect(throws: MLflowFilterError.self) { try MLflowOrder(["name SIDEWAYS"]) }
    }
}
