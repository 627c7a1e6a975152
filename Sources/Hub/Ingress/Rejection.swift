/// A submission refused by an ingress check, with the error message the sender gets (§4).
public struct Rejection: Sendable, Equatable, Error {
    public var condition: ErrorCondition
    public var description: String
    /// `errorConditionData`: values each followed by `;`, possibly empty.
    public var data: String

    public init(_ condition: ErrorCondition, _ description: String, data: [String] = []) {
        self.condition = condition
        self.description = description
        self.data = data.map { $0 + ";" }.joined()
    }
}
