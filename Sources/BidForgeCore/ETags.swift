import Foundation

/// Entity-tag comparison for conditional GETs (RFC 9110 §13.1.2): `If-None-Match` uses weak comparison, so
/// `W/"x"` matches `"x"`; `*` matches anything.
public enum ETags {
    public static func ifNoneMatchHits(_ header: String?, _ etag: String) -> Bool {
        guard let header else { return false }
        let wanted = opaque(etag)
        for candidate in header.split(separator: ",") {
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" || opaque(tag) == wanted { return true }
        }
        return false
    }

    /// The quoted part without the weakness marker.
    static func opaque(_ tag: String) -> String {
        tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
    }
}
