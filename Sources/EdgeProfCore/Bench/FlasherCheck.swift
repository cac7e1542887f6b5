/// Whether a place's board can be flashed from this host now, judged from what was looked up:
/// the flasher's programs on PATH and, for a USB probe named by serial, whether it is attached.
/// A GDB server is not contacted: connecting to one halts the board it serves.
public enum FlasherCheck {
    public static func judge(place: BenchPlace, flasher: BoardFlasher, missing: [FlashPlan.Step], probeAttached: Bool?) -> WiringVerdict {
        let probe = place.flasher?.probe
        if let step = missing.first {
            let programs = missing.map(\.program).joined(separator: " and ")
            return WiringVerdict(
                level: .warn, fault: "flasher-missing", finding: "its flasher (\(flasher.tool.rawValue)) runs \(programs), not found on PATH", fix: step.install)
        }
        if probeAttached == false, let probe {
            return WiringVerdict(
                level: .warn, fault: "probe-not-found", finding: "no USB device with serial \(probe) (its \(flasher.tool.rawValue) probe) is attached",
                fix: "plug the probe in, or correct the place's 'flasher: probe:'; `lsusb -v` shows each device's iSerial")
        }
        let through: String
        switch (flasher.tool, probe) {
        case (.gdbRemote, let address?): through = "through the GDB server at \(address) (not contacted: connecting halts the board)"
        case (_, let probe?): through = "through probe \(probe)" + (probeAttached == true ? ", attached" : "")
        case (_, nil): through = "through the first probe it finds"
        }
        return WiringVerdict(level: .ok, finding: "\(flasher.tool.rawValue) can flash it \(through)")
    }
}
