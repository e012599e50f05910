import Foundation

public enum CalendarMonth {
    /// Midnight UTC on the first day of the month that contains `date`: the start of a plan's monthly bid allowance.
    public static func start(of date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return calendar.date(from: parts)!
    }
}
