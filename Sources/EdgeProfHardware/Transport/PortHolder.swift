import Foundation

/// Finds which process holds a device open, so a "busy" message can name it.
enum PortHolder {
    /// "pid 1234 (edgeprof)" for the first other process with `port` open, or nil.
    static func describe(port: String) -> String? {
        let target = URL(fileURLWithPath: port).resolvingSymlinksInPath().path
        let me = ProcessInfo.processInfo.processIdentifier
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids.compactMap(Int32.init) where pid != me {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), link == target {
                    let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                    return "pid \(pid) (\(name))"
                }
            }
        }
        return nil
    }
}
