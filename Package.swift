// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "BidForge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bidforge", targets: ["bidforge"]),
        .library(name: "BidForge", targets: ["BidForge"]),
        .library(name: "BidForgeCore", targets: ["BidForgeCore"]),
        .library(name: "RedisWire", targets: ["RedisWire"]),
        .library(name: "S3Wire", targets: ["S3Wire"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/jwt.git", from: "5.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        // The OpenAPI document is built from its typed values; external reference loading (a trait) is not needed.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: [])
    ],
    targets: [
        .target(name: "BidForgeCore"),
        .target(
            name: "RedisWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")
            ]
        ),
        .target(
            name: "S3Wire",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio")
            ]
        ),
        // libvips, opened with dlopen at run time: building needs no system package, running without it skips derivatives.
        .target(name: "CVips", linkerSettings: [.linkedLibrary("dl")]),
        .target(
            name: "S3WireTesting",
            dependencies: ["S3Wire", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(
            name: "RedisWireTesting", dependencies: ["RedisWire", .product(name: "NIOPosix", package: "swift-nio")]),
        .target(
            name: "BidForge",
            dependencies: [
                "BidForgeCore",
                "RedisWire",
                "S3Wire",
                "CVips",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "JWT", package: "jwt"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit")
            ]
        ),
        .executableTarget(
            name: "bidforge",
            dependencies: [
                "BidForge", .product(name: "Vapor", package: "vapor"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")
            ]
        ),
        .testTarget(name: "BidForgeCoreTests", dependencies: ["BidForgeCore"]),
        .testTarget(name: "RedisWireTests", dependencies: ["RedisWire", "RedisWireTesting"]),
        .testTarget(name: "S3WireTests", dependencies: ["S3Wire", "S3WireTesting"]),
        .testTarget(
            name: "BidForgeTests",
            dependencies: [
                "BidForge",
                "RedisWireTesting",
                "S3WireTesting",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit")
            ]
        )
    ]
)
