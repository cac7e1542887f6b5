import EdgeProfCore
import Foundation

/// Finds and reads the devices/ catalogue: every `boards/*.yaml` and `instruments/*.yaml`.
public enum CatalogueLoader {
    /// The catalogue directory: `explicit`, else $EDGEPROF_DEVICES, else a `devices/` beside or
    /// above the running executable (a source checkout), else the data directory's `devices/`.
    public static func locate(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit { return explicit }
        if let fromEnvironment = environment["EDGEPROF_DEVICES"], !fromEnvironment.isEmpty { return fromEnvironment }
        // The executable's own path: argv[0] is only a name when it was found through PATH.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("devices")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("boards").path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        let installed = DataLocation.dataDirectory(environment: environment) + "/devices"
        return FileManager.default.fileExists(atPath: installed + "/boards") ? installed : nil
    }

    /// Every entry of `directory`, or every problem found (all files are read before failing).
    public static func load(directory: String) throws(CatalogueError) -> DeviceCatalogue {
        var entries: [CatalogueEntry] = []
        var problems: [ConfigError] = []
        guard FileManager.default.fileExists(atPath: directory) else {
            throw CatalogueError(problems: [ConfigError(file: directory, line: nil, message: "no such catalogue directory. Fix: pass --devices DIR or set EDGEPROF_DEVICES")])
        }
        for folder in ["boards", "instruments"] {
            let path = directory + "/" + folder
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            for name in names {
                let file = path + "/" + name
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    problems.append(ConfigError(file: file, line: nil, message: "cannot be read as UTF-8 text"))
                    continue
                }
                do {
                    let entry = try CatalogueEntryParser.parse(yaml: text, file: file, expectedName: String(name.dropLast(5)))
                    let expectedKind: CatalogueEntry.Kind = folder == "boards" ? .board : .instrument
                    if entry.kind != expectedKind {
                        problems.append(ConfigError(file: file, line: nil, message: "kind is \(entry.kind.rawValue) but the file is under \(folder)/"))
                    }
                    entries.append(entry)
                } catch {
                    problems.append(error)
                }
            }
        }
        let catalogue = DeviceCatalogue(entries: entries)
        problems += catalogue.problems()
        guard problems.isEmpty else { throw CatalogueError(problems: problems) }
        return catalogue
    }
}

/// Everything wrong with a catalogue, one line per problem.
public struct CatalogueError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigError]

    public var description: String {
        "the device catalogue has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
