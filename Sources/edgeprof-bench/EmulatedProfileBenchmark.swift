import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation

/// `edgeprof-bench emulated`: on the QEMU AN386 board, (1) start-to-ready: from launching the
/// emulator to the Link v1 handshake's answer; (2) host overhead: the wall time of a profile run
/// (RUN sent to RESULT read, the emulator already up) over the on-device time the board measured,
/// with the iterations reported as lines, as Link v1.1 REC records and as v1.2 record frames, and the link time the same
/// bytes would take on a real UART at 115 200 baud and on USB full speed.
/// QEMU runs without -icount here, so the board's ticks follow the host's clock and the two
/// times are comparable; everything between them is the host's and the link's. (3) For a real
/// board: one run under `-icount shift=0` counts each iteration's instructions (a nanosecond of
/// virtual time each); at the board's clock and one instruction a cycle, that is the iteration's
/// time on silicon, against which each form's bytes at 115 200 baud are set.
enum EmulatedProfileBenchmark {
    static func run() {
        guard let directory = CatalogueLoader.locate(), let catalogue = try? CatalogueLoader.load(directory: directory),
              let entry = catalogue.entry(named: "qemu-mps2-an386")
        else {
            print("emulated: no device catalogue with qemu-mps2-an386 found (run from a checkout)")
            return
        }
        do {
            var readiness: [Double] = []
            for _ in 0..<5 {
                let clock = ContinuousClock()
                let start = clock.now
                let board = try EmulatedBoard(entry: entry, catalogueDirectory: directory, deterministic: false)
                defer { board.stop() }
                let transport = try TransportOpener.open(path: board.path, baud: TransportOpener.defaultBaud)
                defer { transport.close() }
                _ = try LinkSession(transport: transport).handshake()
                readiness.append(seconds(clock.now - start))
            }
            readiness.sort()
            print(String(format: "QEMU start to ready (launch → Link v1 handshake answered): median %.3f s, best %.3f s of 5", readiness[2], readiness[0]))

            let request = RunRequest(tokens: 16, iterations: 200, warmup: 0)
            let silicon = try siliconIteration(entry: entry, directory: directory, tokens: request.tokens)
            print(String(format: "a real %@ at %.0f MHz, one instruction a cycle: %.0f instructions, %.1f ms a %d-token iteration (counted under -icount)",
                         entry.name, silicon.clockHz / 1e6, silicon.instructions, silicon.seconds * 1e3, request.tokens))
            for reports in LinkReportForm.allCases {
                let form = switch reports {
                case .lines: "Link v1 ITER/TOK/DONE lines"
                case .records: "Link v1.1 REC records"
                case .frames: "Link v1.2 record frames"
                }
                var runs: [Measured] = []
                for _ in 0..<3 {
                    let board = try EmulatedBoard(entry: entry, catalogueDirectory: directory, deterministic: false)
                    defer { board.stop() }
                    let transport = try TransportOpener.open(path: board.path, baud: TransportOpener.defaultBaud)
                    defer { transport.close() }
                    let session = LinkSession(transport: transport)
                    session.asksForReports = reports
                    let (info, model) = try session.handshake()
                    let clock = ContinuousClock()
                    let cpuBefore = cpuSeconds()
                    let bytesBefore = session.bytesReceived
                    let start = clock.now
                    let recorded = try session.run(request, board: info, model: model)
                    let wall = seconds(clock.now - start)
                    let device = recorded.iterations.reduce(0.0) { $0 + Double($1.endTicks - $1.startTicks) } / Double(info.tickHz)
                    runs.append(Measured(
                        wall: wall, device: device, hostCPU: cpuSeconds() - cpuBefore, lines: recorded.link.linesReceived,
                        bytes: session.bytesReceived - bytesBefore, iterations: recorded.iterations.count))
                }
                report(form: form, request: request, median: runs.sorted { $0.overhead < $1.overhead }[1], silicon: silicon)
            }
        } catch {
            print("emulated: \(error)")
        }
    }

    /// One profile run of the benchmark.
    struct Measured {
        var wall: Double
        var device: Double
        var hostCPU: Double
        var lines: Int
        var bytes: Int
        var iterations: Int
        var overhead: Double { wall / device }
    }

    /// A UART at 115 200 baud, 8N1: 10 bits per byte.
    static let uartBytesPerSecond = 115_200.0 / 10
    /// USB full speed CDC-ACM: at most 19 bulk packets of 64 bytes per 1 ms frame.
    static let usbFullSpeedBytesPerSecond = 19.0 * 64 * 1000

    /// An iteration's instructions under `-icount shift=0` and its time on a real board at the clock the board announces.
    struct SiliconIteration {
        var instructions: Double
        var clockHz: Double
        var seconds: Double { instructions / clockHz }
    }

    static func siliconIteration(entry: CatalogueEntry, directory: String, tokens: UInt32) throws -> SiliconIteration {
        let board = try EmulatedBoard(entry: entry, catalogueDirectory: directory, deterministic: true)
        defer { board.stop() }
        let transport = try TransportOpener.open(path: board.path, baud: TransportOpener.defaultBaud)
        defer { transport.close() }
        let session = LinkSession(transport: transport)
        let (info, model) = try session.handshake()
        let recorded = try session.run(RunRequest(tokens: tokens, iterations: 20, warmup: 0), board: info, model: model)
        let ticks = recorded.iterations.reduce(0.0) { $0 + Double($1.endTicks - $1.startTicks) } / Double(max(1, recorded.iterations.count))
        return SiliconIteration(instructions: ticks * 1e9 / Double(info.tickHz), clockHz: Double(info.clockHz))
    }

    static func report(form: String, request: RunRequest, median run: Measured, silicon: SiliconIteration) {
        let tokens = Double(run.iterations) * Double(request.tokens)
        print("profile host overhead, \(form) " + String(format: "(%d iterations × %d tokens, median of 3): wall %.3f s / on-device %.3f s = %.3f (goal ≤ 1.05)",
                                                              request.iterations, request.tokens, run.wall, run.device, run.overhead))
        print(String(format: "  %d lines, %d bytes: %.1f bytes per generated token, %.0f per iteration; edgeprof used %.3f s of CPU",
                     run.lines, run.bytes, Double(run.bytes) / tokens, Double(run.bytes) / Double(run.iterations), run.hostCPU))
        for (link, rate) in [("115 200 baud", uartBytesPerSecond), ("USB full speed", usbFullSpeedBytesPerSecond)] {
            let linkSeconds = Double(run.bytes) / rate
            // Sent after each iteration (no overlap), a board waits for its link; sent while the next
            // iteration computes (DMA), only a link slower than the computing shows.
            let sequential = (run.device + linkSeconds) / run.device
            let overlapped = max(run.device, linkSeconds) / run.device
            print("  computed for a board as fast as this emulation, at \(link): " + String(format: "link %.3f s; overhead %.3f sent after each iteration, %.3f sent during the next",
                                                                                               linkSeconds, sequential, overlapped))
        }
        let frame: Double = Double(run.bytes) / Double(max(1, run.iterations)) / uartBytesPerSecond
        let sequential: Double = (silicon.seconds + frame) / silicon.seconds
        let overlapped: Double = max(silicon.seconds, frame) / silicon.seconds
        print(String(format: "  computed for the real board at 115 200 baud: %.1f ms of link an iteration; overhead %.3f sent after each iteration (goal ≤ 1.05), %.3f sent during the next",
                     frame * 1e3, sequential, overlapped))
    }

    /// This process's user + system CPU time.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
