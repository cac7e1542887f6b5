import EdgeProfCore

extension RegisteredModel {
    /// `found`, or `.unknownModel` naming the registered versions of the same model.
    static func required(_ found: RegisteredModel?, _ reference: ModelReference, registered: [RegisteredModel]) throws(AgentError) -> RegisteredModel {
        if let found { return found }
        throw .unknownModel(reference, known: registered.filter { $0.reference.name == reference.name }.map(\.reference.description))
    }
}

extension EvidenceStore {
    /// The registered version for a bench's synchronous services (profiling, run listings).
    public func registered(_ reference: ModelReference) throws(AgentError) -> RegisteredModel {
        let found: RegisteredModel?
        let others: [RegisteredModel]
        do throws(StoreError) {
            found = try model(reference)
            others = found == nil ? try models() : []
        } catch {
            throw .store(error)
        }
        return try RegisteredModel.required(found, reference, registered: others)
    }
}
