/// The EdgeProf release this code is.
public enum EdgeProfVersion {
    public static let current = "0.1.0"
}
