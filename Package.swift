// swift-tools-version: 6.1
// feedcrawler: a news-feed crawler daemon. Target graph (arrows = "depends on"):
//   feedcrawler (thin CLI) -> CrawlerCore (config, schedule, pipeline, service)
//   CrawlerCore -> Fetch, Feeds, Extract, Dedup, Store, Spool -> CrawlerModel (plain values, dates, text)
//   Fetch -> Curl -> CCurl (libcurl);  Feeds, Extract -> LibXML2 -> CLibXML2 (libxml2)
//   Dedup -> LibCrypto -> CLibCrypto (OpenSSL's libcrypto, for SHA-256); Dedup -> CMinHashKernel (AVX2 loop)
// Each C library has exactly one Swift importer (Curl, LibXML2, LibCrypto; SQLite: GRDB, and Store's
// DirectStatement for the per-article statements); no other target sees a C type.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "feedcrawler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "feedcrawler", targets: ["feedcrawler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries from Debian -dev packages (libcurl4-openssl-dev, libxml2-dev, libssl-dev).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // The only importers of the C modules.
        .target(name: "Curl", dependencies: ["CCurl"], swiftSettings: strictSettings),
        .target(name: "LibXML2", dependencies: ["CLibXML2", "CParseArena"], swiftSettings: strictSettings),
        .target(name: "LibCrypto", dependencies: ["CLibCrypto"], swiftSettings: strictSettings),
        // Dedup's MinHash loop in AVX2 (C, chosen at run time; Dedup is its only importer).
        .target(name: "CMinHashKernel"),
        // The region allocator libxml2 parses article pages in (C for its thread-locals; LibXML2 is its only
        // importer and installs it).
        .target(name: "CParseArena"),

        // The domain, one target per stage so the compiler enforces the dependency direction.
        .target(name: "CrawlerModel", swiftSettings: strictSettings),
        .target(name: "Fetch", dependencies: ["Curl", "CrawlerModel"], swiftSettings: strictSettings),
        .target(name: "Feeds", dependencies: ["LibXML2", "CrawlerModel"], swiftSettings: strictSettings),
        .target(name: "Extract", dependencies: ["LibXML2", "CrawlerModel"], swiftSettings: strictSettings),
        .target(name: "Dedup", dependencies: ["CrawlerModel", "LibCrypto", "CMinHashKernel"], swiftSettings: strictSettings),
        .target(name: "Store", dependencies: ["CrawlerModel", "Spool", "Dedup", .product(name: "GRDB", package: "GRDB.swift"),
                                            .product(name: "GRDBSQLite", package: "GRDB.swift")],
                swiftSettings: strictSettings),
        .target(name: "Spool", dependencies: ["CrawlerModel"], swiftSettings: strictSettings),
        .target(
            name: "CrawlerCore",
            dependencies: [
                "CrawlerModel", "Fetch", "Feeds", "Extract", "Dedup", "Store", "Spool", "LibXML2",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "feedcrawler",
            dependencies: [
                "CrawlerCore", "CrawlerModel", "Feeds", "Extract", "Dedup", "Spool", "Fetch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Issue 5's benchmark (Scripts/bench-dedup): dedup quality on the evaluation set, index speed and size.
        .executableTarget(name: "feedcrawler-bench-dedup", dependencies: ["Dedup", "Store", "Spool"],
                          swiftSettings: strictSettings),

        .testTarget(name: "CurlTests", dependencies: ["Curl", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "LibXML2Tests", dependencies: ["LibXML2"], swiftSettings: strictSettings),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds", "TestSupport"], exclude: ["Fixtures", "Conformance"],
                    swiftSettings: strictSettings),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "TestSupport"], exclude: ["Fixtures"],
                    swiftSettings: strictSettings),
        .testTarget(name: "DedupTests", dependencies: ["Dedup"], swiftSettings: strictSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Spool", "Dedup", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "CrawlerCoreTests", dependencies: ["CrawlerCore", "Store", "TestSupport"],
                    swiftSettings: strictSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "feedcrawler"], swiftSettings: strictSettings),
        // Shared test helpers: temp dirs, the loopback test origin process, running the built binary.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),
    ]
)

// Issue 7's libFuzzer targets (Fuzz/, run by Scripts/fuzz). Declared only when FEEDCRAWLER_FUZZ=1: they call
// libFuzzer's driver, which exists only in a `-sanitize=fuzzer` build, so an ordinary build must not see them.
if Context.environment["FEEDCRAWLER_FUZZ"] == "1" {
    for (name, dependencies) in [("fuzz-feed-parser", ["Feeds", "CrawlerModel"]),
                                 ("fuzz-html-extractor", ["Extract"]),
                                 ("fuzz-date-parser", ["CrawlerModel", "Extract"]),
                                 ("fuzz-url-canonicalizer", ["Dedup"])] {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies.map { .target(name: $0) },
                                                 path: "Fuzz/Sources/\(name)", swiftSettings: strictSettings))
    }
}
