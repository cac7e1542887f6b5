import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation

/// `edgeprof-bench emulated`: on the QEMU AN386 board, (1) start-to-ready: from launching the
/// emulator to the Link v1 handshake's answer; (2) host overhead: the wall time of a profile run
/// (RUN sent to RESULT read, the emulator already up) over the on-device time the board measured.
/// QEMU runs without -icount here, so the board's ticks follow the host's clock and the two
/// times are comparable; everything between them is the host's and the link's.
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
            var runs: [(wall: Double, device: Double, hostCPU: Double, lines: Int)] = []
            for _ in 0..<3 {
                let board = try EmulatedBoard(entry: entry, catalogueDirectory: directory, deterministic: false)
                defer { board.stop() }
                let transport = try TransportOpener.open(path: board.path, baud: TransportOpener.defaultBaud)
                defer { transport.close() }
                let session = LinkSession(transport: transport)
                let (info, model) = try session.handshake()
                let clock = ContinuousClock()
                let cpuBefore = cpuSeconds()
                let start = clock.now
                let recorded = try session.run(request, board: info, model: model)
                let wall = seconds(clock.now - start)
                let device = recorded.iterations.reduce(0.0) { $0 + Double($1.endTicks - $1.startTicks) } / Double(info.tickHz)
                runs.append((wall, device, cpuSeconds() - cpuBefore, recorded.link.linesReceived))
            }
            let median = runs.sorted { $0.wall / $0.device < $1.wall / $1.device }[1]
            print(String(format: "profile host overhead (%d iterations × %d tokens, median of 3): wall %.3f s / on-device %.3f s = %.3f (goal ≤ 1.05)",
                         request.iterations, request.tokens, median.wall, median.device, median.wall / median.device))
            print(String(format: "  of the %.3f s beyond the device's own time, edgeprof used %.3f s of CPU; the rest is the emulated UART carrying %d event lines",
                         median.wall - median.device, median.hostCPU, median.lines))
        } catch {
            print("emulated: \(error)")
        }
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
