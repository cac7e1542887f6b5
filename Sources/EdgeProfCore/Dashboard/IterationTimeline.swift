import Foundation

/// A run's iterations as SVG: each measured iteration's latency in order (a bar per iteration),
/// and under it the token timeline — every token of every iteration at its time since the
/// iteration started, one row per iteration — so a slow start, a stall or a drifting token
/// rate shows at a glance.
public struct IterationTimeline: Sendable {
    /// One iteration: its latency and its tokens' times since its start, ms.
    public struct Iteration: Sendable, Hashable {
        public var index: UInt32
        public var latencyMs: Double
        public var tokenMs: [Double]
        public var energyMillijoules: Double?

        public init(index: UInt32, latencyMs: Double, tokenMs: [Double], energyMillijoules: Double?) {
            self.index = index
            self.latencyMs = latencyMs
            self.tokenMs = tokenMs
            self.energyMillijoules = energyMillijoules
        }
    }

    /// At most this many iterations are drawn as token rows (the first ones); the latency bars
    /// show every iteration.
    public static let tokenRows = 200

    public var iterations: [Iteration]

    public init(iterations: [Iteration]) {
        self.iterations = iterations
    }

    /// The run's iterations in milliseconds, from its device ticks (as `RunMetric` converts them).
    public init(run: RecordedRun) {
        let msPerTick = 1000 / Double(max(run.board.tickHz, 1))
        iterations = run.iterations.map { iteration in
            let ticks = iteration.endTicks >= iteration.startTicks ? iteration.endTicks - iteration.startTicks : 0
            return Iteration(
                index: iteration.index, latencyMs: Double(ticks) * msPerTick / Double(max(iteration.inferences ?? 1, 1)),
                tokenMs: iteration.tokenTicks.map { $0 >= iteration.startTicks ? Double($0 - iteration.startTicks) * msPerTick : 0 },
                energyMillijoules: iteration.energyNanojoules.map { Double($0) / 1e6 })
        }
    }

    func n(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Latency per iteration, a bar each.
    public func latencySVG() -> String {
        bars(class: "iterations", title: "latency per iteration", unit: "ms", values: iterations.map(\.latencyMs))
    }

    /// Energy per iteration, when the run measured it.
    public func energySVG() -> String? {
        let energies = iterations.compactMap(\.energyMillijoules)
        guard !energies.isEmpty else { return nil }
        return bars(class: "energy", title: "energy per iteration", unit: "mJ", values: iterations.map { $0.energyMillijoules ?? .nan })
    }

    private func bars(class name: String, title: String, unit: String, values: [Double]) -> String {
        let width = 720.0
        let height = 160.0
        let left = 56.0
        let right = 16.0
        let top = 12.0
        let bottom = 24.0
        let yScale = AxisScale(covering: [0] + values.filter(\.isFinite), floorAtZero: true)
        let step = (width - left - right) / Double(max(values.count, 1))
        func y(_ value: Double) -> Double { yScale.position(value, from: height - bottom, to: top) }
        var svg = """
            <svg class="\(name)" data-iterations="\(values.count)" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="\(title)"><title>\(title) (\(unit))</title>
            """
        for tick in yScale.ticks where tick >= 0 {
            svg += "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(tick)))\" y2=\"\(n(y(tick)))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y(tick) + 4))\" text-anchor=\"end\">\(HTML.figure(tick))</text>"
        }
        var path = ""
        for (offset, value) in values.enumerated() where value.isFinite {
            let x0 = left + Double(offset) * step
            path += "M\(n(x0)) \(n(y(0)))V\(n(y(value)))h\(String(format: "%.2f", max(step * 0.8, 0.4)))V\(n(y(0)))z"
        }
        svg += "<path class=\"bars\" d=\"\(path)\"/>"
        svg += "<text class=\"tick\" x=\"\(n(left))\" y=\"\(n(height - 6))\">iteration 1</text>"
        svg += "<text class=\"tick\" x=\"\(n(width - right))\" y=\"\(n(height - 6))\" text-anchor=\"end\">\(values.count)</text>"
        return svg + "</svg>"
    }

    /// Every token of the first `tokenRows` iterations at its time since the iteration's start.
    public func tokensSVG() -> String? {
        let rows = Array(iterations.prefix(Self.tokenRows))
        let tokens = rows.reduce(0) { $0 + $1.tokenMs.count }
        guard tokens > 0 else { return nil }
        let width = 720.0
        let left = 56.0
        let right = 16.0
        let rowHeight = rows.count > 100 ? 2.0 : 4.0
        let height = 34 + Double(rows.count) * rowHeight
        let xScale = AxisScale(covering: [0] + rows.flatMap(\.tokenMs) + rows.map(\.latencyMs), floorAtZero: true)
        func x(_ value: Double) -> Double { xScale.position(value, from: left, to: width - right) }
        var svg = """
            <svg class="tokens" data-tokens="\(tokens)" data-rows="\(rows.count)" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="token timeline"><title>tokens since each iteration's start (ms), one row per iteration</title>
            """
        var path = ""
        for (row, iteration) in rows.enumerated() {
            let y = 8 + Double(row) * rowHeight
            for token in iteration.tokenMs { path += "M\(n(x(token))) \(n(y))v\(n(max(rowHeight - 0.5, 1)))" }
        }
        svg += "<path class=\"token-marks\" d=\"\(path)\"/>"
        for tick in xScale.ticks where tick >= 0 {
            svg += "<text class=\"tick\" x=\"\(n(x(tick)))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(HTML.figure(tick))</text>"
        }
        return svg + "</svg>"
    }
}
