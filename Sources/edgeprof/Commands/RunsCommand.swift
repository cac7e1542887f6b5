import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof runs`: the stored profile runs.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List and show stored profile runs.", subcommands: [RunsListCommand.self, RunsShowCommand.self])
}

/// `edgeprof runs list [--model NAME@VERSION]`.
struct RunsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List stored runs.")

    @Option(help: ArgumentHelp("Only the runs of this model version.", valueName: "name@version"))
    var model: String?

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let runs = try reportingErrors { () throws(AgentError) in
            let store = try store.open()
            let models: [RegisteredModel]
            if let model {
                models = [try store.registered(try parseModelReference(model))]
            } else {
                do throws(StoreError) { models = try store.models() } catch { throw .store(error) }
            }
            var runs: [StoredRun] = []
            for registered in models {
                do throws(StoreError) { runs += try store.runs(of: registered, deviceClass: nil) } catch { throw .store(error) }
            }
            return runs.sorted { $0.id < $1.id }
        }
        Terminal.print(RunListing.rendered(runs, as: format))
    }
}

/// `edgeprof runs show ID`.
struct RunsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one stored run's report.")

    @Argument(help: "The run id (see `edgeprof runs list`).")
    var id: Int64

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @Flag(help: "Print the stored run itself as JSON: every iteration's and token's device ticks.")
    var raw = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let (stored, location) = try reportingErrors { () throws(AgentError) in
            let store = try store.open()
            let stored: StoredRun?
            do throws(StoreError) { stored = try store.run(id: id) } catch { throw .store(error) }
            guard let stored else { throw .unknownRun(id) }
            return (stored, store.location)
        }
        if raw {
            Terminal.print(RunListing.json([stored]))
            return
        }
        let report = ProfileReport(
            runID: stored.id, model: stored.model, deviceClass: stored.context.deviceClass, port: stored.context.port,
            run: stored.run, summary: ProfileSummary(runs: [stored.run]), store: location)
        Terminal.print(report.rendered(as: format))
    }
}
