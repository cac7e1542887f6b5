import EdgeProfHardware
import Testing

/// `usb:` port names and the errors of a USB device that is not there.
@Suite struct USBBulkTransportTests {
    @Test func addressesParse() throws {
        let plain = try #require(USBBulkTransport.Address(port: "usb:0483:5740"))
        #expect(plain.vendorID == 0x0483 && plain.productID == 0x5740 && plain.serialNumber == nil && plain.interface == 0)
        let full = try #require(USBBulkTransport.Address(port: "usb:1209:e9f0:SN-7:x#2"))
        #expect(full.serialNumber == "SN-7:x" && full.interface == 2)
        for bad in ["usb:483:5740", "usb:0483", "usb:zzzz:5740", "usb:0483:5740#-1", "/dev/ttyACM0"] {
            #expect(USBBulkTransport.Address(port: bad) == nil, "\(bad)")
        }
    }

    @Test func aDeviceThatIsNotThereIsNotFound() {
        #expect(throws: TransportError.notFound(port: "usb:ffff:fffe")) { try TransportOpener.open(path: "usb:ffff:fffe") }
        #expect(throws: TransportError.notFound(port: "usb:nonsense")) { try TransportOpener.open(path: "usb:nonsense") }
    }
}
