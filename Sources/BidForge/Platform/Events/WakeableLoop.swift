import NIOConcurrencyHelpers

/// Background work that runs whenever it is nudged (right after a commit that gave it something to do) and every
/// `interval` besides (for work other instances committed, or left by a crash). One run at a time; nudges during a
/// run cause one more run, not one each.
final class WakeableLoop: Sendable {
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])

    init() {
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func nudge() { wake.yield() }

    func start(every interval: Duration, _ work: @escaping @Sendable () async -> Void) {
        let wakeups = self.wakeups
        let worker = Task {
            for await _ in wakeups { await work() }
        }
        let poller = Task { [wake] in
            while !Task.isCancelled {
                wake.yield()
                try? await Task.sleep(for: interval)
            }
        }
        tasks.withLockedValue { $0 = [worker, poller] }
    }

    func stop() async {
        let running = tasks.withLockedValue { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        wake.finish()
        for task in running { await task.value }
    }
}
