import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof fleet`: the devices the stored runs were measured on.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet", abstract: "The fleet: every device a stored run was measured on, with what it serves; label devices.",
        discussion: """
            Reads --db (a bench's runs), or a lab's collector with --collector URL --token ept_… (an agent's token sees its own \
            bench). A device is BOARD:SERIAL; it appears with its first stored run and follows its newest one.
            """,
        subcommands: [FleetListCommand.self, FleetShowCommand.self, FleetStatusCommand.self, FleetExplainCommand.self, FleetLabelCommand.self, FleetRollbackCommand.self])
}

/// Which devices a fleet command looks at: `--device-class`, `--bench`, `--label KEY=VALUE`.
struct FleetFilterOptions: ParsableArguments {
    @Option(help: "Only this device class.")
    var deviceClass: String?

    @Option(help: "Only this bench.")
    var bench: String?

    @Option(help: ArgumentHelp("Only devices carrying this label.", valueName: "key=value"))
    var label: String?

    func query() throws(AgentError) -> FleetQuery {
        var query = FleetQuery(deviceClass: deviceClass, bench: bench)
        if let label {
            do throws(GovernanceError) { query.label = try FleetLabels.parse(label) } catch { throw .invalidArgument("--label: \(error.description)") }
        }
        return query
    }
}

/// `edgeprof fleet list [--device-class C] [--bench B] [--label KEY=VALUE]`.
struct FleetListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The fleet's devices, by identity.")

    @OptionGroup var filter: FleetFilterOptions

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let query = try reportingErrors { () throws(AgentError) in try filter.query() }
        let devices: [FleetDevice]
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            devices = try await reportingErrors { () async throws(AgentError) in try await remote.fleetDevices(query) }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            devices = try await store.withRegistry { registry throws(AgentError) -> [FleetDevice] in
                do throws(StoreError) { return try await registry.fleetDevices(query) } catch { throw .store(error) }
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(devices) : FleetListing.table(devices, now: Date()))
    }
}

/// `edgeprof fleet show BOARD:SERIAL`.
struct FleetShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One device: class, bench, firmware, what it serves, when it was last seen, labels.")

    @Argument(help: "The device, BOARD:SERIAL (see `edgeprof fleet list`).")
    var device: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let found: FleetDevice?
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            found = try await reportingErrors { () async throws(AgentError) in try await remote.fleetDevice(device) }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            found = try await store.withRegistry { registry throws(AgentError) -> FleetDevice? in
                do throws(StoreError) { return try await registry.fleetDevice(device) } catch { throw .store(error) }
            }
        }
        let shown = try reportingErrors { () throws(AgentError) in
            guard let found else { throw .governance(.notFound("there is no device \(device) in the fleet; `edgeprof fleet list` shows them")) }
            return found
        }
        Terminal.print(format == .json ? GovernanceListing.json(shown) : FleetListing.show(shown, now: Date()))
    }
}

/// `edgeprof fleet status [--device-class C] [--bench B] [--label KEY=VALUE]`.
struct FleetStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The fleet against its assignments: who serves what it was assigned; exit 1 when a device does not, or is silent (stale).")

    @OptionGroup var filter: FleetFilterOptions

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let query = try reportingErrors { () throws(AgentError) in try filter.query() }
        let status: FleetStatus
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            status = try await reportingErrors { () async throws(AgentError) in try await remote.fleetStatus(query) }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            status = try await store.withRegistry { registry throws(AgentError) -> FleetStatus in try await FleetPlanner(store: registry).status(query) }
        }
        Terminal.print(format == .json ? GovernanceListing.json(status) : FleetListing.status(status))
        if status.offAssignment > 0 || status.stale > 0 { throw ExitCode(ExitStatus.gateFail) }
    }
}

/// `edgeprof fleet explain BOARD:SERIAL`.
struct FleetExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "What a device should serve and shadow now, and why (its model's stages, the canary share, a halt).")

    @Argument(help: "The device, BOARD:SERIAL.")
    var device: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let assignment: DeviceAssignment
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            assignment = try await reportingErrors { () async throws(AgentError) in try await remote.assignment(device) }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            assignment = try await store.withRegistry { registry throws(AgentError) -> DeviceAssignment in
                try await FleetPlanner(store: registry).assignment(for: device)
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(assignment) : FleetListing.explain(assignment))
    }
}

/// `edgeprof fleet label BOARD:SERIAL KEY=VALUE… [--remove KEY]… --reason TEXT`.
struct FleetLabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Set and remove a device's labels (ml_engineer or tech_lead); audited with the labels before and after.")

    @Argument(help: "The device, BOARD:SERIAL.")
    var device: String

    @Argument(help: ArgumentHelp("Labels to set.", valueName: "key=value"))
    var labels: [String] = []

    @Option(help: ArgumentHelp("A label to remove; repeat for several.", valueName: "key"))
    var remove: [String] = []

    @Option(help: "Why the labels change.")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if labels.isEmpty, remove.isEmpty { throw ValidationError("give labels to set (KEY=VALUE) or --remove KEY") }
        try governance.refusePolicy("fleet label")
    }

    func run() async throws {
        let set = try reportingErrors { () throws(AgentError) -> [String: String] in
            var set: [String: String] = [:]
            for text in labels {
                do throws(GovernanceError) {
                    let label = try FleetLabels.parse(text)
                    guard set.updateValue(label.value, forKey: label.key) == nil else { throw .invalid("label \(label.key) is given twice") }
                } catch { throw .governance(error) }
            }
            return set
        }
        let labelled = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                try await remote.labelDevice(device, RegistryRequests.LabelDevice(set: set, remove: remove, reason: reason))
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                try await service.labelDevice(device, set: set, remove: remove, reason: reason)
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(labelled) : FleetListing.show(labelled, now: Date()))
    }
}

/// `edgeprof fleet rollback MODEL`: how far the fleet has followed the model's latest rollback.
struct FleetRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "How far the fleet has followed a model's latest rollback; exit 1 while it is partial.",
        discussion: """
            A rollback (a person's, or the system's on critical alerts) counts as done only when every device assigned the \
            restored version has reported it after the decision. Until then it is partial, and the stragglers are listed \
            with what they last reported. This reads; `edgeprof model rollback` decides one.
            """)

    @Argument(help: "The model.")
    var model: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let progress: RollbackProgress?
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            progress = try await reportingErrors { () async throws(AgentError) in try await remote.rollbackProgress(model: model) }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            progress = try await store.withRegistry { registry throws(AgentError) -> RollbackProgress? in
                try await FleetPlanner(store: registry).rollbackProgress(model: model)
            }
        }
        guard let progress else {
            Terminal.error("\(model) was never rolled back")
            throw ExitCode(ExitStatus.notFound)
        }
        Terminal.print(format == .json ? GovernanceListing.json(progress) : FleetListing.rollback(progress))
        if progress.state == .partial { throw ExitCode(ExitStatus.gateFail) }
    }
}
