import Foundation
import Testing

@testable import BidForge
@testable import BidForgeCore

/// The hand-written project JSON is `JSONCoding.encoder`'s output byte for byte, for random projects whose text holds
/// every character JSON escapes (and some it does not).
@Suite struct JSONBytesTests {
    static let awkward: [String] = [
        "", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\rreturn", "\u{8}\u{c}",
        String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self), "del \u{7f}", "line sep \u{2028} \u{2029}",
        "accents é ñ ü, CJK 漢字, emoji 🏗️👷🏽‍♀️", "</script><script>alert(1)</script>", "50% & <b>"
    ]

    @Test func projectJSONIsTheEncodersOwn() throws {
        var random = SeededRandom(seed: 11)
        func text() -> String {
            (0..<random.int(1...3)).map { _ in random.pick(Self.awkward) }.joined(separator: random.pick(["", " "]))
        }
        func date() -> Date {
            Date(
                timeIntervalSince1970: Double(random.int(-2_000_000_000...4_000_000_000))
                    + random.pick([0, 0.25, 0.999]))
        }
        for _ in 0..<300 {
            let p = ProjectModel()
            p.id = random.uuid()
            p.companyId = random.uuid()
            p.createdBy = random.uuid()
            p.title = text()
            p.description = text()
            p.status = random.pick(ProjectStatus.allCases)
            p.visibility = random.pick([.public, .inviteOnly])
            p.sealed = random.chance(0.5)
            p.trades = random.chance(0.2) ? [] : Array(Trades.codes.sorted().prefix(random.int(1...4)))
            p.address = random.chance(0.5) ? text() : nil
            p.city = text()
            p.state = "TX"
            p.postalCode = text()
            p.country = random.chance(0.9) ? "US" : text()
            p.budgetMinCents = random.chance(0.5) ? Int64(random.int(0...Int(Int32.max))) : nil
            p.budgetMaxCents = random.chance(0.5) ? Int64(random.int(0...Int(Int32.max))) * 1000 : nil
            p.bidDueAt = date()
            p.publishedAt = random.chance(0.5) ? date() : nil
            p.awardedAt = nil
            p.awardedBidId = random.chance(0.3) ? random.uuid() : nil
            p.addendumCount = random.int(0...40)
            p.createdAt = date()
            p.updatedAt = date()
            let dto = try ProjectDTO(p, bidCount: random.int(0...500))
            let expected = try JSONCoding.encoder.encode(dto)
            #expect(
                dto.json == Array(expected),
                "\(String(decoding: dto.json, as: UTF8.self))\n\(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test func datesAreFormattedAsFoundationFormatsThem() {
        var random = SeededRandom(seed: 5)
        var dates = [
            -62_135_596_800, -11_676_096_001, -11_676_096_000, -1, 0, 1, 86_399, 86_400, 951_782_400, 4_107_542_399,
            253_402_300_799
        ].map {
            Date(timeIntervalSince1970: Double($0))
        }
        for _ in 0..<5000 {
            let whole = Double(random.int(-11_676_096_000...253_402_300_799))
            dates.append(Date(timeIntervalSince1970: whole + random.pick([0, 0.001, 0.5, 0.999_999])))
        }
        for date in dates {
            #expect(
                JSONCoding.formatDate(date) == JSONCoding.foundationFormatted(date), "\(date.timeIntervalSince1970)")
        }
    }
}
