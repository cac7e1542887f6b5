import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof runs`: the stored profile runs.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List and show stored profile runs.", subcommands: [RunsListCommand.self, RunsShowCommand.self])
}

/// `edgeprof runs list [--model NAME@VERSION] [--class CLASS] [--after ID] [--limit N] [--raw]`.
struct RunsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List stored runs with their headline figures.",
        discussion: """
            Runs are read a page at a time from each run's stored headline (no raw timings), so a \
            listing of any length costs memory for one page. JSON lists the same headlines; \
            --raw lists whole runs, every iteration's and token's device ticks.
            """)

    @Option(help: ArgumentHelp("Only the runs of this model version.", valueName: "name@version"))
    var model: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("Only the runs on this device class.", valueName: "class"))
    var deviceClass: String?

    @Option(help: ArgumentHelp("Only runs with a larger id (the next page after a listing's last id).", valueName: "id"))
    var after: Int64 = 0

    @Option(help: ArgumentHelp("At most this many runs (default: all).", valueName: "n"))
    var limit: Int?

    @Option(help: "Output format: table, json, csv or markdown.")
    var format = ReportFormat.table

    @Flag(help: "With --format json: whole runs, every iteration's and token's device ticks, instead of their headlines.")
    var raw = false

    @OptionGroup var store: StoreOptions

    /// Runs read from the store at a time.
    static let pageSize = 500

    func validate() throws {
        if raw, format != .json { throw ValidationError("--raw lists whole runs as JSON. Fix: add --format json, or leave out --raw") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 (leave it out for every run)") }
        if after < 0 { throw ValidationError("--after takes a run id, 0 or more") }
    }

    func run() throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        try reportingErrors { () throws(AgentError) in
            let store = try store.open()
            var reference: ModelReference?
            if let model { reference = try store.registered(try parseModelReference(model)).reference }
            let filtered = model != nil || deviceClass != nil || after > 0
            var listing = filtered ? RunListingStream(format: format, emptyNote: "no stored run matches --model, --class and --after") : RunListingStream(format: format)
            var after = after
            while limit.map({ listing.listed < $0 }) ?? true {
                let wanted = min(Self.pageSize, limit.map { $0 - listing.listed } ?? Self.pageSize)
                let page: [CollectedRunSummary]
                do throws(StoreError) {
                    page = try store.runSummaries(RunQuery(model: reference, deviceClass: deviceClass, after: after, limit: wanted))
                } catch {
                    throw .store(error)
                }
                if raw {
                    var runs: [StoredRun] = []
                    for summary in page {
                        do throws(StoreError) { if let run = try store.run(id: summary.id) { runs.append(run) } } catch { throw .store(error) }
                    }
                    Terminal.print(listing.rawPage(runs))
                } else {
                    Terminal.print(listing.page(page))
                }
                // Until an empty page: a page may come back short of `wanted` (a row it cannot read).
                guard let last = page.last else { break }
                after = last.id
            }
            Terminal.print(listing.closing())
        }
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
