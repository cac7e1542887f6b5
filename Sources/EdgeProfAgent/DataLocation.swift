import Foundation

/// Where edgeprof keeps its data by default: $EDGEPROF_DB, else
/// $XDG_DATA_HOME/edgeprof/edgeprof.sqlite, else ~/.local/share/edgeprof/edgeprof.sqlite.
public enum DataLocation {
    public static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["EDGEPROF_DB"], !explicit.isEmpty { return explicit }
        return dataDirectory(environment: environment) + "/edgeprof.sqlite"
    }

    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/edgeprof" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/edgeprof"
    }
}
