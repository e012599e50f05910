/// `?page=&limit=` as the contract says: limit defaults to 20 and is clamped to 100; page starts at 1.
public struct Paging: Equatable, Sendable {
    public static let defaultLimit = 20
    public static let maxLimit = 100
    /// Deep offsets are refused rather than scanned: keyset pagination is the way past them.
    public static let maxPage = 100_000

    public let page: Int
    public let limit: Int

    public var offset: Int { (page - 1) * limit }

    public init(page: Int?, limit: Int?) throws(ValidationErrors) {
        var errors = ValidationErrors()
        let page = page ?? 1
        let limit = limit ?? Self.defaultLimit
        if page < 1 { errors.add("page", "must be 1 or more") }
        if page > Self.maxPage { errors.add("page", "must be at most \(Self.maxPage)") }
        if limit < 1 { errors.add("limit", "must be 1 or more") }
        try errors.throwIfAny()
        self.page = page
        self.limit = min(limit, Self.maxLimit)
    }
}
