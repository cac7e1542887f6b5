@testable import EdgeProfCore
import Foundation
import Testing

/// The dashboard's pure parts: escaping, form decoding, axes and the SVG charts the browser
/// tests read by their `data-*` attributes.
struct DashboardRenderingTests {
    @Test func escapingLeavesNoMarkupAndNoControlCharacters() {
        let hostile = "<script>alert('x')</script> & \"quoted\" \u{0}\u{1B}[31m"
        let escaped = HTML.escape(hostile)
        #expect(escaped == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot; \u{FFFD}\u{FFFD}[31m")
        #expect(!escaped.contains("<") && !escaped.contains(">") && !escaped.contains("\""))
        #expect(HTML.escape("ünïcödé\tand\nlines") == "ünïcödé\tand\nlines")
        #expect(HTML.pathSegment("b:s/../x?y#z") == "b%3As%2F..%2Fx%3Fy%23z")
    }

    @Test func formsDecodeAsBrowsersEncodeThem() {
        let fields = FormEncoding.fields("csrf=ab12&reason=looks+fine%2C+50%25+%2B+more&reason=second&empty=&=novalue&flag")
        #expect(fields["csrf"] == ["ab12"])
        #expect(fields["reason"] == ["looks fine, 50% + more", "second"])
        #expect(fields["empty"] == [""] && fields["flag"] == [""] && fields[""] == nil)
        #expect(FormEncoding.firstValues("a=1&a=2")["a"] == "1")
        #expect(FormEncoding.firstValues("bad=%zz%")["bad"] == "%zz%", "a malformed escape is kept as sent, never a crash")
        #expect(FormEncoding.fields(nil).isEmpty)
    }

    @Test func axesAreNiceAndCoverTheirValues() {
        let scale = AxisScale(covering: [26.5, 35.9, 70])
        #expect(scale.lower <= 26.5 && scale.upper >= 70)
        #expect(scale.ticks.first == scale.lower && scale.ticks.count >= 3 && scale.ticks.count <= 12)
        let steps = Set(zip(scale.ticks, scale.ticks.dropFirst()).map { ($1 - $0).rounded() })
        #expect(steps.count == 1, "evenly spaced: \(scale.ticks)")
        let flat = AxisScale(covering: [5, 5])
        #expect(flat.lower < 5 && flat.upper > 5)
        #expect(AxisScale(covering: [0, 7], floorAtZero: true).lower == 0)
        #expect(AxisScale(covering: [-3, 7], floorAtZero: true).lower < -3, "a negative value keeps the axis below zero")
        #expect(AxisScale(covering: [.nan, .infinity]).ticks.count >= 2, "nothing finite: a unit axis, never a trap")
        #expect(AxisScale(covering: [1e-300, 2e-300]).ticks.count <= 50)
        #expect(scale.position(scale.lower, from: 100, to: 0) == 100 && scale.position(scale.upper, from: 100, to: 0) == 0)
    }

    @Test func aTrendChartDrawsAPointPerRunTheBandAndTheAlerts() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let points = (1...9).map { (index: Int) -> TrendChart.Point in
            let value: Double = index == 9 ? 70 : 30 + Double(index % 3)
            let alerts: [String] = index == 9 ? ["latency-band #5"] : []
            return TrendChart.Point(runID: Int64(index), at: start.addingTimeInterval(Double(index) * 60), value: value, alerts: alerts)
        }
        let band = LearnedBand(lower: 26.5, upper: 35.9, mean: 31.2, isFloored: true)
        let svg = TrendChart(
            metric: "latency-p95", title: "Latency p95", unit: "ms", points: points + [TrendChart.Point(runID: 10, at: start, value: .nan)], band: band,
            firmwareChanges: [.init(at: start.addingTimeInterval(300), firmware: "2.0<b>")]
        ).svg()
        #expect(svg.components(separatedBy: "<circle class=\"point").count - 1 == 9, "one point per run; a NaN figure is not drawn")
        #expect(svg.contains("data-points=\"9\""))
        #expect(svg.contains("<rect class=\"band\" data-lower=\"26.5\" data-upper=\"35.9\""))
        #expect(svg.contains("class=\"point alert outside\" data-run=\"9\" data-value=\"70.0\""))
        #expect(svg.contains("<a href=\"/runs/9\">"))
        #expect(svg.contains("data-firmware=\"2.0&lt;b&gt;\"") && !svg.contains("<b>"))
        #expect(!svg.contains("nan"), "no NaN coordinate reaches the page")
        let empty = TrendChart(metric: "energy", title: "Energy per inference", unit: "mJ", points: []).svg()
        #expect(empty.contains("No energy per inference on these runs."))
    }

    @Test func aHistogramMarksItsPercentilesAndTimelinesDrawEveryIteration() throws {
        let latencies = (0..<50).map { 30 + Double($0 % 5) }
        let histogram = try #require(EqualWidthHistogram(sqrtRuleOf: latencies))
        let svg = HistogramChart(histogram: histogram, markers: [("p50", 32), ("p95", 34), ("p99", .nan)], unit: "ms").svg()
        #expect(svg.components(separatedBy: "<rect class=\"bar\"").count - 1 == histogram.counts.count)
        #expect(svg.contains("data-percentile=\"p50\" data-value=\"32.0\"") && svg.contains("data-percentile=\"p95\""))
        #expect(!svg.contains("data-percentile=\"p99\""), "a percentile that is not a number is not drawn")

        let timeline = IterationTimeline(iterations: (1...300).map { index in
            .init(index: UInt32(index), latencyMs: 30, tokenMs: [5, 10, 20, 30], energyMillijoules: index % 2 == 0 ? 0.5 : nil)
        })
        #expect(timeline.latencySVG().contains("data-iterations=\"300\""))
        #expect(try #require(timeline.tokensSVG()).contains("data-tokens=\"800\" data-rows=\"200\""), "token rows of the first 200 iterations")
        #expect(timeline.energySVG() != nil)
        #expect(IterationTimeline(iterations: [.init(index: 1, latencyMs: 3, tokenMs: [], energyMillijoules: nil)]).tokensSVG() == nil)
        #expect(IterationTimeline(iterations: [.init(index: 1, latencyMs: 3, tokenMs: [], energyMillijoules: nil)]).energySVG() == nil)
    }
}
