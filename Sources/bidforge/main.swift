import BidForge
import NIOCore
import NIOPosix
import Vapor

// `--services a,b` is ours; everything else goes to Vapor's command parser.
var arguments = CommandLine.arguments
var settings: Settings
do {
    settings = try Settings.fromEnvironment()
    if let flag = arguments.firstIndex(of: "--services") {
        guard flag + 1 < arguments.count else {
            throw Settings.ServicesError(description: "--services needs a list, e.g. --services auth,projects")
        }
        settings.services = try Settings.parseServices(arguments[flag + 1])
        arguments.removeSubrange(flag...(flag + 1))
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

var env = try Environment.detect(arguments: arguments)
switch settings.logFormat {
case .json:
    let level = settings.logLevel
    LoggingSystem.bootstrap { label in BidForgeLogging.jsonHandler(label: label, level: level) }
case .text:
    try LoggingSystem.bootstrap(from: &env)
}
let app = try await Application.make(env)
// Swift Concurrency's jobs run on NIO's event loops, so a request no longer hops between two thread pools on its way
// through async handlers (in Benchmarks/run the cached listing went from about 3,600 to 4,800 requests/s). Blocking work goes to NIOThreadPool.
let onNIO = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
app.logger.debug("Swift Concurrency runs on \(onNIO ? "SwiftNIO's event loops" : "its default executor")")
do {
    try await configure(app, settings: settings)
    BidForgeCommands.register(in: app)
    try await app.execute()
} catch {
    // A command that failed (a refused seed, a bad flag) exits 1 with its message, not a crash report.
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
