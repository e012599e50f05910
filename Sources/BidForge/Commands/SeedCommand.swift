import Vapor

struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Fill the database with demo data." }
    func run(using context: CommandContext, signature: Signature) async throws {
        context.console.print("seed: not yet implemented")
    }
}
