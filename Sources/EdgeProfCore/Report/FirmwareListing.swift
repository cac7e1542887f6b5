/// Renders firmware sizes for `edgeprof firmware size`.
public enum FirmwareListing {
    public static func table(_ sizes: [(file: String, size: FirmwareSize)]) -> String {
        let header = ["text", "data", "bss", "flash", "static-ram", "stack", "heap"]
        var lines = [header.map { pad($0) }.joined() + "file"]
        for (file, size) in sizes {
            let values = [size.text, size.data, size.bss, size.flash, size.staticRAM, size.stackReservation, size.heapReservation]
            lines.append(values.map { pad(String($0)) }.joined() + file)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ sizes: [(file: String, size: FirmwareSize)]) -> String {
        struct Entry: Encodable {
            var file: String
            var text, data, bss, flash, staticRAM, stackReservation, heapReservation: UInt64
        }
        return ReportText.json(sizes.map { file, size in
            Entry(
                file: file, text: size.text, data: size.data, bss: size.bss, flash: size.flash, staticRAM: size.staticRAM,
                stackReservation: size.stackReservation, heapReservation: size.heapReservation)
        }) + "\n"
    }

    /// `firmware size` in any format: one row per file, bytes.
    public static func rendered(_ sizes: [(file: String, size: FirmwareSize)], as format: ReportFormat) -> String {
        let header = ["file", "text", "data", "bss", "flash", "static_ram", "stack", "heap"]
        let rows = sizes.map { file, size in
            [file] + [size.text, size.data, size.bss, size.flash, size.staticRAM, size.stackReservation, size.heapReservation].map { String($0) }
        }
        switch format {
        case .table: return table(sizes)
        case .json: return json(sizes)
        case .csv: return ([header] + rows).map { $0.map(ReportText.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .markdown: return ReportText.markdownTable(header: header, rows: rows)
        }
    }

    private static func pad(_ text: String) -> String {
        String(repeating: " ", count: max(0, 10 - text.count)) + text + "  "
    }
}
