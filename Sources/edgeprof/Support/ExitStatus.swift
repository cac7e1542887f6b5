import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation

/// The documented exit codes (README "Exit codes") and the mapping from errors to them.
enum ExitStatus {
    static let gateFail: Int32 = 1
    static let gateInconclusive: Int32 = 2
    static let partialRun: Int32 = 3
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let notFound: Int32 = 66
    static let deviceUnavailable: Int32 = 69
    static let ioError: Int32 = 74
    static let notPermitted: Int32 = 77

    static func code(for outcome: GateOutcome) -> Int32 {
        switch outcome {
        case .pass: 0
        case .fail: gateFail
        case .inconclusive: gateInconclusive
        }
    }

    static func code(for error: AgentError) -> Int32 {
        switch error {
        case .invalidArgument: usage
        case .config, .modelMismatch, .firmware, .driftInput: dataError
        case .drift: usage
        case .collector(_, let status, let code, _):
            // The collector's refusals exit as the same refusal made locally would.
            switch (status, code) {
            case (_, "blocked-by-gate-fail"?): gateFail
            case (_, "blocked-by-gate-inconclusive"?): gateInconclusive
            case (_, "invalid"?): usage
            case (401?, _), (403?, _): notPermitted
            case (404?, _): notFound
            case (let status?, _) where (400..<500).contains(status): dataError
            default: ioError
            }
        case .unknownModel, .unknownRun, .artifact, .unreadable: notFound
        case .flash(let flashError):
            switch flashError {
            case .plan: usage
            case .toolMissing, .toolFailed, .timedOut, .notRunning: deviceUnavailable
            case .readBack, .scratch: ioError
            }
        case .noAnswer, .unsupportedProtocol, .rejected, .leased, .power, .emulation, .dutSilent, .benchPlace: deviceUnavailable
        case .governance(let governanceError):
            switch governanceError {
            case .invalid: usage
            case .notPermitted: notPermitted
            case .illegalMove, .artifactMismatch, .duplicate: dataError
            case .blocked(_, let outcome): code(for: outcome)
            case .notFound: notFound
            }
        case .store(let storeError):
            switch storeError {
            case .duplicateVersion, .newerSchema: dataError
            default: ioError
            }
        case .transport(let transportError):
            switch transportError {
            case .disconnected, .timeout, .system, .library: ioError
            default: deviceUnavailable
            }
        }
    }
}

/// Runs a command body, turning errors into a one-line message on stderr and an exit code.
func reportingErrors<T>(_ body: () throws(AgentError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        Terminal.error(error.description)
        throw ExitCode(ExitStatus.code(for: error))
    }
}

/// The async form of `reportingErrors`.
func reportingErrors<T>(_ body: () async throws(AgentError) -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        Terminal.error(error.description)
        throw ExitCode(ExitStatus.code(for: error))
    }
}

/// Output helpers: results on stdout, messages and progress on stderr.
enum Terminal {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("edgeprof: error: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

extension AgentError {
    /// A short name for the kind of problem, as a JUnit error's `type`.
    var junitKind: String {
        switch self {
        case .invalidArgument: "invalid-argument"
        case .config: "configuration"
        case .store: "store"
        case .collector: "collector"
        case .unknownModel, .unknownRun: "not-found"
        case .governance: "governance"
        case .transport, .noAnswer, .unsupportedProtocol, .rejected, .dutSilent: "board"
        case .modelMismatch, .artifact, .unreadable, .firmware: "artifact"
        case .flash: "flash"
        case .leased, .benchPlace: "bench"
        case .power: "power"
        case .emulation: "emulation"
        case .driftInput, .drift: "drift"
        }
    }
}
