#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `printf`'s `%.Ng` straight from the C library: the text `String(format: "%.4g", x)` gives,
/// without Foundation's format-string machinery, for messages written on every upload.
public enum GeneralFormat {
    /// `value` with `significantDigits` (1–17) significant digits, as `%.*g` writes it.
    public static func string(_ value: Double, significantDigits: Int) -> String {
        let digits = Int32(clamping: min(max(significantDigits, 1), 17))
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            let written = withVaList([digits, value]) { vsnprintf(buffer.baseAddress, buffer.count, "%.*g", $0) }
            guard written > 0, let base = buffer.baseAddress else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: base, count: min(Int(written), buffer.count - 1)), as: UTF8.self)
        }
    }
}
