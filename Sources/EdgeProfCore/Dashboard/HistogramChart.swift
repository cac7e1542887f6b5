import Foundation

/// A run's latencies as a histogram (numpy's `bins="sqrt"`) with p50, p95 and p99 marked, as SVG.
public struct HistogramChart: Sendable {
    public var histogram: EqualWidthHistogram
    /// The percentiles to mark, by name (`p50`) and value.
    public var markers: [(name: String, value: Double)]
    public var unit: String

    public init(histogram: EqualWidthHistogram, markers: [(name: String, value: Double)], unit: String) {
        self.histogram = histogram
        self.markers = markers
        self.unit = unit
    }

    public func svg() -> String {
        let width = 720.0
        let height = 200.0
        let left = 56.0
        let right = 16.0
        let top = 16.0
        let bottom = 30.0
        guard let first = histogram.edges.first, let last = histogram.edges.last else { return "" }
        let xScale = AxisScale(covering: [first, last] + markers.map(\.value), floorAtZero: true)
        let yScale = AxisScale(covering: [0, Double(histogram.counts.max() ?? 1)], floorAtZero: true)
        func x(_ value: Double) -> Double { xScale.position(value, from: left, to: width - right) }
        func y(_ value: Double) -> Double { yScale.position(value, from: height - bottom, to: top) }
        func n(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = """
            <svg class="histogram" data-bins="\(histogram.counts.count)" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="latency histogram"><title>latency histogram (\(HTML.escape(unit)))</title>
            """
        for tick in yScale.ticks where tick >= 0 {
            svg += "<line class=\"grid\" x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(y(tick)))\" y2=\"\(n(y(tick)))\"/>"
            svg += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y(tick) + 4))\" text-anchor=\"end\">\(HTML.figure(tick))</text>"
        }
        for tick in xScale.ticks {
            svg += "<text class=\"tick\" x=\"\(n(x(tick)))\" y=\"\(n(height - 10))\" text-anchor=\"middle\">\(HTML.figure(tick))</text>"
        }
        for (index, count) in histogram.counts.enumerated() {
            let x0 = x(histogram.edges[index])
            let x1 = x(histogram.edges[index + 1])
            let y0 = y(Double(count))
            svg += """
                <rect class="bar" data-count="\(count)" x="\(n(x0))" y="\(n(y0))" width="\(n(max(x1 - x0 - 0.5, 0.5)))" \
                height="\(n(max(y(0) - y0, 0)))"><title>\(count) in \(HTML.figure(histogram.edges[index]))…\(HTML.figure(histogram.edges[index + 1])) \
                \(HTML.escape(unit))</title></rect>
                """
        }
        for (row, marker) in markers.enumerated() where marker.value.isFinite {
            let mx = x(marker.value)
            svg += """
                <line class="marker" data-percentile="\(HTML.escape(marker.name))" data-value="\(marker.value)" x1="\(n(mx))" x2="\(n(mx))" \
                y1="\(n(top))" y2="\(n(height - bottom))"><title>\(HTML.escape(marker.name)) \(HTML.figure(marker.value)) \(HTML.escape(unit))</title></line>\
                <text class="marker-label" x="\(n(mx + 3))" y="\(n(top + 10 + 12 * Double(row)))">\(HTML.escape(marker.name))</text>
                """
        }
        return svg + "</svg>"
    }
}
