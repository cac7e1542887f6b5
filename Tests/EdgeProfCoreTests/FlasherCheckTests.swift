import EdgeProfCore
import Testing

/// Issue 19: `bench check` says whether each place's flasher could flash its board now.
@Suite struct FlasherCheckTests {
    static let place = BenchPlace(
        name: "shelf-1", board: BenchBoard(catalogueName: "nucleo-f446re", identity: .serial("B1")), flasher: BenchFlasher(tool: "openocd", probe: "066DFF"))
    static let openocd = BoardFlasher(tool: .openocd, interface: "stlink", target: "stm32f4x")
    static let step = FlashPlan.Step(program: "openocd", arguments: [], install: "apt-get install openocd")

    @Test func aMissingProgramIsAWarningWithItsInstallCommand() {
        let verdict = FlasherCheck.judge(place: Self.place, flasher: Self.openocd, missing: [Self.step], probeAttached: true)
        #expect(verdict == WiringVerdict(level: .warn, fault: "flasher-missing", finding: "its flasher (openocd) runs openocd, not found on PATH", fix: "apt-get install openocd"))
    }

    @Test func aProbeThatIsNotAttachedIsNamed() {
        let verdict = FlasherCheck.judge(place: Self.place, flasher: Self.openocd, missing: [], probeAttached: false)
        #expect(verdict.level == .warn && verdict.fault == "probe-not-found" && verdict.finding == "no USB device with serial 066DFF (its openocd probe) is attached")
    }

    @Test func whatCanFlashSaysThroughWhat() {
        #expect(FlasherCheck.judge(place: Self.place, flasher: Self.openocd, missing: [], probeAttached: true)
            == WiringVerdict(level: .ok, finding: "openocd can flash it through probe 066DFF, attached"))
        #expect(FlasherCheck.judge(place: Self.place, flasher: Self.openocd, missing: [], probeAttached: nil).finding == "openocd can flash it through probe 066DFF")
        var anyProbe = Self.place
        anyProbe.flasher?.probe = nil
        #expect(FlasherCheck.judge(place: anyProbe, flasher: Self.openocd, missing: [], probeAttached: nil).finding == "openocd can flash it through the first probe it finds")
        var server = Self.place
        server.flasher = BenchFlasher(tool: "gdb-remote", probe: "lab-pc:3333")
        #expect(FlasherCheck.judge(place: server, flasher: BoardFlasher(tool: .gdbRemote), missing: [], probeAttached: nil).finding
            == "gdb-remote can flash it through the GDB server at lab-pc:3333 (not contacted: connecting halts the board)")
    }
}
