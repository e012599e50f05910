import NIOConcurrencyHelpers
import Vapor

extension Application {
    private struct DrainingKey: StorageKey { typealias Value = NIOLockedValueBox<Bool> }

    private var drainingFlag: NIOLockedValueBox<Bool> {
        if let flag = storage[DrainingKey.self] { return flag }
        let flag = NIOLockedValueBox(false)
        storage[DrainingKey.self] = flag
        return flag
    }

    /// Set when shutdown begins: `/api/ready` answers 503 so load balancers stop sending new traffic.
    var isDraining: Bool {
        get { drainingFlag.withLockedValue { $0 } }
        set { drainingFlag.withLockedValue { $0 = newValue } }
    }
}
