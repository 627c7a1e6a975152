/// Feeds one input to the AMQP 1.0 decoder and the section readers, as the bytes of a header or a
/// body a 1.0 sender controls, and checks what must hold for any input: no crash, and a value
/// that decodes encodes to bytes that decode to the same value (arrays come back as lists, and a
/// NaN is never equal to itself, so those are left out of the comparison).
func fuzzOne(_ bytes: [UInt8]) {
    _ = try? AMQP10Properties(encoded: bytes)
    _ = try? AMQP10ApplicationProperties(encoded: bytes).texts
    _ = try? AMQP10Body.unwrap(bytes)
    guard let values = try? AMQP10Decoder.decodeAll(bytes) else { return }
    for value in values where comparable(value) {
        let again: AMQP10Value
        do {
            again = try AMQP10Decoder.decodeOne(AMQP10Encoder.encode(value))
        } catch {
            fatalError("fuzz: a decoded value does not decode after encoding: \(error)")
        }
        guard again == value else { fatalError("fuzz: a decoded value changed through encoding") }
        _ = value.text
    }
}

private func comparable(_ value: AMQP10Value) -> Bool {
    switch value {
    case .array: return false
    case .float(let f): return !f.isNaN
    case .double(let d): return !d.isNaN
    case .list(let items): return items.allSatisfy(comparable)
    case .map(let pairs): return pairs.allSatisfy { comparable($0.key) && comparable($0.value) }
    case .described(let descriptor, let described): return comparable(descriptor) && comparable(described)
    default: return true
    }
}
