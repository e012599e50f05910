import NIOConcurrencyHelpers
import Vapor

/// Where "now" comes from, so tests can move time past a bid due date.
public struct AppClock: Sendable {
    public let now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }
    public static let system = AppClock { Date() }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    public var clock: AppClock {
        get { storage[ClockKey.self] ?? .system }
        set { storage[ClockKey.self] = newValue }
    }

    public var settings: Settings {
        get {
            if let settings = storage[SettingsKey.self] { return settings }
            // Shutting down clears the storage while the last requests may still be answered: they get the settings
            // this process was configured with, not a crash.
            guard let last = LastSettings.value.withLockedValue({ $0 }) else {
                fatalError("configure(_:settings:) was not called")
            }
            return last
        }
        set {
            storage[SettingsKey.self] = newValue
            LastSettings.value.withLockedValue { $0 = newValue }
        }
    }
}

private enum LastSettings {
    static let value = NIOLockedValueBox<Settings?>(nil)
}

extension Application {
    /// A part `configure(_:settings:)` installs; asking before it ran is a programming error.
    func configured<Key: StorageKey>(_ key: Key.Type, _ name: String) -> Key.Value {
        guard let value = storage[key] else { fatalError("configure(_:settings:) sets \(name)") }
        return value
    }
}

extension Request {
    var now: Date { application.clock.now() }
}
