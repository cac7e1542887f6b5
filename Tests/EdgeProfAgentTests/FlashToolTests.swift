import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Every flasher of the shipped catalogue, run through stand-in tools on a PATH of the test's
/// own: the exact arguments reach the tool, and a missing tool, a failing tool and a tool that
/// hangs each end with an error naming the tool and the fix. (The gdb-remote flasher runs for
/// real against QEMU's gdbstub in FlashCLITests.)
@Suite struct FlashToolTests {
    static let devices = ShippedCatalogueTests.devices.path
    static let firmware = ShippedCatalogueTests.devices.appendingPathComponent("qemu-mps2/firmware/build/an386/edgeprof-fw.elf").path

    /// A board of each flasher: the shipped boards, and a DFU board the catalogue does not ship.
    static func boards() throws -> [(entry: CatalogueEntry, probe: String?, port: String?)] {
        let catalogue = try CatalogueLoader.load(directory: devices)
        func board(_ name: String) throws -> CatalogueEntry { try #require(catalogue.entry(named: name)) }
        var dfu = try board("nucleo-f446re")
        dfu.flasher = BoardFlasher(tool: .dfuUtil, address: 0x0800_0000, alt: 0)
        return [
            (try board("nucleo-f446re"), "066DFF485550755187121914", nil), (try board("nrf52840-dk"), nil, nil),
            (try board("arduino-nano-33-ble-sense"), "0240000034", nil), (try board("rpi-pico"), nil, nil),
            (try board("esp32-s3-devkitc-1"), nil, "/dev/ttyACM9"), (dfu, "3276367A3432", nil), (try board("qemu-mps2-an386"), "localhost:1", nil),
        ]
    }

    /// A folder of stand-ins for `programs`, each running `body` (a shell script's lines). A
    /// shell writes them: a script this process had open for writing could be inherited by a
    /// child another test spawns meanwhile, and running it would then fail with ETXTBSY.
    func tools(_ programs: [String], _ body: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-flash-tools-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = folder + ".body"
        #expect(FileManager.default.createFile(atPath: source, contents: Data("#!/bin/sh\n\(body)\n".utf8)))
        for program in Set(programs) {
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", "cp \"$1\" \"$2\" && chmod 755 \"$2\"", "sh", source, folder + "/" + program]
            try writer.run()
            writer.waitUntilExit()
            #expect(writer.terminationStatus == 0)
        }
        return folder
    }

    func plan(_ board: (entry: CatalogueEntry, probe: String?, port: String?)) throws -> FlashPlan {
        try FlashPlanner.plan(
            board: board.entry.name, flasher: try #require(board.entry.flasher), firmware: Self.firmware, probe: board.probe, port: board.port, scratch: "/s")
    }

    func flashError(_ service: FlashService, _ board: (entry: CatalogueEntry, probe: String?, port: String?), timeout: Duration? = nil) -> FlashError? {
        do {
            _ = try service.flash(board.entry, firmware: Self.firmware, probe: board.probe, port: board.port, timeout: timeout)
            Issue.record("\(board.entry.name): flashed with a tool that cannot flash")
            return nil
        } catch {
            guard case .flash(let flashError) = error else {
                Issue.record("\(board.entry.name): \(error)")
                return nil
            }
            return flashError
        }
    }

    @Test func theToolsGetExactlyTheDocumentedArguments() throws {
        for board in try Self.boards() where board.entry.flasher?.tool != .gdbRemote {
            let expected = try plan(board)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-flash-log-\(UUID().uuidString)").path
            let folder = try tools(expected.steps.map(\.program), "for a in \"$(basename \"$0\")\" \"$@\"; do printf '%s\\n' \"$a\"; done >> '\(log)'; echo --- >> '\(log)'")
            var service = FlashService(searchPath: [folder])
            service.portReturn = .zero
            let report = try? service.flash(board.entry, firmware: Self.firmware, probe: board.probe, port: board.port)
            let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let runs = logged.components(separatedBy: "---\n").filter { !$0.isEmpty }.map { $0.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
            let scratchFree = expected.steps.map { [$0.program] + $0.arguments.map { $0.replacingOccurrences(of: "/s/", with: "SCRATCH/") } }
            let ran = runs.map { $0.map { $0.replacingOccurrences(of: #"/[^ ]*edgeprof-flash-[0-9A-F-]+/"#, with: "SCRATCH/", options: .regularExpression) } }
            #expect(ran == scratchFree, "\(board.entry.name)")
            guard let report else {
                #expect(board.port != nil, "\(board.entry.name): only a board given a port (where nothing answers here) fails after flashing")
                continue
            }
            #expect(report.commands.count == expected.steps.count)
            guard case .readBackOnly = report.verification else {
                Issue.record("\(board.entry.name): no port, so the handshake cannot have confirmed it")
                continue
            }
        }
    }

    @Test func aMissingToolNamesItselfAndHowToInstallIt() throws {
        let empty = try tools([], "")
        for board in try Self.boards() {
            let error = flashError(FlashService(searchPath: [empty]), board)
            let first = try plan(board).steps[0]
            #expect(error == .toolMissing(board: board.entry.name, tool: board.entry.flasher?.tool.rawValue ?? "", program: first.program, install: first.install))
            #expect(error?.description.contains("Fix: \(first.install)") == true)
        }
    }

    @Test func aFailingToolIsQuotedWithItsCommandLine() throws {
        for board in try Self.boards() {
            let steps = try plan(board).steps
            let folder = try tools(steps.map(\.program), "echo \"Error: open failed (no probe on this bench)\" >&2\nexit 3")
            let error = flashError(FlashService(searchPath: [folder]), board)
            guard case .toolFailed(let name, let program, let ending, let command, let output) = error else {
                Issue.record("\(board.entry.name): \(String(describing: error))")
                continue
            }
            #expect(name == board.entry.name && program == steps[0].program && ending == "status 3")
            #expect(output == "Error: open failed (no probe on this bench)", "\(board.entry.name): \(String(describing: error))")
            #expect(command.hasPrefix(steps[0].program + " "))
            #expect(error?.description.contains("Fix:") == true)
        }
    }

    @Test func aHangingToolIsStoppedAtTheTimeout() throws {
        let clock = ContinuousClock()
        for board in try Self.boards() {
            let steps = try plan(board).steps
            let marker = "edgeprof-flash-hang-\(UUID().uuidString)"
            let folder = try tools(steps.map(\.program), "exec sleep 30 # \(marker)")
            let start = clock.now
            let error = flashError(FlashService(searchPath: [folder]), board, timeout: .milliseconds(400))
            #expect(clock.now - start < .seconds(20), "\(board.entry.name): stopped long before the tool's 30 s")
            guard case .timedOut(let name, let program, _, let command) = error else {
                Issue.record("\(board.entry.name): \(String(describing: error))")
                continue
            }
            #expect(name == board.entry.name && program == steps[0].program && command.hasPrefix(steps[0].program))
            #expect(error?.description.contains("was stopped") == true)
            #expect(!Self.running(marker), "\(board.entry.name): the hung tool was left running")
        }
    }

    static func running(_ marker: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { pid in
            guard pid.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(marker)
        }
    }
}
