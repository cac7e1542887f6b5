import Foundation

/// Decodes JSON into a Codable type and refuses fields the type does not have, so a typo in a
/// client never silently drops data. A field holding `null` that the type leaves out is accepted:
/// nothing is lost by ignoring it.
public enum StrictJSON {
    /// Why a document was refused, naming the place.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed(String)
        case wrongShape(String)
        case unknownField(String)

        public var description: String {
            switch self {
            case .malformed(let detail): "the body is not valid JSON: \(detail)"
            case .wrongShape(let detail): detail
            case .unknownField(let path): "unknown field \(path); check its spelling against /openapi.json"
            }
        }
    }

    public static func decode<T: Codable>(_ type: T.Type, from data: Data) throws(Failure) -> T {
        try decodeCanonical(type, from: data).value
    }

    /// Decodes like `decode` and also returns the value as `JSONCoding.encoder` writes it (sorted
    /// keys), which the strict check produces anyway: hashing it gives a content digest without
    /// encoding the value a second time. The check compares the shapes (keys, elements, nulls) of
    /// the body and of the value written back (`CanonicalJSONEncoder`, whose tree gives its shape
    /// without reading the bytes again).
    /// An upload of a run (the collector's hot path) is first read in one pass
    /// (`RunUpload.fastDecode`); a document that pass declines is decoded as any other.
    public static func decodeCanonical<T: Codable>(_ type: T.Type, from data: Data) throws(Failure) -> (value: T, canonical: Data) {
        if T.self == RunUpload.self, let upload = RunUpload.fastDecode(data), let value = upload as? T {
            // Every key known and read once: nothing for the shape check to find.
            return (value, Data(upload.canonicalBytes))
        }
        return try decodeCanonicallyInGeneral(type, from: data)
    }

    /// `decodeCanonical` for any type and document: the shape, JSONDecoder, then the value written
    /// back. Public for the benchmark that compares it with the one-pass path.
    public static func decodeCanonicallyInGeneral<T: Codable>(_ type: T.Type, from data: Data) throws(Failure) -> (value: T, canonical: Data) {
        let given: JSONShape
        do {
            given = try JSONShape.read(data)
        } catch {
            throw .malformed("\(error)")
        }
        let value: T
        do {
            value = try JSONCoding.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw .wrongShape(describe(error))
        } catch {
            throw .wrongShape("\(error)")
        }
        guard let written = try? CanonicalJSONEncoder.node(of: value) else { throw .wrongShape("the body cannot be represented") }
        if let unknown = firstUnknownField(given, written.shape, path: "") { throw .unknownField(unknown) }
        return (value, Data(CanonicalJSONEncoder.bytes(of: written)))
    }

    /// The first field, in key order depth first, that the body has and the decoded value does
    /// not write back: a field the type does not know. A null the type leaves out is no loss.
    private static func firstUnknownField(_ given: JSONShape, _ known: JSONShape, path: String) -> String? {
        switch (given, known) {
        case (.object(let members), _):
            let knownMembers: [String: JSONShape]
            if case .object(let written) = known { knownMembers = written } else { knownMembers = [:] }
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                guard let knownValue = knownMembers[key] else {
                    if case .null = value { continue }
                    return childPath
                }
                if let unknown = firstUnknownField(value, knownValue, path: childPath) { return unknown }
            }
        case (.array(let elements), .array(let knownElements)):
            for (index, element) in elements.enumerated() where index < knownElements.count {
                if let unknown = firstUnknownField(element, knownElements[index], path: "\(path)[\(index)]") { return unknown }
            }
        default:
            break
        }
        return nil
    }

    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the body" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(place(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)) has the wrong type: expected \(readable(type))"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)) is null: expected \(readable(type))"
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt32.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: type is any Collection.Type ? "a list" : "an object"
        }
    }
}

/// The one JSON convention of the collector's API: ISO 8601 dates with milliseconds (plain
/// seconds accepted), sorted keys, and the numbers JSON has no literal for (a figure of an empty
/// group, an unbounded ratio) as the strings "NaN", "Infinity" and "-Infinity", as release records
/// write them.
public enum JSONCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(dateText(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = date(from: text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO 8601 time such as 2026-11-22T09:30:00Z")
        }
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// An ISO 8601 time as the decoder reads it: with a fraction of a second or without; nil otherwise.
    static func date(from text: String) -> Date? {
        if let date = try? withFraction.parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// A date as the collector writes it: ISO 8601 with milliseconds.
    static func dateText(_ date: Date) -> String {
        date.formatted(withFraction)
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
