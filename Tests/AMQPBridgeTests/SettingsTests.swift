import AMQPBridge
import Testing

@Suite("AMQPSettings URL parsing")
struct SettingsTests {
    @Test func plainURLWithDefaults() throws {
        let s = try AMQPSettings(url: "amqp://broker.example")
        #expect(s.host == "broker.example")
        #expect(s.port == 5672)
        #expect(s.vhost == "/")
        #expect(s.user == "guest")
        #expect(s.password == "guest")
        #expect(!s.useTLS)
        #expect(s.heartbeat == .seconds(10))
        #expect(s.connectTimeout == .seconds(5))
        #expect(s.rpcTimeout == .seconds(10))
        #expect(s.verifyPeer && s.verifyHostname)
        #expect(s.reconnectMinDelay == .milliseconds(100))
        #expect(s.reconnectMaxDelay == .seconds(2))
    }

    @Test func fullURL() throws {
        let s = try AMQPSettings(url: "amqp://hub%40user:p%3Ass%2Fw%20rd@10.0.0.5:5682/prod?heartbeat=30&connection_timeout=2500&rpc_timeout=4000&connection_name=hubd-1")
        #expect(s.user == "hub@user")
        #expect(s.password == "p:ss/w rd")
        #expect(s.host == "10.0.0.5")
        #expect(s.port == 5682)
        #expect(s.vhost == "prod")
        #expect(s.heartbeat == .seconds(30))
        #expect(s.connectTimeout == .milliseconds(2500))
        #expect(s.rpcTimeout == .milliseconds(4000))
        #expect(s.connectionName == "hubd-1")
        #expect(s.address == "10.0.0.5:5682")
    }

    @Test func vhostEncoding() throws {
        #expect(try AMQPSettings(url: "amqp://h/").vhost == "/")
        #expect(try AMQPSettings(url: "amqp://h").vhost == "/")
        #expect(try AMQPSettings(url: "amqp://h/%2F").vhost == "/")
        #expect(try AMQPSettings(url: "amqp://h/%2f").vhost == "/")
        #expect(try AMQPSettings(url: "amqp://h/%2Fhub").vhost == "/hub")
        #expect(try AMQPSettings(url: "amqp://h/nhn%20test").vhost == "nhn test")
        #expect(try AMQPSettings(url: "amqp://h/%C3%B8st").vhost == "øst")
    }

    @Test func tlsURL() throws {
        let s = try AMQPSettings(url: "amqps://u:p@mq.nhn.no/hub?cacertfile=/etc/hubd/ca.pem&certfile=/etc/hubd/c.pem&keyfile=/etc/hubd/k.pem&verify_hostname=false")
        #expect(s.useTLS)
        #expect(s.port == 5671)
        #expect(s.caCertPath == "/etc/hubd/ca.pem")
        #expect(s.certPath == "/etc/hubd/c.pem")
        #expect(s.keyPath == "/etc/hubd/k.pem")
        #expect(s.verifyPeer)
        #expect(!s.verifyHostname)
        let none = try AMQPSettings(url: "AMQPS://mq:7000?verify=verify_none")
        #expect(none.useTLS && none.port == 7000 && !none.verifyPeer && !none.verifyHostname)
    }

    @Test func ipv6AndReconnectTuning() throws {
        let s = try AMQPSettings(url: "amqp://[::1]:5699/?reconnect_min_delay=50&reconnect_max_delay=2000")
        #expect(s.host == "::1")
        #expect(s.port == 5699)
        #expect(s.address == "[::1]:5699")
        #expect(s.reconnectMinDelay == .milliseconds(50))
        #expect(s.reconnectMaxDelay == .seconds(2))
    }

    @Test func redactedNeverShowsThePassword() throws {
        let s = try AMQPSettings(url: "amqp://hub:s3cr3t-pw@mq:5672/%2F")
        #expect(s.redacted == "amqp://hub@mq:5672/")
        #expect(!"\(s)".contains("s3cr3t"))
        #expect(!String(reflecting: s).contains("s3cr3t"))
        let v = try AMQPSettings(url: "amqps://a%20b:x@mq/my%2Fvhost")
        #expect(v.redacted == "amqps://a%20b@mq:5671/my%2Fvhost")
    }

    @Test(arguments: [
        ("", "empty"),
        ("http://host/", "scheme"),
        ("amqp:/host", "scheme"),
        ("amqp://host:0/", "port"),
        ("amqp://host:65536/", "port"),
        ("amqp://host:abc/", "port"),
        ("amqp://host/a/b", "%2F"),
        ("amqp://host/%zz", "percent"),
        ("amqp://user:pw%@host/", "percent"),
        ("amqp://host/?heartbeat=abc", "heartbeat"),
        ("amqp://host/?hearbeat=10", "unknown query parameter"),
        ("amqp://host/?verify=maybe", "verify"),
        ("amqp://[::1/", "IPv6"),
        ("amqp://host/#frag", "fragment"),
        ("amqp://host/%FF", "UTF-8"),
    ])
    func badURLs(url: String, mention: String) {
        #expect {
            _ = try AMQPSettings(url: url)
        } throws: { error in
            guard let e = error as? AMQPError, case .invalidURL(let why) = e else { return false }
            return why.contains(mention)
        }
    }

    @Test func badURLErrorDoesNotLeakPassword() {
        do {
            _ = try AMQPSettings(url: "amqp://u:topsecret@host:99999/")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("topsecret"))
            #expect(error.description.contains("port"))
        }
    }

    @Test func fieldValueStringValue() {
        #expect(AMQPFieldValue.string("x").stringValue == "x")
        #expect(AMQPFieldValue.int(8141703).stringValue == "8141703")
        #expect(AMQPFieldValue.bool(true).stringValue == nil)
        #expect(AMQPFieldValue.string("42").intValue == 42)
        let lit: AMQPFieldValue = "abc"
        #expect(lit == .string("abc"))
    }

    @Test func errorDescriptionsAreReadable() {
        #expect(AMQPError.channelClosed(code: 404, text: "NOT_FOUND - no queue 'x'").description
                == "AMQP channel closed by broker: 404 NOT_FOUND - no queue 'x'")
        #expect(AMQPError.queueNotFound("q").description == "AMQP queue 'q' does not exist")
        #expect(AMQPError.channelClosed(code: 406, text: "").isChannelLevel)
        #expect(!AMQPError.socket("x").isChannelLevel)
    }
}
