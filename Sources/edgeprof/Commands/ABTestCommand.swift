import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

extension ABTest.Unit: ExpressibleByArgument {}

/// `edgeprof abtest`: A/B tests of a candidate against the serving version, on the fleet.
struct ABTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abtest", abstract: "Start, list, judge and stop A/B tests of a model on the fleet.",
        discussion: """
            Arm A is the version serving the model; arm B a candidate in staging or canary. Each device (unit device) or \
            each request (unit request) falls in B when its bucket — SHA-256 of the test's id and its identity — is below \
            the split; `edgeprof fleet explain DEVICE` shows a device's arm. A halt pauses the test. Acts through --db or \
            --collector, as an ml_engineer or tech_lead.
            """,
        subcommands: [ABTestStartCommand.self, ABTestListCommand.self, ABTestStopCommand.self, ABTestVerdictCommand.self])
}

/// `edgeprof abtest start NAME --b VERSION --reason TEXT`.
struct ABTestStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an A/B test of candidate B against the serving version.")

    @Argument(help: "The model.")
    var model: String

    @Option(help: ArgumentHelp("The candidate version (in staging or canary).", valueName: "version"))
    var b: String

    @Option(help: "The share of devices (or requests) that get B, above 0 and at most 0.5.")
    var split = ABTest.defaultSplit

    @Option(help: "What is split: device or request.")
    var unit = ABTest.Unit.device

    @Option(help: "Samples per arm below which no verdict is given.")
    var minimumSamples = ABTest.defaultMinimumSamples

    @Option(help: "Hours after which the test stops splitting.")
    var maximumHours = ABTest.defaultMaximumHours

    @Option(help: "Why the test runs.")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws { try governance.refusePolicy("abtest start") }

    func run() async throws {
        let request = ABTestRequest(
            model: model, b: b, split: split, unit: unit, minimumSamples: minimumSamples, maximumHours: maximumHours, reason: reason)
        let test = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in try await remote.startABTest(request) }
        } else {
            try await governance.withService(store) { service throws(AgentError) in try await service.startABTest(request) }
        }
        Terminal.print(format == .json ? GovernanceListing.json(test) : ABTestListing.table([test], now: Date()))
    }
}

/// `edgeprof abtest list [--model NAME]`.
struct ABTestListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "A/B tests, oldest first.")

    @Option(help: "Only this model's tests.")
    var model: String?

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        var tests: [ABTest]
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            tests = try await reportingErrors { () async throws(AgentError) in try await remote.abTests() }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            tests = try await store.withRegistry { registry throws(AgentError) -> [ABTest] in
                try await GovernanceService(store: registry, actor: "").abTests()
            }
        }
        if let model { tests = tests.filter { $0.model == model } }
        Terminal.print(format == .json ? GovernanceListing.json(tests) : ABTestListing.table(tests, now: Date()))
    }
}

/// `edgeprof abtest stop ID --reason TEXT`.
struct ABTestStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop a running A/B test; devices return to A.")

    @Argument(help: "The test's id (see `edgeprof abtest list`).")
    var id: Int64

    @Option(help: "Why it stops.")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws { try governance.refusePolicy("abtest stop") }

    func run() async throws {
        let test = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in try await remote.stopABTest(id, reason: reason) }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                guard let model = try await service.abTests().first(where: { $0.id == id })?.model else {
                    throw .governance(.notFound("there is no A/B test \(id); `edgeprof abtest list` shows them"))
                }
                return try await service.stopABTest(id, model: model, reason: reason)
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(test) : ABTestListing.table([test], now: Date()))
    }
}
