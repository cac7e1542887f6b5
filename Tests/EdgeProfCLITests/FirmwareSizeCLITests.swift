import Foundation
import Testing

/// `edgeprof firmware size` against binutils' own `arm-none-eabi-size` on every ELF the
/// firmware build produces, and on the toolchain's startup objects.
@Suite struct FirmwareSizeCLITests {
    static let build = CLI.repository.appendingPathComponent("devices/qemu-mps2/firmware/build")

    func elves() throws -> [String] {
        let built = try FileManager.default.subpathsOfDirectory(atPath: Self.build.path).filter { $0.hasSuffix(".elf") }
            .map { Self.build.appendingPathComponent($0).path }.sorted()
        let toolchain = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/arm-none-eabi/lib/thumb/v7-m/nofp")) ?? []
        return built + toolchain.filter { $0.hasSuffix(".o") }.sorted().prefix(6).map { "/usr/lib/arm-none-eabi/lib/thumb/v7-m/nofp/\($0)" }
    }

    /// text, data, bss of each file from `arm-none-eabi-size` (Berkeley format).
    func binutils(_ files: [String]) throws -> [String: [UInt64]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/arm-none-eabi-size")
        process.arguments = files
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var sizes: [String: [UInt64]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 6 else { continue }
            sizes[String(fields[5])] = fields[0..<3].compactMap { UInt64($0) }
        }
        return sizes
    }

    @Test func textDataAndBssEqualArmNoneEabiSize() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/arm-none-eabi-size"), "install binutils-arm-none-eabi (with gcc-arm-none-eabi)")
        let files = try elves()
        try #require(files.filter { $0.hasSuffix(".elf") }.count >= 5, "build the firmware: make -C devices/qemu-mps2/firmware")
        let reference = try binutils(files)
        let result = try CLI().run(["firmware", "size", "--format", "json"] + files)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == files.count)
        var sawData = false
        for entry in entries {
            let file = try #require(entry["file"] as? String)
            let ours = ["text", "data", "bss"].map { (entry[$0] as? NSNumber)?.uint64Value ?? .max }
            #expect(ours == reference[file], "\(file)")
            sawData = sawData || ours[1] > 0
            let flash = (entry["flash"] as? NSNumber)?.uint64Value
            #expect(flash == ours[0] + ours[1])
        }
        #expect(sawData, "some image has a .data section")
    }

    @Test func whatIsNotCortexMFirmwareIsRefused() throws {
        let cli = try CLI()
        let notELF = try cli.run(["firmware", "size", Self.build.appendingPathComponent("tiny-lm.bin").path])
        #expect(notELF.status == 65)
        #expect(notELF.stderr.hasSuffix("tiny-lm.bin: not an ELF file (no \\x7FELF magic): give the .elf the firmware build produces, not a .bin or .hex\n"))
        let host = try cli.run(["firmware", "size", "/bin/ls"])
        #expect(host.stderr == "edgeprof: error: /bin/ls: a 64-bit ELF (class 2); firmware for Cortex-M is 32-bit\n")
        let truncated = cli.file("cut.elf", "")
        let bytes = try Data(contentsOf: Self.build.appendingPathComponent("an386/edgeprof-fw.elf"))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let cut = try cli.run(["firmware", "size", truncated])
        #expect(cut.status == 65)
        #expect(cut.stderr.contains("cut.elf: truncated: the section header table would end at byte "), "\(cut.stderr)")
        let missing = try cli.run(["firmware", "size", "no-such.elf"])
        #expect(missing.status == 66 && missing.stderr == "edgeprof: error: firmware no-such.elf cannot be read (missing or unreadable). Fix: check the path\n",
                "a firmware file is not an artifact: \(missing.stderr)")
    }

    /// Issue 13: `--format csv|markdown` was offered by drift, firmware size, runs list and model
    /// list but printed a table. Listings that have such a form now give it; the others refuse it.
    @Test func aFormatIsGivenOrRefusedNeverIgnored() throws {
        let cli = try CLI()
        let elf = Self.build.appendingPathComponent("an386/edgeprof-fw.elf").path
        let csv = try cli.run(["firmware", "size", "--format", "csv", elf])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("file,text,data,bss,flash,static_ram,stack,heap\n\(elf),"), "\(csv.stdout)")
        let markdown = try cli.run(["firmware", "size", "--format", "markdown", elf])
        #expect(markdown.stdout.hasPrefix("| file | text | data | bss | flash | static_ram | stack | heap |\n|---|---|"), "\(markdown.stdout)")
        _ = try cli.run(["actors", "add", "me", "--role", "tech_lead", "--actor", "me"])
        let runs = try cli.run(["runs", "list", "--format", "csv"])
        #expect(runs.status == 0 && runs.stdout == "id,status,model,device_class,board,measured_iterations,latency_p95_ms\n", "\(runs.stdout)\(runs.stderr)")
        for command in [["model", "list"], ["drift", "compare", "a.csv", "b.csv"], ["audit", "log"], ["actors", "list"]] {
            let refused = try cli.run(command + ["--format", "csv"])
            #expect(refused.status == 64 && refused.stderr.contains("format"), "\(command): \(refused.stderr)")
        }
    }
}
