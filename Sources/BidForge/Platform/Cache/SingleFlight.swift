/// One build per key at a time in this process: concurrent misses for the same key wait for the first one's result.
actor SingleFlight {
    private var running: [String: Task<[UInt8], any Error>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> [UInt8]) async throws -> [UInt8] {
        if let existing = running[key] { return try await existing.value }
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}
