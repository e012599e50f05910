import Vapor
import BidForge

let settings: Settings
do {
    settings = try Settings.fromEnvironment()
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

var env = try Environment.detect()
switch settings.logFormat {
case .json:
    let level = settings.logLevel
    LoggingSystem.bootstrap { label in BidForgeLogging.jsonHandler(label: label, level: level) }
case .text:
    try LoggingSystem.bootstrap(from: &env)
}
let app = try await Application.make(env)
do {
    try await configure(app, settings: settings)
    BidForgeCommands.register(in: app)
    try await app.execute()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
