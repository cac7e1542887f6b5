/// Why an emulated board could not be started, each with the fix.
public enum EmulationError: Error, Sendable, Hashable, CustomStringConvertible {
    case notEmulated(board: String)
    case programMissing(program: String, debianPackage: String)
    case firmwareMissing(board: String, path: String, toolchainInstalled: Bool)
    case exited(board: String, status: Int32, output: String)
    case noTerminal(board: String, waited: Duration)
    case crashed(board: String, ending: String, output: String, cause: String)

    public var description: String {
        switch self {
        case .notEmulated(let board):
            "\(board) is not an emulated board (its catalogue entry has no 'emulator'). Fix: give its port with --port"
        case .programMissing(let program, let package):
            "\(program) is not installed. Fix: sudo apt-get install \(package)"
        case .firmwareMissing(let board, let path, let toolchainInstalled):
            toolchainInstalled
                ? "the firmware of \(board) is not built: \(path) is missing. Fix: make -C devices/qemu-mps2/firmware"
                : "the firmware of \(board) is not built (\(path) is missing) and arm-none-eabi-gcc is not installed. Fix: sudo apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi, then make -C devices/qemu-mps2/firmware"
        case .exited(let board, let status, let output):
            "the emulator of \(board) stopped at start (status \(status))\(output.isEmpty ? "" : ": \(output)")"
        case .crashed(let board, let ending, let output, let cause):
            "the emulator of \(board) stopped during the session (\(ending)\(output.isEmpty ? "" : ": \(output)")): the firmware crashed or hung the emulated core (\(cause)). Fix: run it under `qemu-system-arm -d guest_errors` or a debugger"
        case .noTerminal(let board, let waited):
            "the emulator of \(board) did not open its UART terminal within \(waited.formattedSeconds); it was stopped"
        }
    }
}
