import Crypto
import Foundation
import JWTKit
import Testing
@testable import RESTBridge

@Suite(.timeLimit(.minutes(1)))
struct JWKThumbprintTests {
    /// The key and `jkt` of RFC 9449's examples (§6.1).
    @Test func theThumbprintOfRFC9449sExampleKey() {
        let key = JWK.ecdsa(
            nil, identifier: nil, x: "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
            y: "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA", curve: .p256)
        #expect(key.thumbprint == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    }

    /// For an RSA key the members are e, kty and n; checked against JSONEncoder's sorted output.
    @Test func anRSAKeysThumbprintHashesItsRequiredMembersInOrder() throws {
        let modulus = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let key = JWK.rsa(nil, identifier: nil, modulus: modulus, exponent: "AQAB")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let reference = try encoder.encode(["e": "AQAB", "kty": "RSA", "n": modulus])
        #expect(key.thumbprint == Data(SHA256.hash(data: reference)).base64URLEncoded)
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }
}
