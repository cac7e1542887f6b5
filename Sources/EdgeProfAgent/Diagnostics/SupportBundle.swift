import Crypto
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// `edgeprof diag bundle`: one archive a field engineer can mail home — the system, the ports,
/// the catalogue's health, leases, recent runs, an optional diagnosis, and a SHA-256 manifest.
/// It holds no model artifacts and no raw timings.
public struct SupportBundle: Sendable {
    public let store: any EvidenceStore
    public let catalogueDirectory: String?
    public let leases: LeaseService?

    public init(store: any EvidenceStore, catalogueDirectory: String?, leases: LeaseService?) {
        self.store = store
        self.catalogueDirectory = catalogueDirectory
        self.leases = leases
    }

    /// The archive's files, in order; the manifest comes last.
    public func entries(diagnosis: DiagnosticReport? = nil, now: Date = Date()) -> [TarArchive.Entry] {
        let folder = "edgeprof-support-\(Int(now.timeIntervalSince1970))/"
        var files: [(String, String)] = [
            ("README.txt", readme),
            ("system.txt", systemReport(now: now)),
        ]
        let catalogue = loadCatalogue()
        files.append(("catalogue.txt", catalogue.text))
        files.append(("devices.json", inventory(catalogue.loaded).rendered(as: .json)))
        files.append(("leases.json", (try? leases?.active()).flatMap { $0 }.map(LeaseListing.json) ?? "[]\n"))
        files.append(("runs.json", recentRuns()))
        files.append(("udev.txt", udevReport()))
        if let diagnosis { files.append(("diag.json", DiagnosticListing.json([diagnosis]))) }
        let manifest = files.map { name, text in
            SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined() + "  " + name
        }.joined(separator: "\n") + "\n"
        files.append(("MANIFEST.sha256", manifest))
        return files.map { TarArchive.Entry(name: folder + $0.0, contents: Array($0.1.utf8)) }
    }

    private var readme: String {
        """
        EdgeProf support bundle (edgeprof \(EdgeProfVersion.current))
        system.txt       OS, kernel, user and serial-port permissions
        devices.json     serial ports, USB devices and simulators, matched to the catalogue
        catalogue.txt    the device catalogue's location and problems
        leases.json      board leases in force
        runs.json        the 20 most recent runs: identity, status, link health, key figures
        udev.txt         whether EdgeProf's udev rules are installed
        diag.json        edgeprof diag of the port named, if one was
        MANIFEST.sha256  checksums: sha256sum -c MANIFEST.sha256
        No model artifact and no raw timing is included.

        """
    }

    private func systemReport(now: Date) -> String {
        var name = utsname()
        uname(&name)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }?.dropFirst(12).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? "unknown"
        let groups = memberGroups()
        return """
            edgeprof:  \(EdgeProfVersion.current)
            time:      \(now.formatted(.iso8601))
            os:        \(osRelease)
            kernel:    \(text(name.sysname)) \(text(name.release)) \(text(name.machine))
            host:      \(ProcessInfo.processInfo.hostName)
            user:      \(NSUserName()) (uid \(getuid()))
            groups:    \(groups.joined(separator: " "))
            dialout:   \(getuid() == 0 ? "root (no group needed)" : groups.contains("dialout") ? "member" : "NOT a member: serial ports may be refused (see README, Devices and permissions)")
            database:  \(store.location)

            """
    }

    private func memberGroups() -> [String] {
        var ids = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(ids.count), &ids)
        return ids.prefix(Int(max(count, 0))).compactMap { id in getgrgid(id).map { String(cString: $0.pointee.gr_name) } }
    }

    private func loadCatalogue() -> (loaded: DeviceCatalogue?, text: String) {
        guard let directory = catalogueDirectory else { return (nil, "no device catalogue found\n") }
        do {
            let catalogue = try CatalogueLoader.load(directory: directory)
            return (catalogue, "\(directory): \(catalogue.entries.count) entries, no problems\n")
        } catch {
            return (nil, "\(directory): \(error)\n")
        }
    }

    private func inventory(_ catalogue: DeviceCatalogue?) -> DeviceInventory {
        var problems: [String] = []
        var ports: [SerialPortInfo] = []
        var usb: [USBDeviceInfo] = []
        do { ports = try SerialPortDiscovery.list() } catch { problems.append(error.description) }
        do { usb = try USBDiscovery.list() } catch { problems.append(error.description) }
        return DeviceInventory(serialPorts: ports, usbDevices: usb, simulatedBoards: SimulatorRegistry.running(), problems: problems, catalogue: catalogue)
    }

    private func recentRuns() -> String {
        guard let newest = try? store.runSummaries(RunQuery(limit: 20, newestFirst: true)) else { return "[]\n" }
        return RunListing.json(newest.compactMap { try? store.run(id: $0.id) }.map(RunDigest.init))
    }

    private func udevReport() -> String {
        let installed = "/etc/udev/rules.d/60-edgeprof.rules"
        guard let rules = FileManager.default.contents(atPath: installed) else {
            return "\(installed): not installed (see devices/README.md)\n"
        }
        guard let directory = catalogueDirectory, let shipped = FileManager.default.contents(atPath: directory + "/udev/60-edgeprof.rules") else {
            return "\(installed): installed (\(rules.count) bytes)\n"
        }
        return "\(installed): installed, \(rules == shipped ? "identical to" : "DIFFERENT from") \(directory)/udev/60-edgeprof.rules\n"
    }
}
