import EdgeProfCore
import Foundation

/// Where running `edgeprof sim board` processes announce themselves, so `edgeprof devices list`
/// can show simulated boards (pseudo-terminals that no enumeration library sees):
/// $EDGEPROF_SIMS, else /tmp/edgeprof-sims, one JSON file per process.
public enum SimulatorRegistry {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["EDGEPROF_SIMS"], !explicit.isEmpty { return explicit }
        return NSTemporaryDirectory() + "edgeprof-sims"
    }

    /// Records a running simulator; returns the file to remove when it stops.
    public static func announce(_ board: SimulatedBoardInfo, in directory: String = directory()) -> String? {
        let manager = FileManager.default
        if !manager.fileExists(atPath: directory) {
            // Sticky and world-writable, like /tmp: every user announces, and removes, only their own.
            try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? manager.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: directory)
        }
        // One file per device: a simulated bench announces several from one process.
        let device = board.path.split(separator: "/").joined(separator: "-")
        let file = directory + "/\(board.pid)\(device).json"
        guard let data = try? JSONEncoder().encode(board), manager.createFile(atPath: file, contents: data) else { return nil }
        return file
    }

    /// The simulators still running: entries whose process is gone or whose terminal vanished are ignored.
    public static func running(in directory: String = directory()) -> [SimulatedBoardInfo] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name -> SimulatedBoardInfo? in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let board = try? JSONDecoder().decode(SimulatedBoardInfo.self, from: data),
                  kill(board.pid, 0) == 0 || errno == EPERM, FileManager.default.fileExists(atPath: board.path)
            else { return nil }
            return board
        }.sorted { $0.path < $1.path }
    }
}
