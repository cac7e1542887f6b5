import Foundation

/// Renders `edgeprof alerts baseline list`.
public enum BaselineListing {
    public static func table(_ pins: [BaselinePin]) -> String {
        guard !pins.isEmpty else { return "no pinned baselines: every device is judged against its first complete runs\n" }
        let deviceWidth = (pins.map { "\($0.key.device) (\($0.key.deviceClass))".count }.max() ?? 0) + 2
        let modelWidth = max(7, (pins.map(\.key.model.count).max() ?? 0) + 2)
        var lines = [
            ReportText.padded("device", deviceWidth) + ReportText.padded("model", modelWidth) + ReportText.padded("runs", 24)
                + ReportText.padded("pinned by", 14) + "reason",
        ]
        for pin in pins {
            lines.append(
                ReportText.padded("\(pin.key.device) (\(pin.key.deviceClass))", deviceWidth) + ReportText.padded(pin.key.model, modelWidth)
                    + ReportText.padded(pin.runIDs.map(String.init).joined(separator: ","), 24) + ReportText.padded(pin.pinnedBy, 14) + pin.reason)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ pins: [BaselinePin]) -> String {
        ReportText.json(pins) + "\n"
    }
}
