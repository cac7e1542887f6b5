import EdgeProfCore
import Testing

/// Catalogue files: what is accepted, what is refused and how, and how devices match entries.
@Suite struct CatalogueTests {
    let board = """
        kind: board
        name: my-board
        title: My board
        vendor: Acme
        mcu: STM32F446RE
        clock-hz: 180000000
        ram-bytes: 131072
        flash-bytes: 524288
        device-class: cortex-m4f-128k
        usb:
          - {vid: "0483", pid: "374b", serial-pattern: "066[0-9A-F]+"}
          - {vid: "0483", pid: "3752", role: bootloader}
        protocol: edgeprof-link-v1
        reset: st-link
        """

    @Test func parsesAFullBoardEntry() throws {
        let entry = try CatalogueEntryParser.parse(yaml: board, file: "boards/my-board.yaml", expectedName: "my-board")
        #expect(entry.kind == .board)
        #expect(entry.deviceClass == "cortex-m4f-128k")
        #expect(entry.usb.map(\.description) == ["0483:374b", "0483:3752"])
        #expect(entry.usb[1].role == "bootloader")
        #expect(entry.baud == 115_200, "the default baud")
        #expect(entry.transport == "usb-serial")
    }

    @Test(arguments: [
        ("name: my-board", "name: other", "f.yaml:2: field 'name' is 'other' but the file is my-board.yaml; they must agree"),
        ("vid: \"0483\", pid: \"374b\"", "vid: \"483\", pid: \"374b\"", "f.yaml:11: field 'vid' must be 4 hex digits such as 0483, got '483'"),
        ("reset: st-link", "reset: magic", "f.yaml:14: field 'reset' must be one of none, dtr, st-link, j-link, picotool, esptool, 1200-baud-touch, got 'magic'"),
        ("clock-hz: 180000000", "clock-hertz: 180000000", "f.yaml:6: unknown field 'clock-hertz' (did you mean 'clock-hz'?)"),
        ("ram-bytes: 131072", "ram-bytes: lots", "f.yaml:7: field 'ram-bytes' must be a whole number ≥ 1, got 'lots'"),
        ("serial-pattern: \"066[0-9A-F]+\"", "serial-pattern: \"066[\"", "f.yaml:11: field 'serial-pattern' is not a valid regular expression: '066['"),
        ("mcu: STM32F446RE\n", "", "f.yaml:1: a board needs field 'mcu'"),
        ("kind: board\n", "", "f.yaml:1: missing field 'kind' (board or instrument)"),
        ("protocol: edgeprof-link-v1\n", "", "f.yaml:1: missing field 'protocol' (one of edgeprof-link-v1, mlperf-tiny-dut, ppk2)"),
    ])
    func refusalsNameFileLineAndField(_ original: String, _ replacement: String, _ message: String) {
        let yaml = board.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try CatalogueEntryParser.parse(yaml: yaml, file: "f.yaml", expectedName: "my-board")
            Issue.record("accepted: \(replacement)")
        } catch {
            #expect(error.description.hasPrefix(message), "got: \(error.description)")
        }
    }

    @Test func aUSBDeviceWithoutItsIdentityIsRefused() {
        let yaml = board.replacingOccurrences(of: "usb:\n  - {vid: \"0483\", pid: \"374b\", serial-pattern: \"066[0-9A-F]+\"}\n  - {vid: \"0483\", pid: \"3752\", role: bootloader}\n", with: "")
        #expect(throws: ConfigError(file: "f.yaml", line: 1, message: "a usb-serial device needs a 'usb' list with its VID:PID")) {
            try CatalogueEntryParser.parse(yaml: yaml, file: "f.yaml", expectedName: "my-board")
        }
    }

    @Test func portsMatchByIdentityAndSerialPattern() throws {
        let catalogue = DeviceCatalogue(entries: [try CatalogueEntryParser.parse(yaml: board, file: "f", expectedName: "my-board")])
        func port(_ pid: UInt16, _ serial: String?) -> SerialPortInfo {
            SerialPortInfo(path: "/dev/ttyACM0", transport: "usb", usbVendorID: 0x0483, usbProductID: pid, serialNumber: serial)
        }
        #expect(catalogue.candidates(for: port(0x374b, "066DFF123")).map(\.name) == ["my-board"])
        #expect(catalogue.candidates(for: port(0x374b, "ABC")).isEmpty, "the serial pattern narrows the match")
        #expect(catalogue.candidates(for: port(0x3752, nil)).map(\.name) == ["my-board"])
        #expect(catalogue.candidates(for: SerialPortInfo(path: "/dev/ttyS0", transport: "native")).isEmpty)
    }

    @Test func deviceClassComesFromFlagThenCatalogueThenFirmwareThenBoardID() throws {
        let catalogue = DeviceCatalogue(entries: [try CatalogueEntryParser.parse(yaml: board, file: "f", expectedName: "my-board")])
        var info = BoardInfo(protocolVersion: 1, board: "my-board", serial: "1", firmwareVersion: "1", firmwareBuild: "b", clockHz: 1, tickHz: 1, ramBytes: 1, flashBytes: 1, capabilities: [], deviceClass: "announced")
        #expect(DeviceCatalogue.deviceClass(explicit: "mine", catalogue: catalogue, board: info) == ("mine", .flag))
        #expect(DeviceCatalogue.deviceClass(explicit: nil, catalogue: catalogue, board: info) == ("cortex-m4f-128k", .catalogue))
        info.board = "unknown-board"
        #expect(DeviceCatalogue.deviceClass(explicit: nil, catalogue: catalogue, board: info) == ("announced", .firmware))
        info.deviceClass = nil
        #expect(DeviceCatalogue.deviceClass(explicit: nil, catalogue: nil, board: info) == ("unknown-board", .boardID))
    }
}
