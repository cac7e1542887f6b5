import EdgeProfCore
import Foundation

/// The fleet at a glance: every device with its class, bench and place, what it serves, when it
/// was last heard of and its live alerts.
enum DevicesView {
    static func page(devices: [FleetDevice], liveAlerts: [Alert], viewer: DashboardViewer, now: Date) -> String {
        let alertsByDevice = Dictionary(grouping: liveAlerts, by: \.key.device)
        let rows = devices.map { device -> [String] in
            let alerts = alertsByDevice[device.device] ?? []
            let open = alerts.filter { $0.state == .open }.count
            let alertCell = alerts.isEmpty
                ? "<span class=\"badge ok\">none</span>"
                : "<a class=\"badge \(open > 0 ? "bad" : "warn")\" data-open-alerts=\"\(open)\" href=\"/devices/\(HTML.pathSegment(device.device))#alerts\">\(open) open, \(alerts.count - open) acknowledged</a>"
            let place = [device.bench, device.place].compactMap { $0 }.joined(separator: " / ")
            let halted = device.servingState == .halted ? " <span class=\"badge bad\">halted</span>" : ""
            return [
                "<a class=\"device\" href=\"/devices/\(HTML.pathSegment(device.device))\">\(HTML.escape(device.device))</a>"
                    + (device.emulated ? " <span class=\"badge emulated\">emulated</span>" : ""),
                HTML.escape(device.deviceClass),
                HTML.escape(place.isEmpty ? "local" : place),
                HTML.escape(device.serving.registered.description) + halted,
                HTML.escape(device.firmwareVersion),
                "<span title=\"\(HTML.escape(HTML.timestamp(device.lastContactAt)))\">\(HTML.escape(DashboardLayout.ago(device.lastContactAt, now: now)))</span>",
                alertCell,
            ]
        }
        let table = DashboardLayout.table(
            class: "devices", headers: ["Device", "Class", "Bench / place", "Serving", "Firmware", "Last contact", "Alerts"], rows: rows,
            empty: "No device has uploaded a run yet: an agent's first upload puts its board here (edgeprof agent run --collector URL).")
        return DashboardLayout.page(title: "Devices (\(devices.count))", viewer: viewer, body: table)
    }
}
