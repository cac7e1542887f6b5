import Foundation

/// One figure of a device's runs over time as server-rendered SVG: a point per run (linking to
/// the run's page), the band monitoring learned from the baseline runs, the runs that raised an
/// alert marked, and firmware changes drawn as vertical lines. No script: the page works in any
/// browser and its structure is what the browser tests read (`data-*` attributes).
public struct TrendChart: Sendable {
    /// One run's value (or a window's, with no run to link to).
    public struct Point: Sendable, Hashable {
        public var runID: Int64?
        public var at: Date
        public var value: Double
        /// The alerts this run raised or refreshed for this figure (`rule #id`), empty for none.
        public var alerts: [String]

        public init(runID: Int64?, at: Date, value: Double, alerts: [String] = []) {
            self.runID = runID
            self.at = at
            self.value = value
            self.alerts = alerts
        }
    }

    /// The device's firmware changing between two runs.
    public struct FirmwareChange: Sendable, Hashable {
        public var at: Date
        public var firmware: String

        public init(at: Date, firmware: String) {
            self.at = at
            self.firmware = firmware
        }
    }

    public var metric: String
    public var title: String
    public var unit: String
    public var points: [Point]
    public var band: LearnedBand?
    public var firmwareChanges: [FirmwareChange]
    /// A limit drawn as a dashed line (a drift check's threshold).
    public var threshold: Double?

    public init(
        metric: String, title: String, unit: String, points: [Point], band: LearnedBand? = nil, firmwareChanges: [FirmwareChange] = [],
        threshold: Double? = nil
    ) {
        self.metric = metric
        self.title = title
        self.unit = unit
        self.points = points.filter { $0.value.isFinite }
        self.band = band
        self.firmwareChanges = firmwareChanges
        self.threshold = threshold.flatMap { $0.isFinite ? $0 : nil }
    }

    static let width = 720.0
    static let height = 200.0
    static let left = 64.0
    static let right = 16.0
    static let top = 12.0
    static let bottom = 30.0

    /// The chart as an `<svg>` element, or a sentence saying there is nothing to draw.
    public func svg() -> String {
        guard !points.isEmpty else {
            return "<p class=\"empty\" data-metric=\"\(HTML.escape(metric))\">No \(HTML.escape(title.lowercased())) on these runs.</p>"
        }
        let yScale = AxisScale(covering: points.map(\.value) + (band.map { [$0.lower, $0.upper] } ?? []) + (threshold.map { [$0] } ?? []))
        let times = points.map { $0.at.timeIntervalSince1970 }
        let t0 = times.min() ?? 0
        let t1 = times.max() ?? 0
        let plotLeft = Self.left
        let plotRight = Self.width - Self.right
        let plotTop = Self.top
        let plotBottom = Self.height - Self.bottom
        func x(_ date: Date) -> Double {
            guard t1 > t0 else { return (plotLeft + plotRight) / 2 }
            return plotLeft + 6 + (date.timeIntervalSince1970 - t0) / (t1 - t0) * (plotRight - plotLeft - 12)
        }
        func y(_ value: Double) -> Double { yScale.position(value, from: plotBottom, to: plotTop) }
        func n(_ value: Double) -> String { String(format: "%.1f", value) }

        var svg = """
            <svg class="trend" data-metric="\(HTML.escape(metric))" data-points="\(points.count)" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" \
            role="img" aria-label="\(HTML.escape(title)) per run"><title>\(HTML.escape(title)) (\(HTML.escape(unit))) per run</title>
            """
        if let band {
            let upper = y(band.upper)
            let lower = y(band.lower)
            svg += """
                <rect class="band" data-lower="\(band.lower)" data-upper="\(band.upper)" x="\(n(plotLeft))" y="\(n(upper))" \
                width="\(n(plotRight - plotLeft))" height="\(n(max(lower - upper, 1)))"><title>learned band \(HTML.figure(band.lower))…\(HTML.figure(band.upper)) \
                \(HTML.escape(unit)) (baseline mean \(HTML.figure(band.mean)))</title></rect>
                """
        }
        for tick in yScale.ticks {
            let ty = y(tick)
            svg += "<line class=\"grid\" x1=\"\(n(plotLeft))\" x2=\"\(n(plotRight))\" y1=\"\(n(ty))\" y2=\"\(n(ty))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(plotLeft - 6))\" y=\"\(n(ty + 4))\" text-anchor=\"end\">\(HTML.figure(tick))</text>"
        }
        if let first = points.first?.at, let last = points.last?.at {
            svg += "<text class=\"tick\" x=\"\(n(plotLeft))\" y=\"\(n(Self.height - 8))\">\(HTML.escape(HTML.timestamp(first)))</text>"
            if last != first {
                svg += "<text class=\"tick\" x=\"\(n(plotRight))\" y=\"\(n(Self.height - 8))\" text-anchor=\"end\">\(HTML.escape(HTML.timestamp(last)))</text>"
            }
        }
        if let threshold {
            let ty = y(threshold)
            svg += "<line class=\"threshold\" data-threshold=\"\(threshold)\" x1=\"\(n(plotLeft))\" x2=\"\(n(plotRight))\" y1=\"\(n(ty))\" y2=\"\(n(ty))\">"
                + "<title>threshold \(HTML.figure(threshold)) \(HTML.escape(unit))</title></line>"
        }
        for change in firmwareChanges {
            let cx = x(change.at)
            svg += """
                <line class="firmware-change" data-firmware="\(HTML.escape(change.firmware))" x1="\(n(cx))" x2="\(n(cx))" y1="\(n(plotTop))" \
                y2="\(n(plotBottom))"><title>firmware \(HTML.escape(change.firmware)) from \(HTML.escape(HTML.timestamp(change.at)))</title></line>
                """
        }
        let line = points.map { "\(n(x($0.at))),\(n(y($0.value)))" }.joined(separator: " ")
        svg += "<polyline class=\"trend-line\" points=\"\(line)\"/>"
        for point in points {
            let outside = band.map { !$0.contains(point.value) } ?? false
            let classes = ["point"] + (point.alerts.isEmpty ? [] : ["alert"]) + (outside ? ["outside"] : [])
            let note = point.alerts.isEmpty ? "" : " · alert \(point.alerts.joined(separator: ", "))"
            let what = point.runID.map { "run \($0)" } ?? "window to"
            let circle = """
                <circle class="\(classes.joined(separator: " "))"\(point.runID.map { " data-run=\"\($0)\"" } ?? "") data-value="\(point.value)" \
                cx="\(n(x(point.at)))" cy="\(n(y(point.value)))" r="\(point.alerts.isEmpty ? 3.5 : 6)"><title>\(what) \(HTML.escape(HTML.timestamp(point.at))): \
                \(HTML.figure(point.value)) \(HTML.escape(unit))\(HTML.escape(note))</title></circle>
                """
            svg += point.runID.map { "<a href=\"/runs/\($0)\">\(circle)</a>" } ?? circle
        }
        svg += "<line class=\"axis\" x1=\"\(n(plotLeft))\" x2=\"\(n(plotLeft))\" y1=\"\(n(plotTop))\" y2=\"\(n(plotBottom))\"/>"
        svg += "<line class=\"axis\" x1=\"\(n(plotLeft))\" x2=\"\(n(plotRight))\" y1=\"\(n(plotBottom))\" y2=\"\(n(plotBottom))\"/>"
        return svg + "</svg>"
    }
}
