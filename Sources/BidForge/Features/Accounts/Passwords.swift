import BidForgeCore
import Vapor

enum Passwords {
    static let minLength = 10
    /// bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused.
    static let maxBytes = 72

    static func validate(_ password: String, into errors: inout ValidationErrors) {
        if password.count < minLength {
            errors.add("password", "must be at least \(minLength) characters")
        } else if password.utf8.count > maxBytes {
            errors.add("password", "must be at most \(maxBytes) bytes")
        }
    }

}

extension Application {
    private struct DecoyKey: StorageKey { typealias Value = String }

    /// A real hash at the configured cost, made once at start-up, for logins with an unknown email.
    var decoyPasswordHash: String {
        get { storage[DecoyKey.self] ?? "" }
        set { storage[DecoyKey.self] = newValue }
    }
}
