/// Which places of a bench may run at the same time: places that share a resource (a flasher
/// probe, a GDB server) take turns in one group; every group runs in parallel with the others.
public enum BenchSchedule {
    public static func groups(of bench: BenchFile) -> [[BenchPlace]] {
        var groups: [[BenchPlace]] = []
        var groupOfResource: [String: Int] = [:]
        for place in bench.places {
            let resources = sharedResources(of: place)
            let joined = Set(resources.compactMap { groupOfResource[$0] }).sorted()
            guard let first = joined.first else {
                groups.append([place])
                for resource in resources { groupOfResource[resource] = groups.count - 1 }
                continue
            }
            for other in joined.dropFirst().reversed() {
                groups[first] += groups[other]
                groups[other] = []
            }
            groups[first].append(place)
            for (resource, group) in groupOfResource where joined.contains(group) { groupOfResource[resource] = first }
            for resource in resources { groupOfResource[resource] = first }
        }
        return groups.filter { !$0.isEmpty }
    }

    /// What a place uses that another place could also use: its flasher's probe.
    static func sharedResources(of place: BenchPlace) -> [String] {
        guard let flasher = place.flasher, let probe = flasher.probe, flasher.tool != "none" else { return [] }
        return ["\(flasher.tool):\(probe)"]
    }
}
