import ArgumentParser
import EdgeProfCore

/// The `edgeprof` command line: profile quantized models on edge boards and gate releases on the figures.
@main
struct EdgeProfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgeprof",
        abstract: "Profile quantized models on edge boards and gate their release on the measured figures.",
        discussion: """
            Exit codes: 0 success or gate PASS, 1 gate FAIL (or a diag check / the audit trail failed), 2 gate INCONCLUSIVE, 3 profile ended early \
            (partial run stored), 64 usage, 65 bad input data, 66 not found, 69 device unavailable, 74 I/O error.
            """,
        version: EdgeProfVersion.current,
        subcommands: [DemoCommand.self, ProfileCommand.self, FlashCommand.self, GateCommand.self, CICommand.self, ModelCommand.self, ActorsCommand.self, PolicyCommand.self, FleetCommand.self, ABTestCommand.self, InferencesCommand.self, IncidentsCommand.self, FirmwareCommand.self, AuditCommand.self, RunsCommand.self, DriftCommand.self, CollectorCommand.self, AgentCommand.self, AlertsCommand.self, DevicesCommand.self, BenchCommand.self, DiagCommand.self, PowerCommand.self, SimCommand.self]
    )
}
