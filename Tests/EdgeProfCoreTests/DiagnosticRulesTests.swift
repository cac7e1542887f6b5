import EdgeProfCore
import Testing

@Suite struct DiagnosticRulesTests {
    typealias Sample = DiagnosticRules.PingSample

    @Test func clockDriftFromTwoPings() throws {
        // 2 s of host time between midpoints; the device counted 2.004 s: +2000 ppm.
        let first = Sample(sentAt: 1.0, receivedAt: 1.002, deviceTicks: 1_000_000)
        let last = Sample(sentAt: 3.0, receivedAt: 3.002, deviceTicks: 3_004_000)
        let drift = try #require(DiagnosticRules.clockDrift(first: first, last: last, tickHz: 1_000_000))
        #expect(abs(drift.ppm - 2000) < 1e-6)
        #expect(abs(drift.uncertaintyPPM - 1000) < 1e-6, "(2 ms + 2 ms) / 2 over 2 s")
        #expect(DiagnosticRules.clockCheck(first: first, last: last, tickHz: 1_000_000).verdict == .warn)
        let precise = Sample(sentAt: 3.0, receivedAt: 3.002, deviceTicks: 3_000_100)
        #expect(DiagnosticRules.clockCheck(first: first, last: precise, tickHz: 1_000_000).verdict == .ok)
        let wrongTickRate = Sample(sentAt: 3.0, receivedAt: 3.002, deviceTicks: 5_000_000)
        #expect(DiagnosticRules.clockCheck(first: first, last: wrongTickRate, tickHz: 1_000_000).verdict == .fail)
        let stopped = Sample(sentAt: 3.0, receivedAt: 3.002, deviceTicks: 1_000_000)
        #expect(DiagnosticRules.clockCheck(first: first, last: stopped, tickHz: 1_000_000).verdict == .fail, "a stopped clock is −1 000 000 ppm")
    }

    @Test func linkQualityVerdicts() {
        let clean = Array(repeating: 0.001, count: 20)
        #expect(DiagnosticRules.linkQuality(roundTrips: clean, sent: 20, droppedLines: 0, lostLines: 0).verdict == .ok)
        #expect(DiagnosticRules.linkQuality(roundTrips: Array(clean.prefix(19)), sent: 20, droppedLines: 0, lostLines: 0).verdict == .fail, "5 % lost")
        #expect(DiagnosticRules.linkQuality(roundTrips: clean + clean + clean, sent: 60, droppedLines: 1, lostLines: 0).verdict == .warn)
        #expect(DiagnosticRules.linkQuality(roundTrips: [], sent: 20, droppedLines: 0, lostLines: 0).verdict == .fail)
        #expect(DiagnosticRules.linkQuality(roundTrips: Array(repeating: 0.08, count: 20), sent: 20, droppedLines: 0, lostLines: 0).verdict == .warn)
    }

    @Test func catalogueAgreement() throws {
        let entry = try CatalogueEntryParser.parse(yaml: """
            kind: board
            name: b
            title: B
            vendor: V
            mcu: M
            clock-hz: 64000000
            ram-bytes: 262144
            flash-bytes: 1048576
            device-class: c
            transport: pty
            protocol: edgeprof-link-v1
            """, file: "b.yaml", expectedName: "b")
        var board = BoardInfo(protocolVersion: 1, board: "b", serial: "1", firmwareVersion: "1", firmwareBuild: "x", clockHz: 64_000_000, tickHz: 1, ramBytes: 262_144, flashBytes: 1_048_576, capabilities: [])
        #expect(DiagnosticRules.catalogueCheck(board: board, entry: entry).verdict == .ok)
        board.ramBytes = 131_072
        let mismatch = DiagnosticRules.catalogueCheck(board: board, entry: entry)
        #expect(mismatch.verdict == .warn)
        #expect(mismatch.measured == "RAM 131072 B announced, 262144 B in the catalogue")
        #expect(DiagnosticRules.catalogueCheck(board: board, entry: nil).hint?.contains("devices/boards/b.yaml") == true)
    }
}
