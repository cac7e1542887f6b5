import Foundation

/// Finds a program as a shell would: in the given directories, else $PATH's.
enum ProgramSearch {
    static func locate(_ program: String, searchPath: [String]? = nil) -> String? {
        let directories = searchPath ?? (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return directories.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
