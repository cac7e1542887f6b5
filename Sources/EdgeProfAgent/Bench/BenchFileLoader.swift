import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// Reads a bench file from disk and finds its devices among what is plugged in now.
public enum BenchFileLoader {
    /// The bench file at `path`, validated against `catalogue`.
    public static func load(path: String, catalogue: DeviceCatalogue) throws(AgentError) -> BenchFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(what: "bench file", path: path) }
        guard let text = String(data: data, encoding: .utf8) else { throw .artifact(path: path, problem: "is not UTF-8 text") }
        do { return try BenchFileParser.parse(yaml: text, file: path, catalogue: catalogue) } catch { throw .config(error) }
    }

    /// Every device that can be opened now with its stable identity: the serial ports the
    /// system lists (libserialport) and the simulators that announced themselves.
    public static func candidates() -> [DeviceCandidate] {
        var candidates: [DeviceCandidate] = []
        if let ports = try? SerialPortDiscovery.list() {
            for port in ports where port.transport == "usb" {
                let identity = [port.usbVendorID, port.usbProductID].compactMap { $0 }.map { String(format: "%04x", $0) }.joined(separator: ":")
                candidates.append(DeviceCandidate(path: port.path, serial: port.serialNumber, usbPath: port.usbPortPath, summary: "usb \(identity)"))
            }
        }
        for simulated in SimulatorRegistry.running() {
            candidates.append(DeviceCandidate(path: simulated.path, serial: simulated.serial, usbPath: nil, summary: "simulated \(simulated.board)"))
        }
        return candidates
    }
}
