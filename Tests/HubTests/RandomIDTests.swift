import Foundation
import Hub
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RandomIDTests {
    /// A generator that returns what it is given, so the bits of an id can be checked.
    private struct Fixed: RandomNumberGenerator {
        var values: [UInt64]
        mutating func next() -> UInt64 { values.removeFirst() }
    }

    @Test func idsAreLowerCaseVersion4UUIDs() throws {
        for _ in 0..<1000 {
            let id = RandomID.make()
            let uuid = try #require(UUID(uuidString: id))
            #expect(id == uuid.uuidString.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "4", "version 4: \(id)")
            #expect("89ab".contains(characters[19]), "variant 0b10: \(id)")
        }
    }

    @Test func theRandomBitsGoWhereRFC9562PutsThem() {
        var ones = Fixed(values: [.max, .max])
        #expect(RandomID.make(using: &ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        var zeros = Fixed(values: [0, 0])
        #expect(RandomID.make(using: &zeros) == "00000000-0000-4000-8000-000000000000")
        var counting = Fixed(values: [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210])
        #expect(RandomID.make(using: &counting) == "01234567-89ab-4def-bedc-ba9876543210")
    }

    @Test func idsDoNotRepeat() {
        let ids = (0..<10_000).map { _ in RandomID.make() }
        #expect(Set(ids).count == ids.count)
    }
}
