#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// log Γ(x) from the C library (Foundation's overlay makes the bare name ambiguous).
func logGamma(_ x: Double) -> Double {
    #if canImport(Glibc)
    Glibc.lgamma(x)
    #else
    Darwin.lgamma(x)
    #endif
}
