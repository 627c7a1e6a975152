/// Bytes captured from the real `rabbitmq_amqp1_0` plugin (RabbitMQ 3.10.8): messages sent by an
/// AMQP 1.0 client (python-qpid-proton 0.40.0) to a queue and read there by a 0-9-1 consumer, with
/// `Tests/interop/amqp10_capture.py`. Hex, as the headers `x-amqp-1.0-properties` and
/// `x-amqp-1.0-app-properties` and the body arrived.
enum AMQP10Fixtures {
    /// Sent with data body; the 0-9-1 consumer saw `type` `binary`.
    enum DataSection {
        static let type = "binary"
        static let properties = hex(
            "005373c09607a12430663866616435622d643963622d343639662d613136352d37303836373732383935306540a10b68" +
            "7562642e7375626d6974a1194449414c4f475f494e4e4259474745525f454b4f4e54414b54a10d383134323938375f61" +
            "73796e63a12430663866616435622d643963622d343639662d613136352d373038363737323839353065a30f6170706c" +
            "69636174696f6e2f786d6c")
        static let applicationProperties = hex(
            "005374d10000006800000008a10966726f6d4865724964a10738313432393837a107746f4865724964a1073831343239" +
            "3838a1146170706c69636174696f6e54696d655374616d70a11d323032362d31322d30335431303a30303a30302e3132" +
            "332b30313a3030a1056370614964a100")
        static let body = hex(
            "3c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d38223f3e3c4d7367486561642078" +
            "6d6c6e733d22687474703a2f2f7777772e6b6974682e6e6f2f786d6c737464732f6d7367686561642f323030362d3035" +
            "2d3234222f3e")
    }

    /// Sent with amqpvalue string body; the 0-9-1 consumer saw `type` `amqp-1.0`.
    enum AmqpValueString {
        static let type = "amqp-1.0"
        static let properties = hex(
            "005373c01104a10469642d324040a106415050524543")
        static let applicationProperties = hex(
            "005374d10000002800000006a10966726f6d48657249648100000000007c408ba1016e823ff8000000000000a1016241")
        static let body = hex(
            "005377a1663c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d38223f3e3c4d736748" +
            "65616420786d6c6e733d22687474703a2f2f7777772e6b6974682e6e6f2f786d6c737464732f6d7367686561642f3230" +
            "30362d30352d3234222f3e")
    }

    /// Sent with amqpvalue binary body; the 0-9-1 consumer saw `type` `amqp-1.0`.
    enum AmqpValueBinary {
        static let type = "amqp-1.0"
        static let properties = hex(
            "005373c01201980f8fad5bd9cb469fa16570867728950e")
        static let applicationProperties = hex(
            "005374d10000000900000002a101745501")
        static let body = hex(
            "005377a0663c3f786d6c2076657273696f6e3d22312e302220656e636f64696e673d227574662d38223f3e3c4d736748" +
            "65616420786d6c6e733d22687474703a2f2f7777772e6b6974682e6e6f2f786d6c737464732f6d7367686561642f3230" +
            "30362d30352d3234222f3e")
    }

    /// The document all three carried.
    static let document = Array(#"<?xml version="1.0" encoding="utf-8"?><MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"/>"#.utf8)

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
