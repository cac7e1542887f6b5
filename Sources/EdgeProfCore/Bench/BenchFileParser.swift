/// Reads a bench file (docs/bench.md has the schema). Pure: text and the device catalogue in, a
/// `BenchFile` out; every error names the file, the line and the field, and the fix.
public enum BenchFileParser {
    static let placeFields = ["board", "power", "flasher", "device-class", "labels"]
    static let boardFields = ["catalogue", "serial", "usb-path", "baud", "port"]
    static let powerFields = ["instrument", "serial", "usb-path", "channel", "mode", "vdd-mv", "mark", "port"]
    static let flasherFields = ["tool", "probe"]

    public static func parse(yaml: String, file: String, catalogue: DeviceCatalogue) throws(ConfigError) -> BenchFile {
        let root = try YAMLFile(yaml: yaml, file: file).root
        let fields = try root.fields(known: ["bench", "places"], what: "a mapping with 'bench' (its name) and 'places'")
        let name = try fields.requiredString("bench")
        try checkName(name, fields: fields, key: "bench")
        var places: [BenchPlace] = []
        for (placeName, line, node) in try fields.requiredNode("places").entries(expecting: "'places' to map place names to their resources") {
            let placeNode = node.withContext("place '\(placeName)': ")
            guard isName(placeName) else { throw placeNode.error("a place's name must use a-z, 0-9 and '-' only", line: line) }
            var place = try self.place(placeName, placeNode, catalogue: catalogue)
            place.line = line
            places.append(place)
        }
        guard !places.isEmpty else { throw fields.error(at: "places", "a bench needs at least one place") }
        try checkDistinct(places, file: file)
        return BenchFile(name: name, places: places, file: file)
    }

    private static func place(_ name: String, _ node: YAMLNode, catalogue: DeviceCatalogue) throws(ConfigError) -> BenchPlace {
        let fields = try node.fields(known: placeFields, what: "a mapping with board, power, flasher, device-class and labels")
        let board = try self.board(fields.requiredNode("board").withContext(node.context + "board: "), catalogue: catalogue)
        let power = try fields.node("power").map { node throws(ConfigError) in try self.power(node.withContext(node.context + "power: "), catalogue: catalogue) }
        let flasher = try fields.node("flasher").map { node throws(ConfigError) in
            try self.flasher(node.withContext(node.context + "flasher: "), board: board.catalogueName, catalogue: catalogue)
        }
        var labels: [String: String] = [:]
        if let labelNode = fields.node("labels") {
            for (key, line, value) in try labelNode.entries(expecting: "'labels' to map names to texts") {
                guard let text = value.scalar, !text.isEmpty, !key.isEmpty else { throw labelNode.error("label '\(key)' needs a non-empty text", line: line) }
                labels[key] = text
            }
        }
        let entry = catalogue.entry(named: board.catalogueName)
        return BenchPlace(
            name: name, board: board, power: power, flasher: flasher,
            deviceClass: try fields.string("device-class") ?? entry?.deviceClass, labels: labels)
    }

    private static func board(_ node: YAMLNode, catalogue: DeviceCatalogue) throws(ConfigError) -> BenchBoard {
        let fields = try node.fields(known: boardFields, what: "a mapping with catalogue and serial (or usb-path)")
        let name = try fields.requiredString("catalogue")
        guard let entry = catalogue.entry(named: name), entry.kind == .board else {
            let boards = catalogue.entries.filter { $0.kind == .board }.map(\.name)
            let hint = Spelling.closest(to: name, in: boards).map { " (did you mean '\($0)'?)" } ?? ""
            throw fields.error(at: "catalogue", "'\(name)' is not a board of the device catalogue\(hint); `edgeprof devices check` lists the catalogue's files")
        }
        return BenchBoard(catalogueName: name, identity: try identity(fields, what: "board"), baud: try fields.integer("baud", atLeast: 1))
    }

    private static func power(_ node: YAMLNode, catalogue: DeviceCatalogue) throws(ConfigError) -> BenchPowerMonitor {
        let fields = try node.fields(known: powerFields, what: "a mapping with instrument, serial, mode, vdd-mv and mark")
        let name = try fields.requiredString("instrument")
        guard let entry = catalogue.entry(named: name), entry.kind == .instrument, entry.protocolName == "ppk2" else {
            throw fields.error(at: "instrument", "'\(name)' is not a power monitor EdgeProf drives; the catalogue's is nordic-ppk2")
        }
        let channel = try fields.integer("channel", atLeast: 0) ?? 0
        guard channel == 0 else { throw fields.error(at: "channel", "a PPK2 measures one channel: 'channel' must be 0, got \(channel)") }
        guard let modeName = try fields.choice("mode", of: BenchPowerMonitor.Mode.allCases.map(\.rawValue)), let mode = BenchPowerMonitor.Mode(rawValue: modeName) else {
            throw node.error("missing field 'mode': source (the PPK2 powers the board) or ampere (the board's own supply runs through it)")
        }
        let millivolts = try fields.requiredInteger("vdd-mv", atLeast: 800)
        guard millivolts <= 5000 else { throw fields.error(at: "vdd-mv", "field 'vdd-mv' must be 800 to 5000 (the PPK2's range), got \(millivolts)") }
        var mark: Int?
        if let markNode = fields.node("mark"), markNode.scalar != "none" {
            guard let value = try fields.integer("mark", atLeast: 0), value <= 7 else {
                throw fields.error(at: "mark", "field 'mark' must be the logic input 0 to 7 the board raises during each inference, or none")
            }
            mark = value
        }
        return BenchPowerMonitor(instrument: name, identity: try identity(fields, what: "power monitor"), channel: channel, mode: mode, millivolts: millivolts, markInput: mark)
    }

    private static func flasher(_ node: YAMLNode, board: String, catalogue: DeviceCatalogue) throws(ConfigError) -> BenchFlasher {
        let fields = try node.fields(known: flasherFields, what: "a mapping with tool and probe")
        guard let tool = try fields.choice("tool", of: BenchFlasher.tools) else { throw node.error("missing field 'tool' (one of \(BenchFlasher.tools.joined(separator: ", ")))") }
        let probe = try fields.string("probe")
        if tool == "gdb-remote" {
            guard let probe, let colon = probe.lastIndex(of: ":"), !probe[..<colon].isEmpty, let port = Int(probe[probe.index(after: colon)...]), (1...65_535).contains(port) else {
                throw fields.error(at: "probe", "a gdb-remote flasher needs 'probe: HOST:PORT' (the GDB server's address)")
            }
        }
        let flasher = BenchFlasher(tool: tool, probe: probe)
        do { _ = try flasher.boardFlasher(catalogue: catalogue.entry(named: board)?.flasher, board: board) } catch { throw fields.error(at: "tool", error.description) }
        return flasher
    }

    /// `serial` or `usb-path`, exactly one; a `port` (a /dev name) is refused with the reason.
    private static func identity(_ fields: YAMLFields, what: String) throws(ConfigError) -> DeviceIdentity {
        if fields.node("port") != nil {
            throw fields.error(at: "port", "a \(what) is named by 'serial' or 'usb-path', not by its /dev port, which moves when boards are re-plugged; `edgeprof devices list` shows each device's serial")
        }
        switch (try fields.string("serial"), try fields.string("usb-path")) {
        case (let serial?, nil): return .serial(serial)
        case (nil, let path?):
            guard path.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "." }), path.contains("-") else {
                throw fields.error(at: "usb-path", "field 'usb-path' is a physical USB port as Linux names it, like 1-2.3, got '\(path)'")
            }
            return .usbPath(path)
        case (.some, .some): throw fields.error(at: "usb-path", "give a \(what)'s 'serial' or its 'usb-path', not both")
        case (nil, nil): throw fields.error(at: "serial", "a \(what) needs 'serial' (its USB serial number) or 'usb-path' (the USB port it is plugged into)")
        }
    }

    private static func checkDistinct(_ places: [BenchPlace], file: String) throws(ConfigError) {
        var boards: [DeviceIdentity: String] = [:]
        var monitors: [DeviceIdentity: String] = [:]
        for place in places {
            if let other = boards[place.board.identity] {
                throw ConfigError(file: file, line: place.line, message: "place '\(place.name)': its board (\(place.board.identity)) is already place '\(other)''s board; a board belongs to one place")
            }
            boards[place.board.identity] = place.name
            guard let power = place.power else { continue }
            if let other = monitors[power.identity] {
                throw ConfigError(file: file, line: place.line, message: "place '\(place.name)': its power monitor (\(power.identity)) already measures place '\(other)'; a PPK2 measures one board")
            }
            monitors[power.identity] = place.name
        }
    }

    private static func checkName(_ name: String, fields: YAMLFields, key: String) throws(ConfigError) {
        guard isName(name) else { throw fields.error(at: key, "field '\(key)' must use a-z, 0-9 and '-' only, got '\(name)'") }
    }

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}
