/// Whether the board runs the image that was flashed: the build id its Link v1 handshake
/// announces against the ELF's GNU build-id note, and what the flasher's read-back said.
public enum FlashVerification {
    /// The verdict on one flash.
    public enum Outcome: Sendable, Hashable {
        /// The handshake announced the image's build id.
        case confirmed(buildID: String)
        /// The image has no build-id note: only the flasher's read-back vouches for it.
        case readBackOnly(reason: String)
        /// The board answered with another build or another board: the flash did not take.
        case mismatch(String)
    }

    /// `imageBuildID` from the ELF; `board` and `build` from the handshake, nil when no port was
    /// given to shake hands on.
    public static func judge(imageBuildID: String?, expectedBoard: String, board: String?, build: String?, readsBack: Bool) -> Outcome {
        if let board, board != expectedBoard {
            return .mismatch("the board that answered is \(board), not \(expectedBoard): check --port and --device name the same board")
        }
        guard let imageBuildID else {
            let vouch = readsBack ? "the flasher's read-back matched" : "this flasher does not read back"
            return .readBackOnly(reason: "the image has no GNU build-id note (link with -Wl,--build-id), so the handshake cannot confirm it; \(vouch)")
        }
        guard let build else {
            return .readBackOnly(reason: "no --port to shake hands on, so the board's build id was not checked\(readsBack ? "; the flasher's read-back matched" : "")")
        }
        guard build.lowercased() == imageBuildID.lowercased() else {
            return .mismatch(
                "the board announces build \(build) but the image's build id is \(imageBuildID): the board still runs other firmware (did the reset run? does the firmware announce its GNU build id as build=? docs/flashing.md)")
        }
        return .confirmed(buildID: imageBuildID)
    }

    /// GDB's `compare-sections` lines that did not match ("Section .text, range … -- MIS-MATCHED!").
    public static func readBackMismatches(gdbOutput: String) -> [String] {
        gdbOutput.split(whereSeparator: \.isNewline).map(String.init).filter { $0.contains("MIS-MATCHED") }
    }
}
