import Foundation

/// What a `Range` request header asks of a representation `size` bytes long (RFC 9110 §14). One range only: a
/// multi-range request is served whole, which the RFC allows.
public enum ByteRangeRequest: Equatable, Sendable {
    /// No usable Range header: send everything with 200.
    case whole
    /// Send these bytes with 206.
    case partial(ClosedRange<Int64>)
    /// The range starts past the end: 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    public static func parse(_ header: String?, size: Int64) -> ByteRangeRequest {
        guard let header else { return .whole }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst("bytes=".count)
        guard !spec.contains(",") else { return .whole }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .whole }
        switch (Int64(parts[0]), Int64(parts[1])) {
        case (let first?, let last?) where first >= 0 && last >= first:
            guard first < size else { return .unsatisfiable }
            return .partial(first...min(last, size - 1))
        case (let first?, nil) where parts[1].isEmpty && first >= 0:
            guard first < size else { return .unsatisfiable }
            return .partial(first...(size - 1))
        case (nil, let suffix?) where parts[0].isEmpty && suffix > 0:
            guard size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        case (nil, let suffix?) where parts[0].isEmpty && suffix == 0:
            return .unsatisfiable
        default:
            return .whole  // syntactically invalid: ignored, as the RFC says
        }
    }
}
