import Foundation

/// The serial numbers of the USB devices attached now, as Linux lists them in sysfs (readable
/// without the device permissions libusb needs to read string descriptors).
public enum USBSerialNumbers {
    /// Nil when this host has no USB sysfs to read.
    public static func attached(sysfs: String = "/sys/bus/usb/devices") -> Set<String>? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: sysfs) else { return nil }
        var serials: Set<String> = []
        for entry in entries {
            guard let data = FileManager.default.contents(atPath: "\(sysfs)/\(entry)/serial") else { continue }
            let serial = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !serial.isEmpty { serials.insert(serial) }
        }
        return serials
    }
}
