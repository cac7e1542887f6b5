/// Parses one catalogue file (devices/boards/NAME.yaml or devices/instruments/NAME.yaml).
/// Pure: text in, entry out; every error names the file, the line and the field.
public enum CatalogueEntryParser {
    static let fieldNames = [
        "kind", "name", "title", "vendor", "mcu", "core", "clock-hz", "ram-bytes", "flash-bytes", "device-class", "usb",
        "transport", "baud", "protocol", "reset", "power-monitor", "power-wiring", "simulated", "emulator", "flasher", "notes",
    ]
    static let usbFieldNames = ["vid", "pid", "interface", "serial-pattern", "role"]

    /// `expectedName` is the file name without `.yaml`; the entry's `name` must equal it.
    public static func parse(yaml: String, file: String, expectedName: String) throws(ConfigError) -> CatalogueEntry {
        let root = try YAMLFile(yaml: yaml, file: file).root
        let fields = try root.fields(known: fieldNames, what: "a mapping of device fields")
        let name = try fields.requiredString("name")
        guard name == expectedName else {
            throw fields.requiredNodeError("name", "field 'name' is '\(name)' but the file is \(expectedName).yaml; they must agree")
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw fields.requiredNodeError("name", "field 'name' must use a-z, 0-9 and '-' only")
        }
        guard let kindName = try fields.choice("kind", of: CatalogueEntry.Kind.allCases.map(\.rawValue)),
              let kind = CatalogueEntry.Kind(rawValue: kindName)
        else { throw root.error("missing field 'kind' (board or instrument)") }
        let usb = try usbIdentities(fields.node("usb"))
        let simulated = try fields.choice("simulated", of: ["true", "false"]) == "true"
        let transport = try fields.choice("transport", of: CatalogueEntry.transports) ?? (simulated ? "pty" : "usb-serial")
        if transport != "pty", usb.isEmpty {
            throw root.error("a \(transport) device needs a 'usb' list with its VID:PID")
        }
        let entry = CatalogueEntry(
            name: name, kind: kind, title: try fields.requiredString("title"), vendor: try fields.requiredString("vendor"),
            mcu: try fields.string("mcu"), core: try fields.string("core"), clockHz: try fields.integer("clock-hz", atLeast: 1),
            ramBytes: try fields.integer("ram-bytes", atLeast: 1), flashBytes: try fields.integer("flash-bytes", atLeast: 1),
            deviceClass: try fields.string("device-class"), usb: usb, transport: transport,
            baud: try fields.integer("baud", atLeast: 1) ?? 115_200,
            protocolName: try fields.choice("protocol", of: CatalogueEntry.protocols) ?? "",
            reset: try fields.choice("reset", of: CatalogueEntry.resetMethods) ?? "none",
            powerMonitor: try fields.string("power-monitor"), powerWiring: try fields.string("power-wiring"),
            simulated: simulated, emulator: try emulator(fields.node("emulator")),
            flasher: try BoardFlasherParser.parse(fields.node("flasher")), file: file)
        if entry.emulator != nil, !(simulated && transport == "pty") {
            throw root.error("an emulated board needs 'simulated: true' and 'transport: pty'")
        }
        if entry.protocolName.isEmpty { throw root.error("missing field 'protocol' (one of \(CatalogueEntry.protocols.joined(separator: ", ")))") }
        if kind == .board {
            for required in ["mcu", "clock-hz", "ram-bytes", "flash-bytes", "device-class"] where fields.node(required) == nil {
                throw root.error("a board needs field '\(required)'")
            }
        }
        return entry
    }

    private static func emulator(_ node: YAMLNode?) throws(ConfigError) -> CatalogueEntry.Emulator? {
        guard let node else { return nil }
        let fields = try node.withContext("emulator: ").fields(
            known: ["program", "machine", "firmware", "artifact"], what: "a mapping with program, machine and firmware")
        return CatalogueEntry.Emulator(
            program: try fields.choice("program", of: CatalogueEntry.Emulator.programs) ?? CatalogueEntry.Emulator.programs[0],
            machine: try fields.requiredString("machine"), firmware: try fields.requiredString("firmware"),
            artifact: try fields.string("artifact"))
    }

    private static func usbIdentities(_ node: YAMLNode?) throws(ConfigError) -> [USBIdentity] {
        guard let node else { return [] }
        var identities: [USBIdentity] = []
        for item in try node.items(expecting: "'usb' to be a list of {vid, pid} entries") {
            let fields = try item.fields(known: usbFieldNames, what: "a usb entry with vid and pid")
            let identity = USBIdentity(
                vendorID: try hex16(fields, "vid"), productID: try hex16(fields, "pid"),
                interface: try fields.integer("interface", atLeast: 0), serialPattern: try fields.string("serial-pattern"),
                role: try fields.choice("role", of: ["app", "bootloader"]) ?? "app")
            if let pattern = identity.serialPattern, (try? Regex(pattern)) == nil {
                throw fields.requiredNodeError("serial-pattern", "field 'serial-pattern' is not a valid regular expression: '\(pattern)'")
            }
            identities.append(identity)
        }
        return identities
    }

    private static func hex16(_ fields: YAMLFields, _ key: String) throws(ConfigError) -> UInt16 {
        let text = try fields.requiredString(key)
        guard text.count == 4, let value = UInt16(text, radix: 16) else {
            throw fields.requiredNodeError(key, "field '\(key)' must be 4 hex digits such as 0483, got '\(text)'")
        }
        return value
    }
}

extension YAMLFields {
    /// An error placed on field `key`'s line.
    func requiredNodeError(_ key: String, _ message: String) -> ConfigError {
        (values[key] ?? owner).error(message)
    }
}
