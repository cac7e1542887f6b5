import Foundation
import GRDB

/// A date as the SQLite stores bind it: the text GRDB stores a `Date` as ("yyyy-MM-dd
/// HH:mm:ss.SSS", UTC, to the nearest millisecond), computed with integer arithmetic. GRDB formats a
/// bound `Date` with one shared `DateFormatter`, which is not thread-safe on Linux: when two
/// threads first use it at once, one can get the formatter before its format is set and write an
/// empty string — a row no later read can decode (the full test suite stored an actor's
/// `added_at` as "" and then trapped reading it). Every date the SQLite stores bind goes through
/// this type instead; the whole suite passes with GRDB's own date binding made to trap.
public struct StoredDate: DatabaseValueConvertible, Sendable, Hashable {
    public var date: Date

    public init(_ date: Date) {
        self.date = date
    }

    public var databaseValue: DatabaseValue { Self.text(date).databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(dbValue).map(StoredDate.init)
    }

    /// The stored text of `date`; nil-free: a date beyond what a Double of milliseconds holds is clamped.
    static func text(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down)
        let limit = 253_402_300_799_999.0  // 9999-12-31 23:59:59.999
        let clamped = Int64(min(max(milliseconds, -62_135_596_800_000), limit))
        let (days, millisecondOfDay) = floorDivision(clamped, 86_400_000)
        let (year, month, day) = civil(fromDaysSinceEpoch: days)
        let hour = millisecondOfDay / 3_600_000
        let minute = millisecondOfDay / 60_000 % 60
        let second = millisecondOfDay / 1000 % 60
        let millisecond = millisecondOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))"
    }

    /// Quotient rounded down and a remainder that is never negative.
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01, by 400-year eras (each
    /// 146 097 days) counted from 0000-03-01, so that a leap day ends its year.
    private static func civil(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension Date {
    /// This date as the SQLite stores bind it (`StoredDate`).
    public var stored: StoredDate { StoredDate(self) }
}
