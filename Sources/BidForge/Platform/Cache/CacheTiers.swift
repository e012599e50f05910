import Foundation
import NIOConcurrencyHelpers
import NIOCore
import RedisWire

/// One tier of the read cache: bytes under a key, for a time. Tiers never throw to their callers' users: a tier that
/// cannot answer is a miss (and the `Cache` decides what a failing shared tier means).
protocol CacheTier: Sendable {
    var name: String { get }
    func get(_ key: String, now: Date) async throws -> [UInt8]?
    func set(_ key: String, _ value: [UInt8], ttl: TimeInterval, now: Date) async throws
}

/// L1: in this process, bounded by bytes, least recently used out first. Expiry follows the app's clock (tests move it).
final class MemoryTier: CacheTier, Sendable {
    let name = "l1"
    private let store: LRUMemory<[UInt8]>

    init(capacityBytes: Int) { store = LRUMemory(capacityBytes: capacityBytes) { $0.count } }

    var capacityBytes: Int { store.capacityBytes }
    var count: Int { store.count }
    var bytes: Int { store.bytes }

    func get(_ key: String, now: Date) -> [UInt8]? { store.get(key, now: now) }
    func set(_ key: String, _ value: [UInt8], ttl: TimeInterval, now: Date) {
        store.set(key, value, ttl: ttl, now: now)
    }
    func removeAll() { store.removeAll() }
}

/// Values under keys in this process, bounded by their cost in bytes, least recently used out first.
final class LRUMemory<Value: Sendable>: @unchecked Sendable {
    let capacityBytes: Int
    private let cost: @Sendable (Value) -> Int
    private let lock = NIOLock()
    private var entries: [String: Node] = [:]
    private var head: Node?  // most recently used
    private var tail: Node?  // next to go
    private var usedBytes = 0

    private final class Node {
        let key: String
        let value: Value
        let cost: Int
        let expiresAt: Date
        var newer: Node?
        var older: Node?
        init(key: String, value: Value, cost: Int, expiresAt: Date) {
            self.key = key
            self.value = value
            self.cost = cost + key.utf8.count + 64
            self.expiresAt = expiresAt
        }
    }

    init(capacityBytes: Int, cost: @escaping @Sendable (Value) -> Int) {
        self.capacityBytes = capacityBytes
        self.cost = cost
    }

    var count: Int { lock.withLock { entries.count } }
    var bytes: Int { lock.withLock { usedBytes } }

    func get(_ key: String, now: Date) -> Value? {
        lock.withLock {
            guard let node = entries[key] else { return nil }
            guard node.expiresAt > now else {
                remove(node)
                return nil
            }
            moveToFront(node)
            return node.value
        }
    }

    func set(_ key: String, _ value: Value, ttl: TimeInterval, now: Date) {
        let node = Node(key: key, value: value, cost: cost(value), expiresAt: now.addingTimeInterval(ttl))
        lock.withLock {
            if let old = entries[key] { remove(old) }
            guard node.cost <= capacityBytes else { return }  // bigger than the whole budget: not worth holding
            entries[key] = node
            usedBytes += node.cost
            pushFront(node)
            while usedBytes > capacityBytes, let victim = tail { remove(victim) }
        }
    }

    func removeAll() {
        lock.withLock {
            entries.removeAll()
            head = nil
            tail = nil
            usedBytes = 0
        }
    }

    private func pushFront(_ node: Node) {
        node.older = head
        node.newer = nil
        head?.newer = node
        head = node
        if tail == nil { tail = node }
    }

    private func unlink(_ node: Node) {
        node.newer?.older = node.older
        node.older?.newer = node.newer
        if head === node { head = node.older }
        if tail === node { tail = node.newer }
        node.newer = nil
        node.older = nil
    }

    private func moveToFront(_ node: Node) {
        guard head !== node else { return }
        unlink(node)
        pushFront(node)
    }

    private func remove(_ node: Node) {
        unlink(node)
        entries[node.key] = nil
        usedBytes -= node.cost
    }
}

/// L2: Redis, shared by every instance (entries expire there by themselves).
struct RedisTier: CacheTier {
    let name = "l2"
    let redis: RedisClient

    func get(_ key: String, now: Date) async throws -> [UInt8]? {
        try await redis.get("bidforge:cache:" + key)
    }

    func get(_ keys: [String]) async throws -> [[UInt8]?] {
        try await redis.get(keys.map { "bidforge:cache:" + $0 })
    }

    func set(_ key: String, _ value: [UInt8], ttl: TimeInterval, now: Date) async throws {
        try await redis.set("bidforge:cache:" + key, value, expireMilliseconds: max(1, Int(ttl * 1000)))
    }
}

/// L3: the object store, for results that are large or slow to build (the analytics report). Each object starts with
/// its expiry (8 bytes, seconds since 1970) because the store itself does not expire anything.
struct ObjectStoreTier: CacheTier {
    let name = "l3"
    let storage: any ObjectStorage

    static func objectKey(_ key: String) -> String { "cache/" + CacheKeys.digest(key) }

    func get(_ key: String, now: Date) async throws -> [UInt8]? {
        let object: ByteBuffer
        do {
            object = try await storage.get(Self.objectKey(key))
        } catch StorageError.notFound {
            return nil
        }
        guard object.readableBytes >= 8,
            let bytes = object.getBytes(at: object.readerIndex, length: object.readableBytes)
        else { return nil }
        let expiry = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard Double(expiry) > now.timeIntervalSince1970 else { return nil }
        return Array(bytes.dropFirst(8))
    }

    func set(_ key: String, _ value: [UInt8], ttl: TimeInterval, now: Date) async throws {
        let expiry = UInt64(max(0, now.addingTimeInterval(ttl).timeIntervalSince1970))
        let header = (0..<8).reversed().map { UInt8(truncatingIfNeeded: expiry >> (UInt64($0) * 8)) }
        try await storage.put(
            Self.objectKey(key), body: ByteBuffer(bytes: header + value), contentType: "application/octet-stream")
    }
}
