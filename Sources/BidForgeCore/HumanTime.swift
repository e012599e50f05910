import Foundation

/// Times as people read them in texts that cannot be localised by a page script (notification titles and bodies, and
/// the pages without JavaScript): "Wed 2 Dec 2026, 17:00 UTC".
public enum HumanTime {
    public static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE d MMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
