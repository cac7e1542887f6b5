import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// The devices/ catalogue in this repository: it loads cleanly and its udev rules cover it.
@Suite struct ShippedCatalogueTests {
    static let devices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("devices")

    @Test func everyFileLoadsWithoutProblems() throws {
        let catalogue = try CatalogueLoader.load(directory: Self.devices.path)
        #expect(catalogue.entries.count >= 9)
        #expect(catalogue.entry(named: "edgeprof-sim")?.deviceClass == "sim-cortex-m4")
        #expect(catalogue.entry(named: "nordic-ppk2")?.kind == .instrument)
        #expect(catalogue.entry(named: "nrf52840-dk")?.powerMonitor == "nordic-ppk2")
    }

    @Test func theUdevRulesCoverEveryUSBIdentity() throws {
        let catalogue = try CatalogueLoader.load(directory: Self.devices.path)
        let rules = try String(contentsOf: Self.devices.appendingPathComponent("udev/60-edgeprof.rules"), encoding: .utf8)
        for entry in catalogue.entries {
            for identity in entry.usb {
                let vid = String(identity.description.prefix(4))
                let pid = String(identity.description.suffix(4))
                #expect(rules.contains("ATTRS{idVendor}==\"\(vid)\", ATTRS{idProduct}==\"\(pid)\""), "\(entry.name) \(identity)")
            }
        }
    }

    @Test func aBrokenCatalogueReportsEveryProblem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("boards"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("instruments"), withIntermediateDirectories: true)
        try "kind: board\nname: a\n".write(to: directory.appendingPathComponent("boards/a.yaml"), atomically: true, encoding: .utf8)
        try "kind: instrument\nname: wrong\n".write(to: directory.appendingPathComponent("instruments/b.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try CatalogueLoader.load(directory: directory.path)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("the device catalogue has 2 problems:")
                && text.contains("boards/a.yaml:1: a usb-serial device needs a 'usb' list with its VID:PID")
                && text.contains("instruments/b.yaml:2: field 'name' is 'wrong' but the file is b.yaml")
        }
    }
}
