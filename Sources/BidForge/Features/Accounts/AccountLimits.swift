import BidForgeCore
import Vapor

extension Request {
    /// Sign-ups per client address (`RATE_LIMIT_REGISTRATIONS_PER_HOUR`): the API's and the page's.
    func enforceSignUpLimit() async throws {
        try await enforceRateLimit(
            ["register:ip:\(clientAddress)"], rule: .perHour(application.settings.registrationsPerHour))
    }

    /// Sign-in attempts per client address and per email (`RATE_LIMIT_LOGIN_PER_MINUTE`): the API's and the page's.
    func enforceSignInLimit(email: String) async throws {
        try await enforceRateLimit(
            ["login:ip:\(clientAddress)", "login:email:\(EmailAddress.normalized(email))"],
            rule: .perMinute(application.settings.loginAttemptsPerMinute))
    }
}
