/// The memory a firmware image takes, computed from its sections the way `arm-none-eabi-size`
/// (Berkeley format) does — text: allocated read-only or executable sections (code, rodata,
/// vectors, exception tables); data: allocated writable sections with contents; bss: allocated
/// sections without contents — plus what embedded engineers ask for: flash, static RAM, and
/// the stack and heap reservations the linker script sets aside (sections named .stack, .heap).
public struct FirmwareSize: Sendable, Hashable, Codable {
    public var text: UInt64
    public var data: UInt64
    public var bss: UInt64
    public var stackReservation: UInt64
    public var heapReservation: UInt64

    public init(_ image: ELFImage) {
        var text: UInt64 = 0, data: UInt64 = 0, bss: UInt64 = 0, stack: UInt64 = 0, heap: UInt64 = 0
        for section in image.sections where section.isAllocated {
            let size = UInt64(section.size)
            if !section.isWritable || section.isExecutable {
                text += size
            } else if !section.hasNoBits {
                data += size
            } else {
                bss += size
                if section.name == ".stack" || section.name.hasPrefix(".stack.") { stack += size }
                if section.name == ".heap" || section.name.hasPrefix(".heap.") { heap += size }
            }
        }
        self.text = text
        self.data = data
        self.bss = bss
        stackReservation = stack
        heapReservation = heap
    }

    /// text (code, rodata, vectors) + data (its initial values are stored in flash).
    public var flash: UInt64 { text + data }
    /// data + bss, without the stack and heap reservations.
    public var staticRAM: UInt64 { data + bss - stackReservation - heapReservation }
    /// Everything the image claims in RAM, reservations included.
    public var ramReserved: UInt64 { data + bss }
}
