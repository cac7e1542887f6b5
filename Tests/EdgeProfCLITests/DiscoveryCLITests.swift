import Foundation
import Testing

/// Discovery through the real libserialport and libusb, on fake USB devices that umockdev presents.
@Suite struct DiscoveryCLITests {
    static let fixtures = CLI.repository.appendingPathComponent("Tests/EdgeProfCLITests/Fixtures/umockdev")

    @Test func fakePPK2AndFakeBoardAreListedWithTheirCatalogueNames() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/umockdev-run"),
            "umockdev is missing: ./scripts/bootstrap installs it (Debian package umockdev)")
        let cli = try CLI()
        let result = try cli.run(
            ["devices", "list", "--json"],
            prefix: [
                "/usr/bin/umockdev-run", "-d", Self.fixtures.appendingPathComponent("fake-ppk2.umockdev").path,
                "-d", Self.fixtures.appendingPathComponent("fake-nucleo.umockdev").path, "--",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let ports = try #require(inventory["serialPorts"] as? [[String: Any]])
        #expect(ports.map { $0["path"] as? String } == ["/dev/ttyACM0", "/dev/ttyACM1"])
        #expect(ports.first?["usbVendorID"] as? Int == 0x1915)
        #expect(ports.first?["usbProductID"] as? Int == 0xC00A)
        #expect(ports.first?["serialNumber"] as? String == "C5E8F1A2B3C4")
        #expect(ports.last?["product"] as? String == "STM32 STLink")
        let portMatches = try #require(inventory["serialPortCandidates"] as? [String: [String]])
        #expect(portMatches["/dev/ttyACM0"] == ["nordic-ppk2"])
        #expect(portMatches["/dev/ttyACM1"] == ["disco-l475-iot01a", "nucleo-f446re"])
        let usb = try #require(inventory["usbDevices"] as? [[String: Any]])
        #expect(usb.count == 2)
        let usbMatches = try #require(inventory["usbCandidates"] as? [String: [String]])
        #expect(usbMatches["1:2"] == ["nordic-ppk2"])
    }
}
