// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "hubd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hubd", targets: ["hubd"]),
        .executable(name: "hubbench", targets: ["hubbench"]),
        .executable(name: "crelay", targets: ["crelay"]),
        .executable(name: "restload", targets: ["restload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", exact: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // rabbitmq-c 0.11 (Debian 12: librabbitmq-dev).
        .systemLibrary(
            name: "CRabbitMQ", pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]),
        // libxml2 (Debian 12: libxml2-dev) for hardened parsing and XSD validation.
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),

        .target(
            name: "Dialogs",
            dependencies: ["CLibXML2", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Schemas")]),
        .target(name: "AddressRegistry"),
        .target(
            name: "Hub",
            dependencies: [
                "Dialogs", "AddressRegistry",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the statements run for every message (`BoundStatement`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        // The fleet's store: the same protocol as the SQLite store, on a shared PostgreSQL database.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Hub", "Dialogs", "AddressRegistry",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "AMQPBridge",
            dependencies: [
                "CRabbitMQ", "Hub",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "RESTBridge",
            dependencies: [
                "Hub", "Dialogs", "AddressRegistry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")]),
        .executableTarget(
            name: "hubd",
            dependencies: [
                "Hub", "AMQPBridge", "AddressRegistry", "Dialogs", "RESTBridge", "PostgresStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // gperftools' tcmalloc instead of glibc's malloc, for the daemon only: a tenth less
            // CPU per message (docs/performance.md, "An allocator for the daemon").
            linkerSettings: [.linkedLibrary("tcmalloc_minimal", .when(platforms: [.linux]))]),
        .executableTarget(
            name: "hubbench",
            dependencies: [
                "AMQPBridge", "Dialogs", "Hub", "RESTBridge", "PostgresStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // hubbench's baseline: the plainest confirmed relay rabbitmq-c allows, in C.
        // Its durable mode (hubbench's floor) validates with libxml2 and stores with SQLite.
        .executableTarget(
            name: "crelay",
            dependencies: ["CLibXML2"],
            linkerSettings: [.linkedLibrary("rabbitmq"), .linkedLibrary("sqlite3")]),
        // hubbench's REST client: prepared requests over keep-alive connections, in C.
        .executableTarget(name: "restload"),

        .testTarget(name: "DialogsTests", dependencies: ["Dialogs"]),
        .testTarget(name: "AddressRegistryTests", dependencies: ["AddressRegistry"]),
        .testTarget(
            name: "HubTests",
            dependencies: [
                "Hub", "PostgresStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // What AMQPBridgeTests and IntegrationTests share (test targets cannot depend on each
        // other): the test cluster of scripts/cluster, and running its script.
        .target(name: "ClusterTestSupport", path: "Tests/ClusterTestSupport"),
        .testTarget(name: "AMQPBridgeTests", dependencies: ["AMQPBridge", "ClusterTestSupport"]),
        .testTarget(
            name: "RESTBridgeTests",
            dependencies: [
                "RESTBridge", "Hub",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Hub", "AMQPBridge", "Dialogs", "AddressRegistry", "RESTBridge", "ClusterTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
    ]
)
