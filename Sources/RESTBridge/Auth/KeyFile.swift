import Foundation
import Glibc

/// Writes the files of local keys: atomically, so that a hubd re-reading `jwks.json` never sees
/// half of one, and with their mode set when they are created, so that a private key is never
/// readable by others, not even for a moment.
enum KeyFile {
    static func write(_ data: Data, to file: URL, mode: mode_t) throws(AuthConfigurationError) {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure(file, errno) }
        var written = 0
        let error: Int32? = data.withUnsafeBytes { bytes in
            while written < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress?.advanced(by: written), bytes.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        let closed = close(descriptor)
        guard error == nil, closed == 0, rename(temporary, file.path) == 0 else {
            let code = error ?? errno
            unlink(temporary)
            throw failure(file, code)
        }
    }

    /// The text of a key file, or an error naming it.
    static func read(_ file: URL) throws(AuthConfigurationError) -> Data {
        do {
            return try Data(contentsOf: file)
        } catch {
            throw AuthConfigurationError("cannot read \(file.path): \((error as NSError).localizedDescription)")
        }
    }

    private static func failure(_ file: URL, _ code: Int32) -> AuthConfigurationError {
        AuthConfigurationError("cannot write \(file.path): \(String(cString: strerror(code)))")
    }
}
