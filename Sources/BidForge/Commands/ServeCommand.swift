@preconcurrency import Dispatch
import NIOConcurrencyHelpers
import Vapor

/// `bidforge serve`: Vapor's serve, plus draining. On SIGTERM (or Ctrl-C) `/api/ready` turns 503 at once, the server
/// keeps serving for `SHUTDOWN_DRAIN_SECONDS` so load balancers take it out of rotation, then stops accepting and
/// waits up to `SHUTDOWN_GRACE_SECONDS` for in-flight requests. A second signal exits immediately.
final class DrainingServeCommand: AsyncCommand, Sendable {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Listen on this address instead of HOST.")
        var hostname: String?
        @Option(name: "port", short: "p", help: "Listen on this port instead of PORT.")
        var port: Int?
    }

    var help: String { "Serve the API over HTTP until SIGTERM or Ctrl-C, then drain and stop." }
    private let signalSources = NIOLockedValueBox<[any DispatchSourceSignal]>([])

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.server.start(address: .hostname(signature.hostname, port: signature.port))
        let stopped = app.eventLoopGroup.next().makePromise(of: Void.self)
        app.running = .start(using: stopped)
        app.startBackgroundWork()

        let signals = NIOLockedValueBox(0)
        let queue = DispatchQueue(label: "bidforge.shutdown")
        for code in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: code, queue: queue)
            source.setEventHandler {
                let count = signals.withLockedValue {
                    $0 += 1
                    return $0
                }
                if count == 1 {
                    Self.armWatchdog(app, on: queue)
                    Task { await Self.drainThenStop(app, stopped: stopped) }
                } else {
                    app.logger.warning("second shutdown signal: exiting without waiting for in-flight requests")
                    // `_exit`, not `exit`: exit handlers and static destructors can block on a lock a stuck thread holds.
                    _exit(1)
                }
            }
            source.resume()
            signalSources.withLockedValue { $0.append(source) }
        }
    }

    /// Past drain + grace, the moment to close pools and flush logs before the process is ended.
    static let exitAllowance = 1

    /// The promise that shutdown ends in time, whatever hangs: a dispatcher waiting on a database that is down, a Redis
    /// reconnect, a socket that never closes. Runs on the signal queue, not the concurrency pool that might be stuck.
    static func armWatchdog(_ app: Application, on queue: DispatchQueue) {
        let settings = app.settings
        let limit = settings.shutdownDrainSeconds + settings.shutdownGraceSeconds + exitAllowance
        let logger = app.logger
        queue.asyncAfter(deadline: .now() + .seconds(limit)) {
            logger.critical(
                "shutdown did not finish within drain + grace: exiting now",
                metadata: ["limitSeconds": .stringConvertible(limit)])
            _exit(1)
        }
    }

    static func drainThenStop(_ app: Application, stopped: EventLoopPromise<Void>) async {
        let settings = app.settings
        app.isDraining = true
        app.logger.notice(
            "shutdown requested: /api/ready now answers 503",
            metadata: [
                "drainSeconds": .stringConvertible(settings.shutdownDrainSeconds),
                "graceSeconds": .stringConvertible(settings.shutdownGraceSeconds)
            ])
        if settings.shutdownDrainSeconds > 0 { try? await Task.sleep(for: .seconds(settings.shutdownDrainSeconds)) }
        // One grace period for everything: in-flight requests first (the server waits for them up to `grace`), then
        // the background loops in what is left; a loop stuck on a dead dependency is abandoned.
        let graceEnds = ContinuousClock.now + .seconds(settings.shutdownGraceSeconds)
        await app.server.shutdown()
        let left = max(.milliseconds(200), graceEnds - ContinuousClock.now)
        let finished: Void? = await withTimeout(left) { await app.stopBackgroundWork() }
        if finished == nil { app.logger.warning("background work did not stop within the grace period; leaving it") }
        app.logger.notice("server stopped; in-flight requests have finished")
        stopped.succeed()
    }
}
