import EdgeProfCore
import Foundation

/// Rollouts as the fleet carries them out: per device class, how many devices serve which
/// version and in which arm (production, canary, A/B), and each device against its assignment.
enum FleetView {
    static func page(_ status: FleetStatus, viewer: DashboardViewer, now: Date) -> String {
        let counts: [(String, Int)] = [
            ("devices", status.devices), ("on assignment", status.onAssignment), ("off assignment", status.offAssignment),
            ("unassigned", status.unassigned), ("unknown", status.unknown), ("stale (silent beyond the outage policy)", status.stale),
            ("shadow assigned", status.shadowAssigned), ("shadow running", status.shadowRunning),
        ]
        var body = "<dl class=\"facts fleet-counts\">" + counts.map { "<dt>\(HTML.escape($0.0))</dt><dd data-count=\"\(HTML.escape($0.0))\">\($0.1)</dd>" }.joined() + "</dl>"
        body += "<h2>Share per device class</h2>" + shares(status.entries)
        body += "<h2>Devices against their assignment</h2>"
        body += DashboardLayout.table(
            class: "conformance", headers: ["Device", "Class", "Arm", "Assigned", "Reports", "Verdict", "Contact", "Detail"],
            rows: status.entries.map { entry in
                let verdictClass = entry.verdict == .onAssignment ? "ok" : entry.verdict == .offAssignment ? "bad" : "warn"
                return [
                    "<a href=\"/devices/\(HTML.pathSegment(entry.device))\">\(HTML.escape(entry.device))</a>", HTML.escape(entry.deviceClass),
                    HTML.escape(entry.arm?.rawValue ?? "—"), HTML.escape(entry.expected?.description ?? "—"), HTML.escape(entry.reported.description),
                    "<span class=\"badge \(verdictClass)\">\(entry.verdict.rawValue)</span>",
                    HTML.escape((entry.contact?.rawValue ?? "—") + " · " + DashboardLayout.ago(entry.lastContactAt, now: now)), HTML.escape(entry.detail),
                ]
            }, empty: "No device has reported yet.")
        return DashboardLayout.page(title: "Fleet", viewer: viewer, body: body)
    }

    /// Per class: the versions its devices report with their share, and its devices per arm.
    static func shares(_ entries: [DeviceConformance]) -> String {
        let byClass = Dictionary(grouping: entries, by: \.deviceClass).sorted { $0.key < $1.key }
        return DashboardLayout.table(
            class: "shares", headers: ["Class", "Devices", "Serving (share)", "Arms"],
            rows: byClass.map { deviceClass, devices in
                let versions = Dictionary(grouping: devices, by: \.reported.description).sorted { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key < $1.key) }
                let serving = versions.map { version, group in
                    "<span data-share=\"\(HTML.escape(version))\">\(HTML.escape(version)) \(percent(group.count, of: devices.count))</span>"
                }.joined(separator: "<br>")
                let arms = Dictionary(grouping: devices, by: { $0.arm?.rawValue ?? "none" }).sorted { $0.key < $1.key }
                    .map { "\(HTML.escape($0.key)) \($0.value.count)" }.joined(separator: " · ")
                return [HTML.escape(deviceClass), "\(devices.count)", serving, arms]
            }, empty: "No device has reported yet.")
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "—" : String(format: "%.1f %%", Double(part) / Double(whole) * 100)
    }
}
