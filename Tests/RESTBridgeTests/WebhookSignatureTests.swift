import RESTBridge
import Testing

@Suite struct WebhookSignatureTests {
    let secret = "hemmelig-nøkkel"
    let body = Array(#"{"hello":"hubd"}"#.utf8)
    let timestamp = 1_700_000_000

    /// The expected MAC was computed outside Swift:
    /// `printf '1700000000.{"hello":"hubd"}' | openssl dgst -sha256 -hmac 'hemmelig-nøkkel'`
    /// (the secret's UTF-8 bytes are the key).
    @Test func matchesAnIndependentlyComputedVector() {
        #expect(
            WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)
                == "t=1700000000,v1=07ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3ef")
    }

    @Test func verifiesWhatItSigns() {
        let header = WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)
        #expect(WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp))
        #expect(WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp + 300))
        #expect(WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp - 300))
    }

    @Test func refusesATamperedBodyTimestampOrSecret() {
        let header = WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)
        let mac = header.split(separator: ",")[1]
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: Array(#"{"hello":"hubD"}"#.utf8), now: timestamp))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body + [0x20], now: timestamp))
        #expect(!WebhookSignature.verify(header: "t=\(timestamp + 1),\(mac)", secret: secret, body: body, now: timestamp))
        #expect(!WebhookSignature.verify(header: header, secret: "hemmelig-nokkel", body: body, now: timestamp))
    }

    @Test func refusesAStaleOrFutureTimestamp() {
        let header = WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp + 301))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp - 301))
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp + 61, tolerance: 60))
    }

    @Test(arguments: [
        "",
        "t=1700000000",
        "v1=07ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3ef",
        "t=-9223372036854775808,v1=07ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3ef",
        "t=99999999999999999999,v1=07ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3ef",
        "t=1700000000,v1=07ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3e",
        "t=1700000000,v1=+7ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3ef",
    ])
    func refusesMalformedHeaders(header: String) {
        #expect(!WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp))
    }

    @Test func acceptsAnyMatchingV1AmongOthers() {
        let header = "t=1700000000,v0=abc,v1=\(String(repeating: "0", count: 64)),"
            + "v1=07ac765f1dc65942e8cffbb695257861f9d222665e0991a317b915193c20b3ef"
        #expect(WebhookSignature.verify(header: header, secret: secret, body: body, now: timestamp))
    }
}
