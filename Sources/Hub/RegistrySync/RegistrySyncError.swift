/// Why a registry sync did not complete; the copy in force stays as it was.
package enum RegistrySyncError: Error, Sendable, CustomStringConvertible {
    /// AR, or HelseID on its way, gave no usable answer.
    case addressRegister(AddressRegisterError)
    /// The store could not record what AR gave.
    case store(StoreError)

    package var description: String {
        switch self {
        case .addressRegister(let error): "Address Register: \(error)"
        case .store(let error): "\(error)"
        }
    }
}
