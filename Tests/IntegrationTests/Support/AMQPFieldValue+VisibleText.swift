import AMQPBridge

extension AMQPFieldValue {
    /// The value as text to look for forbidden content in (a national identity number): a long
    /// string of bytes (hubd's AMQP 1.0 sections) as its UTF-8 text, anything else as described.
    var visibleText: String {
        if case .binaryString(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return "\(self)"
    }
}
