import EdgeProfCore
import Foundation

/// `edgeprof-bench json`: what the collector does with each upload's body before it stores it —
/// write the decoded run back canonically (its content digest and the strict unknown-field check)
/// — with `CanonicalJSONEncoder` against JSONEncoder writing the same bytes, and the whole strict
/// decode as the collector runs it (one pass, `RunUpload.fastDecode`) against the general path
/// (shape, JSONDecoder, write-back). The bench-collector body: 20 iterations × 16 tokens.
enum CanonicalJSONBenchmark {
    static func run() {
        let upload = IngestBenchmark.upload(number: 1, iterations: 20, tokens: 16)
        guard let body = try? JSONCoding.encoder.encode(upload) else {
            print("json: the upload cannot be encoded")
            return
        }
        let uploads = 2_000
        print("Canonical JSON of an upload (\(body.count) bytes, 20 iterations × 16 tokens): \(uploads) uploads a round, best of \(BenchmarkMain.rounds) interleaved rounds")
        let rates = BenchmarkMain.measureInterleaved(items: uploads, [
            { (0..<uploads).reduce(0) { count, _ in count + ((try? CanonicalJSONEncoder.encode(upload)) == body ? 1 : 0) } },
            { (0..<uploads).reduce(0) { count, _ in count + ((try? JSONCoding.encoder.encode(upload)) == body ? 1 : 0) } },
            { (0..<uploads).reduce(0) { count, _ in count + ((try? StrictJSON.decodeCanonical(RunUpload.self, from: body))?.canonical == body ? 1 : 0) } },
            { (0..<uploads).reduce(0) { count, _ in count + ((try? StrictJSON.decodeCanonicallyInGeneral(RunUpload.self, from: body))?.canonical == body ? 1 : 0) } },
        ])
        let line = { (name: String, rate: Double) in
            print(name.padding(toLength: 54, withPad: " ", startingAt: 0) + String(format: "%12.0f uploads/s  %5.2f× JSONEncoder", rate, rate / rates[1]))
        }
        line("CanonicalJSONEncoder (same bytes)", rates[0])
        line("JSONEncoder, sorted keys", rates[1])
        line("strict decode as the collector runs it (one pass)", rates[2])
        line("strict decode, general path (shape, JSONDecoder)", rates[3])
        print(String(format: "one pass / general path: %.2f", rates[2] / rates[3]))
    }
}
