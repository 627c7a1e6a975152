/// The PROMs service's answer shape on its callback endpoint.
struct PromsCallbackAnswer: Encodable, Sendable {
    var success: Bool
}
