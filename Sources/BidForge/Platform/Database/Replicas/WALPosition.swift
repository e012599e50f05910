import Foundation

/// A position in PostgreSQL's write-ahead log (`pg_lsn`, written `16/B374D848`): what a replica has replayed, and
/// the consistency token a caller's write leaves behind. Ordered, so "has this replica seen that write" is `>=`.
struct WALPosition: Comparable, Hashable, Sendable, CustomStringConvertible {
    let value: UInt64

    init(_ value: UInt64) { self.value = value }

    /// `X/Y` with X and Y in hexadecimal, 1–8 digits each (PostgreSQL's text form); nil for anything else, so a
    /// token a client sends back is either a position or ignored.
    init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...8).contains(parts[0].count), (1...8).contains(parts[1].count),
            let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    /// Sixteen hex digits, zero-padded: ordered as text too (Redis compares tokens as strings).
    var fixedWidth: String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    init?(fixedWidth text: some StringProtocol) {
        guard text.count == 16, let value = UInt64(text, radix: 16) else { return nil }
        self.value = value
    }

    /// `pg_current_wal_insert_lsn()` names where the next record will start: just past a page header when the last
    /// record ended on a page boundary (24 bytes; 40 at the start of a segment, whose size is a power of two of at
    /// least 1 MB). A replica that has replayed that last record stops at the boundary itself, so a token taken there
    /// is moved back to it; otherwise the caller's reads would wait on the primary until someone else writes.
    var asRecordEnd: WALPosition {
        let page: UInt64 = 8192
        if value % page == 24 { return WALPosition(value - 24) }
        if value % page == 40, (value - 40) % (1 << 20) == 0 { return WALPosition(value - 40) }
        return self
    }

    static func < (lhs: WALPosition, rhs: WALPosition) -> Bool { lhs.value < rhs.value }
}
