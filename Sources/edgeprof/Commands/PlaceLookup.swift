import EdgeProfAgent
import EdgeProfCore
import Foundation

/// Finds `--place NAME` of the bench file (`--bench-file`, else $EDGEPROF_BENCH_FILE) among
/// what is plugged in now, for every command that takes a place.
enum PlaceLookup {
    static func resolve(_ name: String, benchFile: String?, catalogue: DeviceCatalogue) throws(AgentError) -> ResolvedPlace {
        guard let file = benchFile ?? ProcessInfo.processInfo.environment["EDGEPROF_BENCH_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw .invalidArgument("--place needs the bench file: give --bench-file FILE or set EDGEPROF_BENCH_FILE")
        }
        return try ResolvedPlace.resolve(name, of: try BenchFileLoader.load(path: file, catalogue: catalogue), catalogue: catalogue)
    }
}
