import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof devices lease PORT`: reserve a board for a person.
struct DevicesLeaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Reserve a board: other people's jobs are refused until it is released or the lease ends.")

    @Argument(help: "The board's port.")
    var port: String

    @Option(help: "How long to hold it, in hours.")
    var hours = 1.0

    @Option(help: "Why, for whoever finds the board busy.")
    var purpose = "manual lease"

    func validate() throws {
        guard hours > 0, hours <= 24 * 7 else { throw ValidationError("--hours must be between 0 and 168") }
    }

    func run() throws {
        let lease = try reportingErrors { () throws(AgentError) in
            try LeaseService().acquire(port: port, purpose: purpose, seconds: hours * 3600, pid: nil)
        }
        Terminal.print("leased \(lease.port) (\(lease.device)) to \(lease.holder) until \(lease.expiresAt.formatted(.iso8601))\n")
    }
}

/// `edgeprof devices release PORT`.
struct DevicesReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Release a board's lease.")

    @Argument(help: "The board's port.")
    var port: String

    @Flag(help: "Release someone else's lease (their job is gone).")
    var force = false

    func run() throws {
        let released = try reportingErrors { () throws(AgentError) in try LeaseService().release(port: port, force: force) }
        guard let released else {
            Terminal.error("\(port) holds no lease of yours. Fix: `edgeprof devices leases` shows who holds what; --force releases anyone's")
            throw ExitCode(ExitStatus.notFound)
        }
        Terminal.print("released \(released.port) (was \(released.holderDescription))\n")
    }
}

/// `edgeprof devices leases`.
struct DevicesLeasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leases", abstract: "List the leases in force on this machine.")

    @Flag(help: "JSON output.")
    var json = false

    func run() throws {
        let leases = try reportingErrors { () throws(AgentError) in try LeaseService().active() }
        Terminal.print(json ? LeaseListing.json(leases) : LeaseListing.table(leases))
    }
}
