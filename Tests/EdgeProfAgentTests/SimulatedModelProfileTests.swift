import EdgeProfSim
import Foundation
import Testing

/// Profile files: absent fields keep their defaults, an explicit null means "none".
@Suite struct SimulatedModelProfileTests {
    @Test func partialFilesKeepDefaultsAndNullRemovesTheSensor() throws {
        let json = #"{"stackPeakBytes": 9000, "activePowerMilliwatts": null, "deviceClass": "m7"}"#
        let profile = try JSONDecoder().decode(SimulatedModelProfile.self, from: Data(json.utf8))
        #expect(profile.stackPeakBytes == 9000)
        #expect(profile.activePowerMilliwatts == nil)
        #expect(profile.deviceClass == "m7")
        #expect(profile.tokenMedianMs == SimulatedModelProfile().tokenMedianMs)
        #expect(try JSONDecoder().decode(SimulatedModelProfile.self, from: Data("{}".utf8)) == SimulatedModelProfile())
    }

    @Test func aZeroTickRateIsRefused() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SimulatedModelProfile.self, from: Data(#"{"tickHz": 0}"#.utf8))
        }
    }
}
