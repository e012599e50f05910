import Testing

@testable import BidForgeCore

@Suite struct TrustedProxiesTests {
    @Test func withoutTrustedProxiesTheHeaderIsIgnored() {
        #expect(TrustedProxies.none.clientAddress(peer: "203.0.113.9", forwardedFor: "1.2.3.4") == "203.0.113.9")
    }

    @Test func aTrustedProxyForwardsTheClientAddress() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "198.51.100.7") == "198.51.100.7")
        // Hops are read from the right; trusted hops are skipped, a forged left-most entry is not believed.
        #expect(
            proxies.clientAddress(peer: "10.1.2.3", forwardedFor: "6.6.6.6, 198.51.100.7, 10.9.9.9") == "198.51.100.7")
    }

    @Test func anUntrustedPeerCannotChooseItsAddress() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8")
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: "10.0.0.1") == "192.0.2.1")
        #expect(proxies.clientAddress(peer: "11.0.0.1", forwardedFor: "1.1.1.1") == "11.0.0.1")
    }

    @Test func garbageInTheHeaderStopsTheWalk() throws {
        let proxies = try TrustedProxies(parsing: "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "not-an-ip") == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "") == "127.0.0.1")
    }

    @Test func cidrRangesMatchByPrefix() throws {
        let proxies = try TrustedProxies(parsing: "172.16.0.0/12, fd00::/8, ::1")
        #expect(proxies.trusts("172.31.255.255"))
        #expect(!proxies.trusts("172.32.0.0"))
        #expect(proxies.trusts("fd12:3456::1"))
        #expect(!proxies.trusts("fe80::1"))
        #expect(proxies.trusts("::1"))
        #expect(proxies.trusts("::ffff:172.16.0.1"))
    }

    @Test func badEntriesAreRefusedByName() {
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies(parsing: "10.0.0.0/33") }
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies(parsing: "proxy.local") }
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies(parsing: "1.2.3") }
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies(parsing: "1::2::3") }
    }
}
