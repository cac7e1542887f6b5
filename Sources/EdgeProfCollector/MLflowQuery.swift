import EdgeProfCore

/// Query parameters as MLflow's client (Python `requests`) encodes them: form encoding, where
/// `+` is a space and `%2B` a plus, and a key may repeat (`order_by`).
enum MLflowQuery {
    static func parameters(_ query: String?) -> [String: [String]] {
        FormEncoding.fields(query)
    }
}
