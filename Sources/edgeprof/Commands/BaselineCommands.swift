import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof alerts baseline`: the reference runs each device is judged against.
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "Pin the reference runs a device is judged against, or return it to its first runs.",
        discussion: "Without a pin a device's baseline is its first complete runs (monitor.baseline-runs in the collector's --config).",
        subcommands: [BaselineListCommand.self, BaselinePinCommand.self, BaselineUnpinCommand.self])
}

/// Which device: the monitor's key.
struct DeviceKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The model version.", valueName: "name@version"))
    var model: String

    @Option(help: ArgumentHelp("The device class.", valueName: "class"))
    var deviceClass: String

    @Option(help: ArgumentHelp("The board as it announced itself, BOARD:SERIAL (the alert's device).", valueName: "board:serial"))
    var device: String

    func key() throws(AgentError) -> MonitorKey {
        MonitorKey(model: try parseModelReference(model).description, deviceClass: deviceClass, device: device)
    }
}

/// `edgeprof alerts baseline list`.
struct BaselineListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The pinned baselines.")

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let pins = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            return try client.decoded([BaselinePin].self, from: try await client.call(.GET, "/v1/baselines"), what: "a baseline list")
        }
        Terminal.print(format == .json ? BaselineListing.json(pins) : BaselineListing.table(pins))
    }
}

/// `edgeprof alerts baseline pin --model M@V --device-class C --device B:S --run ID… --reason TEXT`.
struct BaselinePinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin", abstract: "Judge a device against these complete runs from now on (replaces an earlier pin).")

    @OptionGroup var device: DeviceKeyOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("A reference run id; repeat for each (at least the collector's min-baseline-runs).", valueName: "id"))
    var runIDs: [Int64] = []

    @Option(help: "Why these runs (kept with the pin).")
    var reason: String

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let pin = try await reportingErrors { () async throws(AgentError) in
            let key = try device.key()
            let client = try access.client()
            let request = BaselinePinRequest(key: key, runIDs: runIDs, reason: reason)
            let body: Data
            do { body = try JSONCoding.encoder.encode(request) } catch { throw .invalidArgument("the pin cannot be encoded: \(error)") }
            return try client.decoded(BaselinePin.self, from: try await client.call(.POST, "/v1/baselines", body: body), what: "a pin")
        }
        Terminal.print("pinned runs \(pin.runIDs.map(String.init).joined(separator: ", ")) as the baseline of \(pin.key)\n")
    }
}

/// `edgeprof alerts baseline unpin --model M@V --device-class C --device B:S`.
struct BaselineUnpinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpin", abstract: "Judge a device against its first complete runs again.")

    @OptionGroup var device: DeviceKeyOptions

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let key = try await reportingErrors { () async throws(AgentError) in
            let key = try device.key()
            var query = URLComponents()
            query.queryItems = [.init(name: "model", value: key.model), .init(name: "deviceClass", value: key.deviceClass), .init(name: "device", value: key.device)]
            let encoded = (query.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            _ = try await access.client().call(.DELETE, "/v1/baselines?\(encoded)")
            return key
        }
        Terminal.print("\(key) is judged against its first complete runs again\n")
    }
}
