import Foundation

/// The proxies whose `X-Forwarded-For` header BidForge believes (`TRUSTED_PROXIES`: addresses or CIDR ranges, IPv4 or
/// IPv6). A header from anyone else is ignored, or any client could pick the address its rate limit is counted under.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        let network: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            var remaining = prefixLength
            for (a, n) in zip(address, network) {
                if remaining <= 0 { return true }
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if a & mask != n & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    let ranges: [Range]
    public static let none = TrustedProxies(ranges: [])
    public var isEmpty: Bool { ranges.isEmpty }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// `"10.0.0.0/8, 127.0.0.1, ::1"`.
    public init(parsing list: String) throws(ParseError) {
        var ranges: [Range] = []
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.parseAddress(parts[0]) else {
                throw ParseError(description: "TRUSTED_PROXIES: \"\(item)\" is not an IP address or CIDR range")
            }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let p = Int(parts[1]), p >= 0, p <= bytes.count * 8 else {
                    throw ParseError(description: "TRUSTED_PROXIES: \"\(item)\" has an invalid prefix length")
                }
                prefix = p
            }
            ranges.append(Range(network: bytes, prefixLength: prefix))
        }
        self.ranges = ranges
    }

    init(ranges: [Range]) { self.ranges = ranges }

    public func trusts(_ address: String) -> Bool {
        guard let bytes = Self.parseAddress(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer itself unless it is a trusted proxy, in which case `X-Forwarded-For` is read
    /// from the right, skipping trusted hops, and the first address not trusted is the client.
    public func clientAddress(peer: String, forwardedFor: String?) -> String {
        guard trusts(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        var client = peer
        for hop in hops.reversed() {
            guard Self.parseAddress(hop) != nil else { return client }
            client = hop
            if !trusts(hop) { return hop }
        }
        return client
    }

    /// Network-order bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address; IPv4-mapped IPv6 becomes IPv4.
    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            guard let bytes = parseIPv6(text) else { return nil }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return Array(bytes[12...])
            }
            return bytes
        }
        return parseIPv4(text)
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else {
                return nil
            }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt8]? {
            if s.isEmpty { return [] }
            var bytes: [UInt8] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() {
                if index == parts.count - 1, part.contains("."), let v4 = parseIPv4(String(part)) {
                    bytes += v4
                    continue
                }
                guard !part.isEmpty, part.count <= 4, let value = UInt16(part, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
