import EdgeProfCore

/// The shapes the collector enforces, as JSON Schema for the OpenAPI document: what a request
/// must look like to be read at all (anything else is 400), so that a generated request the
/// document allows is never refused for its shape.
enum OpenAPISchemas {
    static var modelName: [String: Any] { ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"] }
    /// semver.org's grammar, numbers bounded to what a version holds.
    static var semanticVersion: [String: Any] { [
        "type": "string",
        "pattern": #"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-(0|[1-9][0-9]{0,8}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]{0,8}|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"#,
    ] }
    static var modelReference: [String: Any] { [
        "type": "string", "description": "NAME@VERSION",
        "pattern": #"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}@(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$"#,
    ] }
    static var actorName: [String: Any] { ["type": "string", "pattern": "^[A-Za-z0-9._@-]{1,64}$"] }
    static var benchName: [String: Any] { ["type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"] }
    static var device: [String: Any] { ["type": "string", "description": "BOARD:SERIAL", "pattern": "^[^:\\s]{1,128}:[^\\s]{1,128}$"] }
    /// Something a person wrote: not empty, not only spaces.
    static var prose: [String: Any] { ["type": "string", "minLength": 1, "pattern": "\\S"] }
    static var id: [String: Any] { ["type": "integer", "minimum": 1, "maximum": Int64.max] }
    static var timestamp: [String: Any] { ["type": "string", "format": "date-time", "pattern": #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$"#] }

    static var uint32: [String: Any] { ["type": "integer", "minimum": 0, "maximum": UInt32.max] }
    static var uint64: [String: Any] { ["type": "integer", "minimum": 0, "maximum": UInt64.max] }
    static var count: [String: Any] { ["type": "integer", "minimum": 0, "maximum": Int64.max] }
    static var text: [String: Any] { ["type": "string"] }

    static func object(_ properties: [String: Any], required: [String]) -> [String: Any] {
        ["type": "object", "additionalProperties": false, "required": required, "properties": properties]
    }

    static func nullable(_ schema: [String: Any]) -> [String: Any] { ["anyOf": [schema, ["type": "null"]]] }

    /// An object schema whose optional properties may also be null: the collector reads an
    /// explicit null as "not given", as it does for every optional field.
    static func nullableOptionals(_ schema: [String: Any]) -> [String: Any] {
        guard let properties = schema["properties"] as? [String: Any] else { return schema }
        let required = Set(schema["required"] as? [String] ?? [])
        var result = schema
        result["properties"] = Dictionary(uniqueKeysWithValues: properties.map { key, value in
            (key, required.contains(key) ? value : nullable(value as? [String: Any] ?? [:]) as Any)
        })
        return result
    }

    /// `POST /v1/inferences`: a batch of inference records (issue 15 §1; `InferenceValidation`).
    static var inferenceBatch: [String: Any] {
        let name = ["type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"]
        let record = nullableOptionals(object([
            "device": device, "model": modelReference, "arm": ["type": "string", "enum": InferenceArm.allCases.map(\.rawValue)],
            "requestID": ["type": "string", "minLength": 1, "maxLength": 128], "at": timestamp, "prediction": ["type": "string", "maxLength": 256],
            "score": ["type": "number", "minimum": -1e6, "maximum": 1e6], "latencyMs": ["type": "number", "minimum": 0, "maximum": 3_600_000],
            "energyMillijoules": ["type": "number", "minimum": 0, "maximum": 3.6e9],
            "protected": ["type": "object", "maxProperties": InferenceValidation.maximumProtectedAttributes, "propertyNames": name,
                          "additionalProperties": ["type": "string", "minLength": 1, "maxLength": 64]],
            "features": ["type": "object", "maxProperties": InferenceValidation.maximumFeatures, "propertyNames": name,
                         "additionalProperties": ["type": "number", "minimum": -1e300, "maximum": 1e300]],
            "subject": ["type": "string", "minLength": 1, "maxLength": 128],
        ], required: ["device", "model", "arm", "requestID", "at", "prediction"]))
        return object([
            "batchKey": ["type": "string", "pattern": "^[A-Za-z0-9._-]{8,128}$"],
            "records": ["type": "array", "minItems": 1, "maxItems": InferenceValidation.maximumRecords, "items": record],
        ], required: ["batchKey", "records"])
    }

    /// `POST /v1/inferences/labels`.
    static var inferenceLabels: [String: Any] {
        let label = object([
            "model": modelName, "requestID": ["type": "string", "minLength": 1, "maxLength": 128],
            "label": ["type": "string", "minLength": 1, "maxLength": 256], "at": timestamp,
        ], required: ["model", "requestID", "label", "at"])
        return object(["labels": ["type": "array", "minItems": 1, "maxItems": InferenceValidation.maximumLabels, "items": label]], required: ["labels"])
    }

    /// A recorded run as `edgeprof runs show ID --raw` prints its `run`.
    static var recordedRun: [String: Any] {
        let iteration = object([
            "index": uint32, "startTicks": uint64, "endTicks": uint64, "tokenTicks": ["type": "array", "items": uint64],
            "energyNanojoules": nullable(uint64), "inferences": nullable(uint32),
        ], required: ["index", "startTicks", "endTicks", "tokenTicks"])
        let model = object(["model": text, "artifactSHA256": ["type": "string", "pattern": "^[0-9a-f]{64}$"], "quantization": text],
                           required: ["model", "artifactSHA256", "quantization"])
        let shadowIteration = object([
            "index": uint32, "startTicks": uint64, "endTicks": uint64, "tokenTicks": ["type": "array", "items": uint64],
            "tokenIDs": nullable(["type": "array", "items": uint64]), "matchingTokens": nullable(count), "servingTokens": count,
            "energyNanojoules": nullable(uint64),
        ], required: ["index", "startTicks", "endTicks", "tokenTicks", "servingTokens"])
        let shadow = object(["model": model, "iterations": ["type": "array", "items": shadowIteration], "discardedIterations": count],
                            required: ["model", "iterations", "discardedIterations"])
        let board = object([
            "protocolVersion": ["type": "integer", "minimum": Int64.min, "maximum": Int64.max], "board": text, "serial": text,
            "firmwareVersion": text, "firmwareBuild": text, "clockHz": uint64, "tickHz": uint64, "ramBytes": uint64, "flashBytes": uint64,
            "capabilities": ["type": "array", "items": text], "deviceClass": nullable(text), "wireProtocol": nullable(text),
            "servingState": nullable(["type": "string", "enum": ServingState.allCases.map(\.rawValue)]),
            "shadowModel": nullable(model),
        ], required: ["protocolVersion", "board", "serial", "firmwareVersion", "firmwareBuild", "clockHz", "tickHz", "ramBytes", "flashBytes", "capabilities"])
        let totals = object([
            "aborted": ["type": "boolean"], "iterations": uint32, "tokens": uint64, "stackPeakBytes": nullable(uint64),
            "arenaHighWaterBytes": nullable(uint64), "heapHighWaterBytes": nullable(uint64), "ramPeakBytes": nullable(uint64),
            "energyNanojoules": nullable(uint64), "shadowIterations": nullable(uint32),
        ], required: ["aborted", "iterations", "tokens"])
        let linkFields = ["linesReceived", "crcErrors", "syntaxErrors", "overlongLines", "malformedMessages", "lostLines", "unknownVerbs"]
        let link = object(Dictionary(uniqueKeysWithValues: linkFields.map { ($0, count as Any) }), required: linkFields)
        let firmwareFields = ["text", "data", "bss", "stackReservation", "heapReservation"]
        let firmware = object(Dictionary(uniqueKeysWithValues: firmwareFields.map { ($0, uint64 as Any) }), required: firmwareFields)
        return object([
            "request": object(["input": text, "tokens": uint32, "iterations": uint32, "warmup": uint32], required: ["input", "tokens", "iterations", "warmup"]),
            "board": board,
            "model": model,
            "iterations": ["type": "array", "items": iteration],
            "warmupIterations": count, "discardedIterations": count, "totals": nullable(totals),
            "status": ["type": "string", "enum": ["complete", "partial"]], "partialReason": nullable(text), "link": link,
            "energySource": nullable(text), "energyNote": nullable(text), "firmwareSize": nullable(firmware),
            "shadow": nullable(shadow),
        ], required: ["request", "board", "model", "iterations", "warmupIterations", "discardedIterations", "status", "link"])
    }
}
