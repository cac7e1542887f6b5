import Foundation
import Testing

/// Durations given in seconds on the command line become milliseconds: an absurd one (1e300)
/// trapped converting to an integer. Each is bounded and refused with the range to give.
@Suite struct DurationOptionsCLITests {
    @Test func absurdDurationsAreRefusedNotCrashedOn() async throws {
        try await CLI.offThePool {
            let cli = try CLI()
            let cases: [([String], String)] = [
                (["sim", "fleet", "--collector", "http://127.0.0.1:9", "--agent", "bench-1=ept_x", "--model", "tiny@1.0.0", "--every", "1e300"],
                 "--every must be 0 to 86400 seconds"),
                (["agent", "run", "--collector", "http://127.0.0.1:9", "--token", "ept_x", "--port", "/dev/null", "--model", "tiny@1.0.0", "--every", "1e300"],
                 "--every must be above 0 and at most 86400"),
                (["agent", "run", "--collector", "http://127.0.0.1:9", "--token", "ept_x", "--drain-timeout", "1e300"], "--drain-timeout must be 0 to 86400"),
                (["profile", "--port", "/dev/null", "--model", "tiny@1.0.0", "--timeout", "1e300"], "--timeout must be above 0 and at most 3600"),
                (["profile", "--port", "/dev/null", "--model", "tiny@1.0.0", "--timeout", "nan"], "--timeout must be above 0"),
            ]
            for (arguments, message) in cases {
                let result = try cli.run(arguments)
                #expect(result.status == 64 && result.stderr.contains(message), "\(arguments.joined(separator: " ")): \(result.status) \(result.stderr)")
            }
        }
    }
}
