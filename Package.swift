// swift-tools-version: 6.1
import PackageDescription

/// EdgeProf: profile quantized models on edge boards and gate their release on the figures.
///
/// Dependency direction (one way): EdgeProfCore (pure) ← {EdgeProfHardware, EdgeProfStore, EdgeProfSim}
/// ← {EdgeProfAgent, EdgeProfCollector} ← EdgeProfDemo ← edgeprof; EdgeProfPostgres (Core only) is the lab's store. Only EdgeProfHardware touches libserialport, libusb and termios.
let package = Package(
    name: "EdgeProf",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgeprof", targets: ["edgeprof"]),
        .executable(name: "edgeprof-bench", targets: ["edgeprof-bench"]),
        .library(name: "EdgeProfCore", targets: ["EdgeProfCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibSerialPort",
            pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"]), .brew(["libserialport"])]
        ),
        .systemLibrary(
            name: "CLibUSB",
            pkgConfig: "libusb-1.0",
            providers: [.apt(["libusb-1.0-0-dev"]), .brew(["libusb"])]
        ),
        .target(name: "CEdgeProfPosix"),
        .target(
            name: "CEdgeProfLink",
            path: "firmware-protocols/edgeprof-link/v1/c",
            exclude: ["tests", "README.md"],
            sources: ["src"],
            publicHeadersPath: "include"
        ),
        .target(
            name: "EdgeProfCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "EdgeProfHardware",
            dependencies: ["EdgeProfCore", "CLibSerialPort", "CLibUSB", "CEdgeProfPosix"]
        ),
        .target(
            name: "EdgeProfStore",
            dependencies: ["EdgeProfCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "EdgeProfSim",
            dependencies: ["EdgeProfCore", "EdgeProfHardware", "CEdgeProfLink"]
        ),
        .target(
            name: "EdgeProfAgent",
            dependencies: [
                "EdgeProfCore", "EdgeProfHardware", "EdgeProfStore", "EdgeProfSim",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "EdgeProfPostgres",
            dependencies: [
                "EdgeProfCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EdgeProfCollector",
            dependencies: [
                "EdgeProfCore", "EdgeProfStore", "EdgeProfAgent",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "EdgeProfDemo",
            dependencies: ["EdgeProfAgent", "EdgeProfSim", "EdgeProfHardware"]
        ),
        .executableTarget(
            name: "edgeprof",
            dependencies: [
                "EdgeProfAgent", "EdgeProfCollector", "EdgeProfDemo", "EdgeProfPostgres", "EdgeProfSim", "EdgeProfStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CEdgeProfBenchBaseline"),
        .executableTarget(
            name: "edgeprof-bench",
            dependencies: ["EdgeProfCore", "EdgeProfAgent", "EdgeProfStore", "EdgeProfPostgres", "EdgeProfHardware", "EdgeProfSim", "CEdgeProfLink", "CEdgeProfBenchBaseline"]
        ),
        .testTarget(name: "EdgeProfCoreTests", dependencies: ["EdgeProfCore", "CEdgeProfLink", "EdgeProfSim"], exclude: ["Fixtures"]),
        .testTarget(name: "EdgeProfHardwareTests", dependencies: ["EdgeProfHardware"]),
        .testTarget(name: "EdgeProfStoreTests", dependencies: ["EdgeProfStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "EdgeProfAgentTests", dependencies: ["EdgeProfAgent", "EdgeProfSim"]),
        .testTarget(
            name: "EdgeProfCollectorTests",
            dependencies: [
                "EdgeProfCollector", "EdgeProfAgent", "EdgeProfStore", "EdgeProfPostgres", "EdgeProfSim",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "EdgeProfCLITests", dependencies: ["EdgeProfCore"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
