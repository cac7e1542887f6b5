import EdgeProfCore
import Foundation
import Testing

/// Issue 19: a bench file is validated like the catalogue (file:line and the field, with the
/// fix), and its devices are found by the identity that survives re-plugging.
@Suite struct BenchFileTests {
    static let catalogue: DeviceCatalogue = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("devices")
        var entries: [CatalogueEntry] = []
        for (folder, name) in [("boards", "nrf52840-dk"), ("boards", "edgeprof-sim"), ("instruments", "nordic-ppk2")] {
            let text = (try? String(contentsOf: directory.appendingPathComponent("\(folder)/\(name).yaml"), encoding: .utf8)) ?? ""
            if let entry = try? CatalogueEntryParser.parse(yaml: text, file: name, expectedName: name) { entries.append(entry) }
        }
        return DeviceCatalogue(entries: entries)
    }()

    static let valid = """
        bench: lab-a
        places:
          nrf-1:
            board: {catalogue: nrf52840-dk, serial: "000683123456"}
            power: {instrument: nordic-ppk2, serial: C1A2B3, mode: source, vdd-mv: 3000, mark: 0}
            flasher: {tool: openocd, probe: "000683123456"}
            labels: {shelf: "2", owner: kws-team}
          nrf-2:
            board: {catalogue: nrf52840-dk, usb-path: "1-2.3"}
            device-class: nrf-special
            power: {instrument: nordic-ppk2, usb-path: "1-2.4", mode: ampere, vdd-mv: 1800, mark: none}
            flasher: {tool: gdb-remote, probe: "localhost:3333"}

        """

    static func parse(_ text: String) throws(ConfigError) -> BenchFile {
        try BenchFileParser.parse(yaml: text, file: "bench.yaml", catalogue: catalogue)
    }

    static func refusal(_ text: String) -> ConfigError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test func aValidFileGivesEveryPlaceWithItsResources() throws {
        #expect(Self.catalogue.entries.count == 3)
        let bench = try Self.parse(Self.valid)
        #expect(bench.name == "lab-a" && bench.places.map(\.name) == ["nrf-1", "nrf-2"])
        let first = try #require(bench.place(named: "nrf-1"))
        #expect(first.board == BenchBoard(catalogueName: "nrf52840-dk", identity: .serial("000683123456")))
        #expect(first.power == BenchPowerMonitor(instrument: "nordic-ppk2", identity: .serial("C1A2B3"), mode: .source, millivolts: 3000, markInput: 0))
        #expect(first.deviceClass == "cortex-m4f-256k", "the catalogue's class when the place names none")
        #expect(first.labels == ["shelf": "2", "owner": "kws-team"] && first.line == 3)
        #expect(first.wiringSummary == "board nrf52840-dk serial 000683123456; power nordic-ppk2 serial C1A2B3 source 3000 mV mark D0; flasher openocd probe 000683123456")
        let second = try #require(bench.place(named: "nrf-2"))
        #expect(second.board.identity == .usbPath("1-2.3") && second.deviceClass == "nrf-special")
        #expect(second.power?.markInput == nil && second.power?.mode == .ampere && second.flasher?.probe == "localhost:3333")
    }

    @Test(arguments: [
        ("serial: \"000683123456\"}", "port: /dev/ttyACM0}", 4, "not by its /dev port, which moves when boards are re-plugged"),
        ("catalogue: nrf52840-dk, serial", "catalogue: nrf52840dk, serial", 4, "'nrf52840dk' is not a board of the device catalogue (did you mean 'nrf52840-dk'?)"),
        ("mark: 0}", "mark: 9}", 5, "field 'mark' must be the logic input 0 to 7"),
        ("vdd-mv: 3000", "vdd-mv: 6000", 5, "800 to 5000"),
        ("mode: source, ", "", 5, "missing field 'mode'"),
        ("mode: source", "mode: sourse", 5, "must be one of source, ampere"),
        ("instrument: nordic-ppk2, serial: C1A2B3", "instrument: nrf52840-dk, serial: C1A2B3", 5, "not a power monitor EdgeProf drives"),
        ("usb-path: \"1-2.3\"}", "usb-path: \"1-2.3\", serial: X}", 9, "not both"),
        ("usb-path: \"1-2.3\"}", "usb-path: \"ttyACM0\"}", 9, "a physical USB port as Linux names it"),
        ("probe: \"localhost:3333\"", "probe: \"localhost\"", 12, "needs 'probe: HOST:PORT'"),
        ("tool: openocd", "tool: stlink", 6, "must be one of openocd, pyocd"),
        ("tool: openocd", "tool: pyocd", 6, "its catalogue entry gives openocd's: set 'tool: openocd'"),
        ("labels: {shelf", "lables: {shelf", 7, "unknown field 'lables' (did you mean 'labels'?)"),
        ("usb-path: \"1-2.3\"}", "serial: \"000683123456\"}", 8, "already place 'nrf-1''s board"),
        ("usb-path: \"1-2.4\"", "serial: C1A2B3", 8, "already measures place 'nrf-1'"),
        ("  nrf-2:", "  NRF 2:", 8, "a place's name must use a-z, 0-9 and '-' only"),
    ])
    func aBrokenFileIsRefusedAtItsLineWithTheFix(original: String, replacement: String, line: Int, message: String) throws {
        #expect(Self.valid.contains(original))
        let error = try #require(Self.refusal(Self.valid.replacingOccurrences(of: original, with: replacement)))
        #expect(error.file == "bench.yaml" && error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    /// The catalogue's flasher when the place names its tool; a tool that needs no board
    /// settings (a GDB server, picotool) when it names another; nothing for `none`.
    @Test func aPlacesFlasherTakesItsBoardSettingsFromTheCatalogue() throws {
        let catalogued = try #require(Self.catalogue.entry(named: "nrf52840-dk")?.flasher)
        #expect(try BenchFlasher(tool: "openocd", probe: "X").boardFlasher(catalogue: catalogued, board: "nrf52840-dk") == catalogued)
        let server = try #require(try BenchFlasher(tool: "gdb-remote", probe: "h:1").boardFlasher(catalogue: catalogued, board: "nrf52840-dk"))
        #expect(server.tool == .gdbRemote && server.interface == nil && server.timeoutSeconds == catalogued.timeoutSeconds)
        #expect(try BenchFlasher(tool: "picotool").boardFlasher(catalogue: nil, board: "b")?.tool == .picotool)
        #expect(try BenchFlasher(tool: "none").boardFlasher(catalogue: catalogued, board: "nrf52840-dk") == nil)
        for tool in ["openocd", "pyocd", "esptool", "dfu-util"] {
            #expect(throws: FlashPlanError.self) { try BenchFlasher(tool: tool).boardFlasher(catalogue: nil, board: "b") }
        }
        let sim = Self.catalogue.entry(named: "edgeprof-sim")?.flasher
        #expect(throws: FlashPlanError("openocd needs edgeprof-sim's settings (adapter, target, chip or address), and its catalogue entry names no flasher: use a GDB server ('tool: gdb-remote'), or give edgeprof-sim's openocd settings in devices/boards/edgeprof-sim.yaml")) {
            try BenchFlasher(tool: "openocd").boardFlasher(catalogue: sim, board: "edgeprof-sim")
        }
    }

    @Test func aFileWithoutPlacesOrNameIsRefused() {
        #expect(Self.refusal("bench: lab\nplaces: {}\n")?.message.contains("at least one place") == true)
        #expect(Self.refusal("places:\n  a:\n    board: {catalogue: edgeprof-sim, serial: S}\n")?.message.contains("missing field 'bench'") == true)
        #expect(Self.refusal("bench: Lab A\nplaces:\n  a:\n    board: {catalogue: edgeprof-sim, serial: S}\n")?.message.contains("a-z, 0-9") == true)
        #expect(Self.refusal(": [") != nil)
    }

    @Test func devicesAreFoundByTheirIdentityWhateverTheirPortIsToday() throws {
        let bench = try Self.parse(Self.valid)
        let plugged = [
            DeviceCandidate(path: "/dev/ttyACM3", serial: "C1A2B3", usbPath: "1-1", summary: "usb 1915:c00a"),
            DeviceCandidate(path: "/dev/ttyACM0", serial: "000683123456", usbPath: "1-4", summary: "usb 1366:1015"),
            DeviceCandidate(path: "/dev/ttyACM1", serial: "OTHER", usbPath: "1-2.3", summary: "usb 1366:1015"),
            DeviceCandidate(path: "/dev/ttyACM2", serial: nil, usbPath: "1-2.4", summary: "usb 1915:c00a"),
        ]
        let first = try BenchResolution.ports(of: try #require(bench.place(named: "nrf-1")), among: plugged)
        #expect(first == BenchResolution.Ports(board: "/dev/ttyACM0", monitor: "/dev/ttyACM3"))
        let second = try BenchResolution.ports(of: try #require(bench.place(named: "nrf-2")), among: plugged)
        #expect(second == BenchResolution.Ports(board: "/dev/ttyACM1", monitor: "/dev/ttyACM2"))
        let replugged = plugged.map { candidate in
            var moved = candidate
            moved.path = candidate.path.replacingOccurrences(of: "ACM", with: "USB")
            return moved
        }
        #expect(try BenchResolution.ports(of: try #require(bench.place(named: "nrf-1")), among: replugged).board == "/dev/ttyUSB0")
    }

    @Test func aMissingOrAmbiguousDeviceIsNamedWithTheFix() throws {
        let place = try #require(try Self.parse(Self.valid).place(named: "nrf-1"))
        do {
            _ = try BenchResolution.ports(of: place, among: [])
            Issue.record("nothing is plugged in")
        } catch {
            #expect(error.description == "place 'nrf-1': its board (nrf52840-dk) with serial 000683123456 is not plugged in (0 devices seen). Fix: plug it in and power it, or correct the bench file; `edgeprof devices list` shows what is connected")
        }
        let twice = [
            DeviceCandidate(path: "/dev/ttyACM0", serial: "000683123456", usbPath: nil, summary: "usb 1366:1015"),
            DeviceCandidate(path: "/dev/ttyACM1", serial: "000683123456", usbPath: nil, summary: "usb 1366:1015"),
        ]
        do {
            _ = try BenchResolution.ports(of: place, among: twice)
            Issue.record("two ports share the serial")
        } catch {
            #expect(error.message.contains("matches 2 ports: /dev/ttyACM0 (usb 1366:1015), /dev/ttyACM1"))
        }
    }
}
