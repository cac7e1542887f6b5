@testable import EdgeProfCore
import Foundation
import Testing

/// Per-device monitoring rules, pure: findings from runs, alert plans from findings, settings from YAML.
@Suite struct MonitoringRulesTests {
    static func stored(_ id: Int64, latency: UInt64, iterations: Int = 30, status: RunStatus = .complete, energy: UInt64? = 1_000_000) -> StoredRun {
        let run = RecordedRun(
            request: RunRequest(tokens: 1, iterations: UInt32(iterations), warmup: 0),
            board: BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: []),
            model: BoardModelInfo(model: "kws", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8"),
            iterations: (0..<iterations).map { i in
                let start = UInt64(i) * 10_000
                let jitter = UInt64(i % 3)
                return RecordedIteration(index: UInt32(i + 1), startTicks: start, endTicks: start + latency + jitter, tokenTicks: [start + latency + jitter], energyNanojoules: energy.map { $0 * (latency + jitter) / 10 })
            },
            warmupIterations: 0, discardedIterations: 0, totals: nil, status: status, partialReason: status == .partial ? "cut" : nil, link: LinkStatistics())
        return StoredRun(
            id: id, model: ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0)),
            context: RunContext(deviceClass: "m4", port: "p", startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1)), run: run)
    }

    func finding(_ findings: [MonitorFinding], _ rule: MonitorRule) -> MonitorFinding? { findings.first { $0.rule == rule } }

    @Test func aRunLikeItsBaselineIsClearAndARegressionFiresEveryRule() throws {
        let baseline = (1...5).map { Self.stored($0, latency: 30) }
        var settings = MonitorSettings()
        settings.driftMethods = [.ks, .psi]
        settings.p95AboveMs = 50
        settings.p95ConsecutiveRuns = 2
        let same = Self.stored(6, latency: 30)
        let calm = MonitorEvaluation.evaluate(current: same, baseline: baseline, recent: baseline + [same], settings: settings)
        for rule in [MonitorRule.latencyDriftKS, .latencyBand, .latencyRatio, .energyIncrease, .errorRate, .p95Above] {
            #expect(finding(calm, rule)?.state == .clear, "\(rule): \(finding(calm, rule)?.summary ?? "missing")")
        }

        let slow1 = Self.stored(7, latency: 80)
        let slow2 = Self.stored(8, latency: 80)
        let first = MonitorEvaluation.evaluate(current: slow1, baseline: baseline, recent: baseline + [same, slow1], settings: settings)
        #expect(finding(first, .p95Above)?.state == .inconclusive, "one run above is not yet two consecutive")
        let second = MonitorEvaluation.evaluate(current: slow2, baseline: baseline, recent: baseline + [same, slow1, slow2], settings: settings)
        for rule in [MonitorRule.latencyDriftKS, .latencyDriftPSI, .energyDriftKS, .latencyBand, .energyBand, .latencyRatio, .energyIncrease, .p95Above] {
            #expect(finding(second, rule)?.state == .firing, "\(rule): \(finding(second, rule)?.summary ?? "missing")")
        }
        #expect(finding(second, .latencyRatio)?.summary == "latency p95 82 ms is 2.562× the baseline median 32 ms (limit 2×)")
        #expect(finding(second, .latencyRatio)?.severity == .critical)
        #expect(finding(second, .latencyDriftKS)?.pValue.map { $0 < 1e-10 } == true)
    }

    @Test func tooLittleDataIsInconclusive() {
        let settings = MonitorSettings()
        let current = Self.stored(3, latency: 90, iterations: 5, energy: nil)
        let findings = MonitorEvaluation.evaluate(current: current, baseline: [Self.stored(1, latency: 30, iterations: 5)], recent: [current], settings: settings)
        #expect(finding(findings, .latencyDriftKS)?.state == .inconclusive)
        #expect(finding(findings, .latencyDriftKS)?.summary.contains("5 values on the smaller side; at least 20 are needed to decide") == true)
        #expect(finding(findings, .latencyBand)?.state == .inconclusive)
        #expect(finding(findings, .energyIncrease)?.state == .inconclusive)
        #expect(finding(findings, .errorRate)?.state == .inconclusive)
        #expect(finding(findings, .latencyRatio)?.state == .firing, "a ratio needs one reference run")
        #expect(finding(findings, .latencyDriftPSI) == nil, "PSI is off unless configured")
    }

    @Test func theErrorRateCountsRunsThatEndedEarly() {
        let atLimit = (1...10).map { Self.stored($0, latency: 30, status: $0 % 5 == 0 ? .partial : .complete) }
        let calm = MonitorEvaluation.evaluate(current: atLimit.last!, baseline: Array(atLimit.prefix(3)), recent: atLimit, settings: MonitorSettings())
        #expect(finding(calm, .errorRate)?.state == .clear, "20 % is not more than 20 %")
        let over = (1...10).map { Self.stored($0, latency: 30, status: $0 % 3 == 0 ? .partial : .complete) }
        let findings = MonitorEvaluation.evaluate(current: over.last!, baseline: Array(over.prefix(2)), recent: over, settings: MonitorSettings())
        #expect(finding(findings, .errorRate)?.state == .firing)
        #expect(finding(findings, .errorRate)?.summary == "3 of the last 10 runs ended early (30 %, limit 20 %)")
    }

    @Test func alertsAreOnePerRuleAndDeviceAndInconclusiveChangesNothing() {
        let key = MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "b:s")
        func f(_ rule: MonitorRule, _ state: FindingState) -> MonitorFinding {
            MonitorFinding(rule: rule, severity: rule.defaultSeverity, state: state, summary: "")
        }
        let live = [Alert(id: 4, rule: .latencyBand, severity: .high, key: key, state: .acknowledged, finding: f(.latencyBand, .firing),
                          openedAt: Date(), lastSeenAt: Date(), occurrences: 1, firstRunID: 1, lastRunID: 1),
                    Alert(id: 5, rule: .errorRate, severity: .high, key: key, state: .open, finding: f(.errorRate, .firing),
                          openedAt: Date(), lastSeenAt: Date(), occurrences: 1, firstRunID: 1, lastRunID: 1)]
        let changes = AlertPlanner.plan(
            findings: [f(.latencyRatio, .firing), f(.latencyBand, .firing), f(.errorRate, .clear), f(.energyBand, .clear), f(.latencyDriftKS, .inconclusive)],
            live: live)
        #expect(changes.opened.map(\.rule) == [.latencyRatio])
        #expect(changes.refreshed.map(\.id) == [4])
        #expect(changes.resolved == [5])
        #expect(AlertPlanner.plan(findings: [f(.errorRate, .inconclusive)], live: live).isEmpty)
    }

    @Test func bandsUseNumpysPopulationStandardDeviation() throws {
        // numpy: np.mean([81.1, 82.33, 81.07, 80.9]) = 81.35, np.std(...) = 0.570920309675527
        let band = try #require(StandardDeviationBand([81.1, 82.33, 81.07, 80.9], k: 3))
        #expect(band.mean == 81.35)
        #expect(abs(band.standardDeviation - 0.570920309675527) <= 1e-15)
        #expect(abs(band.upper - (81.35 + 3 * 0.570920309675527)) <= 1e-12)
        #expect(StandardDeviationBand([], k: 3) == nil)
    }

    @Test func settingsReadFromYAMLAndMistakesAreNamed() throws {
        let settings = try CollectorSettings.parse("""
            webhooks:
              - url: https://hooks.example/edgeprof
                min-severity: high
                secret: 0123456789abcdef
                headers: {X-Api-Key: k1}
                max-attempts: 3
            monitor:
              baseline-runs: 8
              drift-methods: [ks, psi]
              p95-above-ms: 12.5
              energy-increase: null
              severity:
                latency-band: critical
            """, file: "c.yaml")
        #expect(settings.webhooks == [WebhookTarget(
            url: "https://hooks.example/edgeprof", minimumSeverity: .high, secret: "0123456789abcdef", headers: ["X-Api-Key": "k1"], maximumAttempts: 3)])
        #expect(settings.webhooks[0].wants(.critical) && !settings.webhooks[0].wants(.medium))
        #expect(settings.monitor.baselineRuns == 8)
        #expect(settings.monitor.driftMethods == [.ks, .psi])
        #expect(settings.monitor.p95AboveMs == 12.5)
        #expect(settings.monitor.energyIncrease == nil, "null turns a rule off")
        #expect(settings.monitor.latencyRatio == 2, "defaults stay")
        #expect(settings.monitor.severity(of: .latencyBand) == .critical)
        let mistakes: [(String, String)] = [
            ("monitor:\n  baseline-run: 3\n", "c.yaml: unknown setting 'monitor.baseline-run'; did you mean 'baseline-runs'?"),
            ("webhook:\n  - url: http://x\n", "c.yaml: unknown setting 'webhook'; did you mean 'webhooks'?"),
            ("webhooks:\n  - url: ftp://x\n    secret: 0123456789abcdef\n", "c.yaml: webhooks: url 'ftp://x' is not an http(s) URL"),
            ("webhooks:\n  - url: http://x\n", "c.yaml: webhooks: http://x needs a secret (16 or more characters)"),
            ("webhooks:\n  - url: http://x\n    secret: short\n", "c.yaml: webhooks: http://x: secret must be at least 16 characters"),
            ("webhooks:\n  - url: http://x\n    secret: 0123456789abcdef\n    headers: {X-EdgeProf-Signature: forged}\n",
             "c.yaml: webhooks: http://x: header X-EdgeProf-Signature is set by the collector"),
            ("webhooks:\n  - url: http://x\n    secret: 0123456789abcdef\n    max-attempts: 0\n", "c.yaml: webhooks: http://x: max-attempts must be 1 to 100"),
            ("monitor:\n  alpha: 2\n", "c.yaml: monitor: alpha must lie between 0 and 1"),
            ("monitor:\n  severity:\n    latency-bandd: low\n", "c.yaml: does not read as the collector configuration"),
        ]
        for (text, message) in mistakes {
            let result = Result { () throws(ConfigError) in try CollectorSettings.parse(text, file: "c.yaml") }
            guard case .failure(let error) = result else { Issue.record("accepted: \(text)"); continue }
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}

extension MonitoringRulesTests {
    @Test func aPinNamesEnoughCompleteRunsOfItsOwnDevice() {
        let key = MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "b:s")
        let runs = (1...4).map { Self.stored(Int64($0), latency: 30) }
        func problem(_ ids: [Int64], found: [StoredRun]? = nil, reason: String = "new firmware", key: MonitorKey? = nil) -> String? {
            BaselinePin.problem(key: key ?? MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "b:s"), runIDs: ids, found: found ?? runs, reason: reason, minimum: 3)
        }
        #expect(problem([1, 2, 3]) == nil)
        #expect(problem([3, 1, 2, 2]) == nil, "order and repeats do not matter")
        #expect(problem([1, 2, 2]) == "runIDs: name at least 3 runs (the collector's min-baseline-runs); fewer leave the band checks inconclusive")
        #expect(problem([1, 2, 3], reason: " ") == "reason: say why these runs are the baseline")
        #expect(problem([1, 2, 9]) == "run 9 does not exist on this collector")
        #expect(problem([1, 2, 3], key: MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "b:t"))
            == "run 1 is kws@1.0.0 on b:s (m4), not kws@1.0.0 on b:t (m4): a baseline is of one model version on one device")
        let partial = runs.prefix(2) + [Self.stored(3, latency: 30, status: .partial)]
        #expect(problem([1, 2, 3], found: Array(partial)) == "run 3 is partial; only complete runs can be a baseline")
        #expect(problem(Array(1...201)).map { $0.hasPrefix("runIDs: at most") } == true)
        #expect(BaselinePin(key: key, runIDs: [3, 1, 3], pinnedBy: "ana", pinnedAt: Date(), reason: "x").runIDs == [1, 3])
    }
}

extension MonitoringRulesTests {
    @Test func aDeviceIsItsBoardAndSerial() {
        func split(_ device: String) -> [String] {
            let parts = MonitorKey(model: "m@1.0.0", deviceClass: "c", device: device).boardAndSerial
            return [parts.board, parts.serial]
        }
        #expect(split("nrf52840dk:683F1A") == ["nrf52840dk", "683F1A"])
        #expect(split("usb:1-2:3") == ["usb", "1-2:3"], "the serial keeps its own colons")
        #expect(split("board") == ["board", ""])
        #expect(split(":S1") == ["", "S1"])
    }
}

/// Webhook deliveries: the signature a receiver checks (equal to Python's `hmac` on the same
/// bytes), and what each answer means for a delivery.
@Suite struct WebhookPolicyTests {
    @Test func theSignatureIsHMACSHA256OfTimestampDotBody() {
        let body = Data(#"{"event":"alert.opened"}"#.utf8)
        // python3 -c "import hmac,hashlib; print(hmac.new(b'0123456789abcdef', b'1900000000.' + body, hashlib.sha256).hexdigest())"
        #expect(WebhookPolicy.signature(body: body, secret: "0123456789abcdef", timestamp: 1_900_000_000)
            == "sha256=3635f67568b33beca1576bdd317fb9ceba412f481c966c2c13ca9f3ef2304ed9")
        #expect(WebhookPolicy.signature(body: body, secret: "0123456789abcdef", timestamp: 1_900_000_001)
            != WebhookPolicy.signature(body: body, secret: "0123456789abcdef", timestamp: 1_900_000_000), "a replayed delivery carries its old time")
    }

    @Test func refusalsStopAtOnceAndFailuresAfterTheLastAttempt() {
        #expect(WebhookPolicy.outcome(status: 204, failure: nil, attempt: 1, maximumAttempts: 3) == .delivered)
        #expect(WebhookPolicy.outcome(status: 503, failure: nil, attempt: 1, maximumAttempts: 3) == .retry("HTTP 503"))
        #expect(WebhookPolicy.outcome(status: 429, failure: nil, attempt: 2, maximumAttempts: 3) == .retry("HTTP 429"))
        #expect(WebhookPolicy.outcome(status: nil, failure: "connection refused", attempt: 3, maximumAttempts: 3) == .dead("connection refused after 3 attempts"))
        guard case .dead(let reason) = WebhookPolicy.outcome(status: 400, failure: nil, attempt: 1, maximumAttempts: 8) else {
            Issue.record("a 400 is not retried")
            return
        }
        #expect(reason.hasPrefix("HTTP 400: the receiver refused the event"))
    }
}

/// Confirmation and hysteresis: one noisy run neither opens nor resolves an alert.
@Suite struct MonitorConfirmationTests {
    func finding(_ rule: MonitorRule, _ state: FindingState) -> MonitorFinding {
        MonitorFinding(rule: rule, severity: .high, state: state, summary: "s")
    }

    @Test func aRuleOpensAfterConfirmRunsAndResolvesAfterClearRuns() {
        let settings = MonitorSettings()
        let fire = [finding(.latencyBand, .firing)]
        let clear = [finding(.latencyBand, .clear)]
        #expect(MonitorConfirmation.confirm(history: [fire], settings: settings).first?.state == .inconclusive)
        #expect(MonitorConfirmation.confirm(history: [clear, fire, fire], settings: settings).first?.state == .inconclusive)
        let confirmed = MonitorConfirmation.confirm(history: [fire, fire, fire], settings: settings).first
        #expect(confirmed?.state == .firing && confirmed?.summary == "on 3 consecutive runs: s")
        let pending = MonitorConfirmation.confirm(history: [fire, fire, clear], settings: settings).first
        #expect(pending?.state == .inconclusive && pending?.summary.hasPrefix("clear on 1 consecutive run of the 2 that resolve an alert") == true)
        #expect(MonitorConfirmation.confirm(history: [fire, clear, clear], settings: settings).first?.state == .clear)
        #expect(MonitorConfirmation.confirm(history: [[], fire, fire, fire], settings: settings).first?.state == .firing, "baseline runs have no findings")
    }

    @Test func rulesWithTheirOwnWindowPassUnchanged() {
        let once = [finding(.errorRate, .firing), finding(.p95Above, .firing)]
        #expect(MonitorConfirmation.confirm(history: [once], settings: MonitorSettings()).map(\.state) == [.firing, .firing])
        var immediate = MonitorSettings()
        (immediate.confirmRuns, immediate.clearRuns) = (1, 1)
        #expect(MonitorConfirmation.confirm(history: [[finding(.latencyBand, .firing)]], settings: immediate).first?.state == .firing)
    }
}

/// The monitor's numbers in findings read exactly as `String(format: "%.4g")` wrote them, so
/// stored findings and alerts keep their text.
@Suite struct GeneralFormatTests {
    @Test func significantDigitsMatchFoundationsFormat() {
        var state: UInt64 = 0x1234_5678_9ABC_DEF0
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 9.9995, 99_995, 1e-5, 123_456_789, 1e300, -2.5e-308, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Double(bitPattern: state))
        }
        for value in values where value.isFinite {
            for digits in [1, 3, 4, 6, 17] {
                #expect(GeneralFormat.string(value, significantDigits: digits) == String(format: "%.\(digits)g", value), "\(value)")
            }
        }
    }
}
