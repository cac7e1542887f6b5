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

/// Link v1 over a vendor bulk interface, through the real libusb, against umockdev's replay of
/// the board's side (Fixtures/umockdev/fake-bulk-board.*).
@Suite struct USBBulkCLITests {
    @Test func aBulkBoardAnswersTheHandshake() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/umockdev-run"), "umockdev is missing: ./scripts/bootstrap installs it")
        let fixtures = DiscoveryCLITests.fixtures
        let result = try CLI().run(
            ["devices", "probe", "usb:1209:e9f0", "--format", "json"],
            prefix: [
                "/usr/bin/umockdev-run", "-d", fixtures.appendingPathComponent("fake-bulk-board.umockdev").path,
                "-i", "/dev/bus/usb/001/004=" + fixtures.appendingPathComponent("fake-bulk-board.ioctl").path, "--",
            ],
            timeout: 15)
        #expect(result.status == 0, "\(result.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let board = try #require(reports.first?["board"] as? [String: Any])
        #expect(board["board"] as? String == "bulk-board")
        #expect(board["serial"] as? String == "BULK0001")
        #expect((reports.first?["model"] as? [String: Any])?["model"] as? String == "kws-tiny")
        let open = try #require((reports.first?["checks"] as? [[String: Any]])?.first)
        #expect(open["measured"] as? String == "opened the USB bulk endpoints IN 0x81 / OUT 0x1 on interface 0 (libusb)")
    }
}
