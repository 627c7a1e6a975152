// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "hubd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hubd", targets: ["hubd"]),
        .executable(name: "hubbench", targets: ["hubbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
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
            dependencies: ["CLibXML2"],
            resources: [.copy("Schemas")]),
        .target(name: "AddressRegistry"),
        .target(
            name: "Hub",
            dependencies: [
                "Dialogs", "AddressRegistry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "AMQPBridge",
            dependencies: [
                "CRabbitMQ", "Hub",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "hubd",
            dependencies: [
                "Hub", "AMQPBridge", "AddressRegistry", "Dialogs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "hubbench",
            dependencies: [
                "AMQPBridge", "Hub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "DialogsTests", dependencies: ["Dialogs"]),
        .testTarget(name: "AddressRegistryTests", dependencies: ["AddressRegistry"]),
        .testTarget(name: "HubTests", dependencies: ["Hub", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AMQPBridgeTests", dependencies: ["AMQPBridge"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Hub", "AMQPBridge", "Dialogs", "AddressRegistry"]),
    ]
)
