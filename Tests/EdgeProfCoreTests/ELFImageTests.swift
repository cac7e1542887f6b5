@testable import EdgeProfCore
import Foundation
import Testing

/// The ELF parser on the firmware the build produces, on crafted headers with their exact
/// errors, and on random, truncated and bit-flipped files: it never crashes.
@Suite struct ELFImageTests {
    static let firmware = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("devices/qemu-mps2/firmware/build/an386/edgeprof-fw.elf")

    func builtFirmware() throws -> [UInt8] {
        try #require(FileManager.default.fileExists(atPath: Self.firmware.path), "build the firmware: make -C devices/qemu-mps2/firmware (scripts/test does)")
        return Array(try Data(contentsOf: Self.firmware))
    }

    @Test func theBuiltFirmwareHasItsSectionsAndSegments() throws {
        let image = try ELFImage(bytes: try builtFirmware())
        #expect(image.machine == ELFImage.machineARM && image.entry & 1 == 1, "a Thumb entry point")
        let names = image.sections.map(\.name)
        #expect(names.contains(".text") && names.contains(".bss") && names.contains(".stack"))
        #expect(!image.segments.isEmpty)
        let size = FirmwareSize(image)
        #expect(size.stackReservation == 16384 && size.heapReservation == 0)
        #expect(size.flash == size.text + size.data && size.staticRAM + size.stackReservation == size.data + size.bss)
        #expect(size.text > 76_832, "the weights are in flash")
    }

    /// Issue 13: ELFs with 65 280 sections or more (extended numbering: e_shnum 0, e_shstrndx
    /// SHN_XINDEX, the real values in section 0) were refused. The built firmware, rewritten to
    /// extended numbering, reads back with the same sections.
    @Test func extendedSectionNumberingReadsTheSameSections() throws {
        var bytes = try builtFirmware()
        let original = try ELFImage(bytes: bytes)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func put32(_ value: Int, at: Int) { for index in 0..<4 { bytes[at + index] = UInt8((value >> (8 * index)) & 0xFF) } }
        let sectionOffset = Int(bytes[32]) | Int(bytes[33]) << 8 | Int(bytes[34]) << 16 | Int(bytes[35]) << 24
        let (count, namesIndex) = (u16(48), u16(50))
        put32(count, at: sectionOffset + 20)
        put32(namesIndex, at: sectionOffset + 24)
        (bytes[48], bytes[49], bytes[50], bytes[51]) = (0, 0, 0xFF, 0xFF)
        let extended = try ELFImage(bytes: bytes)
        #expect(extended.sections.count == original.sections.count)
        #expect(extended.sections.dropFirst() == original.sections.dropFirst(), "section 0 now carries the count, the rest are unchanged")
        #expect(FirmwareSize(extended) == FirmwareSize(original))
    }

    func header(class elfClass: UInt8 = 1, data: UInt8 = 1, machine: UInt16 = 40) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 52)
        bytes.replaceSubrange(0..<7, with: [0x7F, 0x45, 0x4C, 0x46, elfClass, data, 1])
        bytes[18] = UInt8(machine & 0xFF)
        bytes[19] = UInt8(machine >> 8)
        return bytes
    }

    @Test func malformedFilesAreNamed() {
        #expect(throws: ELFError.notELF) { try ELFImage(bytes: Array("PK\u{3}\u{4}".utf8)) }
        #expect(throws: ELFError.truncated(what: "the ELF header", end: 52, size: 20)) { try ELFImage(bytes: Array(header().prefix(20))) }
        #expect(throws: ELFError.unsupported("a 64-bit ELF (class 2); firmware for Cortex-M is 32-bit")) { try ELFImage(bytes: header(class: 2)) }
        #expect(throws: ELFError.unsupported("a big-endian ELF (data encoding 2); Cortex-M firmware is little-endian")) { try ELFImage(bytes: header(data: 2)) }
        #expect(throws: ELFError.wrongMachine(62)) { try ELFImage(bytes: header(machine: 62)) }
        #expect(ELFError.wrongMachine(62).description == "an ELF for machine 62 (x86-64), not ARM (40): give the Cortex-M firmware's ELF")
        #expect(throws: ELFError.malformed("no section headers (a stripped image?): sizes come from sections")) { try ELFImage(bytes: header()) }
    }

    @Test func truncatedFilesNeverCrash() throws {
        let bytes = try builtFirmware()
        var failures = 0
        for length in stride(from: 0, to: bytes.count, by: 61) {
            do { _ = try ELFImage(bytes: Array(bytes.prefix(length))) } catch { failures += 1 }
        }
        #expect(failures > 0, "a truncated image is refused")
        #expect(throws: ELFError.self) { try ELFImage(bytes: Array(bytes.prefix(bytes.count - 1))) }
    }

    @Test func flippedAndRandomBytesNeverCrash() throws {
        let bytes = try builtFirmware()
        var random = SystemRandomNumberGenerator()
        let sectionTable = Int(bytes[32]) | Int(bytes[33]) << 8 | Int(bytes[34]) << 16 | Int(bytes[35]) << 24
        let hot = Array(0..<52) + Array(sectionTable..<bytes.count)
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutated[hot.randomElement(using: &random)!] = UInt8.random(in: 0...255, using: &random)
            }
            _ = try? ELFImage(bytes: mutated)
        }
        for _ in 0..<3000 {
            let noise = [0x7F, 0x45, 0x4C, 0x46, 1, 1] + (0..<Int.random(in: 0..<400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? ELFImage(bytes: noise)
        }
    }
}

/// Memory ceilings taken from the device catalogue.
@Suite struct CatalogueLimitTests {
    func board(_ name: String, flash: Int, ram: Int) -> CatalogueEntry {
        CatalogueEntry(
            name: name, kind: .board, title: name, vendor: "v", mcu: "m", core: nil, clockHz: 1, ramBytes: ram, flashBytes: flash,
            deviceClass: "m4-small", usb: [], transport: "pty", baud: 115_200, protocolName: "edgeprof-link-v1", reset: "none",
            powerMonitor: nil, powerWiring: nil, simulated: true, emulator: nil, file: "\(name).yaml")
    }

    @Test func theSmallestBoardOfTheClassSetsTheCeiling() throws {
        let policy = try GatePolicy(yaml: "device-classes:\n  m4-small: {max-flash-kib: catalogue, max-peak-ram-kib: catalogue}\n", file: "g.yaml")
        let thresholds = try policy.thresholds(for: "m4-small", file: "g.yaml")
        #expect(thresholds.catalogueLimits == [.peakRAM, .flash] && thresholds.criteria.isEmpty)
        let catalogue = DeviceCatalogue(entries: [board("a", flash: 512 * 1024, ram: 128 * 1024), board("b", flash: 256 * 1024, ram: 192 * 1024)])
        let resolved = thresholds.resolved(with: catalogue)
        #expect(resolved.criteria == [GateCriterion(metric: .peakRAM, threshold: 128), GateCriterion(metric: .flash, threshold: 256)])
        let unresolved = thresholds.resolved(with: nil)
        let summary = ProfileSummary(runs: [])
        let verdict = EdgePerformanceGate.evaluate(model: try ModelReference(parsing: "m@1.0.0"), thresholds: unresolved, summary: summary)
        #expect(verdict.outcome == .inconclusive)
        #expect(verdict.results.first?.note == "no board of class 'm4-small' in the device catalogue gives its ram-bytes")
    }
}
