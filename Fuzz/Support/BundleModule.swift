import Foundation

/// SwiftPM generates `Bundle.module` for a target with resources; the fuzzing build compiles
/// Dialogs with `swiftc` and has none. The targets load the schemas with
/// `DialogSchemas(directory:)`, so this only has to compile.
extension Bundle {
    static var module: Bundle { Bundle.main }
}
