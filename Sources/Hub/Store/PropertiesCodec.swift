import Foundation

/// The stored form of `MessageProperties`: length-prefixed UTF-8 fields, read and written on
/// every dispatch, so kept far cheaper than JSON.
///
/// Layout: a version byte (1); six optional fields (messageId, correlationId, replyTo,
/// contentType, type, expiration), each a presence byte and, when present, a string; a header
/// count; then name and value strings. A string is a LEB128 length and its UTF-8 bytes.
package enum PropertiesCodec {
    static let version: UInt8 = 1

    package static func encode(_ properties: MessageProperties) -> Data {
        var bytes: [UInt8] = [version]
        bytes.reserveCapacity(512)
        // Field by field, not through a list of them, which every acceptance would build.
        appendOptional(properties.messageId, to: &bytes)
        appendOptional(properties.correlationId, to: &bytes)
        appendOptional(properties.replyTo, to: &bytes)
        appendOptional(properties.contentType, to: &bytes)
        appendOptional(properties.type, to: &bytes)
        appendOptional(properties.expiration, to: &bytes)
        appendLength(properties.headers.count, to: &bytes)
        // In name order, as the headers keep them, so equal properties always store as equal bytes.
        for (name, value) in properties.headers {
            append(name, to: &bytes)
            append(value, to: &bytes)
        }
        return Data(bytes)
    }

    package static func decode(_ data: Data) throws -> MessageProperties {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> MessageProperties in
            var reader = Reader(bytes: raw)
            guard try reader.byte() == version else { throw CorruptRecord("stored properties: unknown properties format") }
            // Read in the order they were written, straight into place: every dispatch decodes.
            let messageId = try reader.optionalString(), correlationId = try reader.optionalString()
            let replyTo = try reader.optionalString(), contentType = try reader.optionalString()
            let type = try reader.optionalString(), expiration = try reader.optionalString()
            let count = try reader.length()
            var headers: [MessageHeaders.Element] = []
            // Every header takes two bytes at the least: a corrupt count asks for no more room than that.
            headers.reserveCapacity(min(count, raw.count / 2))
            for _ in 0..<count {
                let name = try reader.string()
                headers.append((key: name, value: try reader.string()))
            }
            return MessageProperties(
                messageId: messageId, correlationId: correlationId, replyTo: replyTo, contentType: contentType,
                type: type, expiration: expiration, headers: MessageHeaders(headers))
        }
    }

    private static func appendOptional(_ field: String?, to bytes: inout [UInt8]) {
        if let field {
            bytes.append(1)
            append(field, to: &bytes)
        } else {
            bytes.append(0)
        }
    }

    private static func append(_ string: String, to bytes: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            appendLength(utf8.count, to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    private static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        var value = UInt(length)
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw CorruptRecord("stored properties: truncated properties") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func length() throws -> Int {
            var value = 0
            var shift = 0
            while true {
                let next = try byte()
                value |= Int(next & 0x7F) << shift
                if next < 0x80 { return value }
                shift += 7
                guard shift < 63 else { throw CorruptRecord("stored properties: corrupt length") }
            }
        }

        /// A presence byte and, when it is 1, a string.
        mutating func optionalString() throws -> String? {
            try byte() == 1 ? try string() : nil
        }

        mutating func string() throws -> String {
            let count = try length()
            guard count <= bytes.count - offset else { throw CorruptRecord("stored properties: truncated properties") }
            defer { offset += count }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
        }
    }
}
