import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOWebSocket
import Testing
import Vapor

@testable import BidForge

/// A real WebSocket client on the test server: collects text frames and the close code.
final class SocketProbe: Sendable {
    private let texts = NIOLockedValueBox<[String]>([])
    private let closed = NIOLockedValueBox<WebSocketErrorCode?>(nil)
    private let isClosed = NIOLockedValueBox(false)
    private let socket = NIOLockedValueBox<WebSocket?>(nil)

    var frames: [J] {
        texts.withLockedValue { $0 }.map {
            J((try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))) ?? .null)
        }
    }
    var closeCode: WebSocketErrorCode? { closed.withLockedValue { $0 } }
    var didClose: Bool { isClosed.withLockedValue { $0 } }

    static func connect(port: Int, path: String = "/api/v1/realtime", token: String? = nil) async throws -> SocketProbe
    {
        let probe = SocketProbe()
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
        // (Vapor's `connect(to: String)` drops the query; this overload keeps `?ticket=` and `?since=`.)
        try await WebSocket.connect(
            scheme: "ws", host: "127.0.0.1", port: port, path: parts[0], query: parts.count > 1 ? parts[1] : nil,
            headers: headers, on: MultiThreadedEventLoopGroup.singleton
        ) { ws in
            probe.socket.withLockedValue { $0 = ws }
            ws.onText { _, text in probe.texts.withLockedValue { $0.append(text) } }
            ws.onClose.whenComplete { _ in
                probe.closed.withLockedValue { $0 = ws.closeCode }
                probe.isClosed.withLockedValue { $0 = true }
            }
        }.get()
        return probe
    }

    /// Waits up to `seconds` for `predicate` over the frames received so far.
    @discardableResult
    func wait(seconds: Double = 10, until predicate: ([J]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if predicate(frames) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return predicate(frames)
    }

    func waitForClose(seconds: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && !didClose { try? await Task.sleep(for: .milliseconds(10)) }
        return didClose
    }

    func close() async {
        try? await socket.withLockedValue { $0 }?.close()
    }
}

extension TestApp {
    /// Starts the real HTTP server on a free loopback port (sockets need one) and returns the port.
    func startServer() async throws -> Int {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        return try #require(app.http.server.shared.localAddress?.port)
    }

    /// Waits until the hub holds `count` sockets (upgrades finish asynchronously; a loaded machine may take seconds).
    func waitForSockets(_ count: Int) async {
        for _ in 0..<1_000 where app.realtimeHub.connectedCount != count {
            try? await Task.sleep(for: .milliseconds(10))
        }
        #expect(app.realtimeHub.connectedCount == count, "the hub holds \(count) sockets")
    }
}
