import Foundation

/// Runs the tests' helper programs (the broker and cluster scripts, openssl, socat) the way
/// they need: on a thread of their own with a cleared signal mask.
package enum TestProcess {
    /// Runs a program to completion on a thread of its own with a cleared signal mask; its
    /// standard output and error together.
    package static func run(_ exe: String, _ args: [String], env extra: [String: String] = [:]) async -> (status: Int32, output: String) {
        await onCleanThread {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
            var env = ProcessInfo.processInfo.environment
            for (k, v) in extra { env[k] = v }
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            p.standardInput = FileHandle.nullDevice
            do {
                try p.run()
            } catch {
                return (-1, "cannot run \(exe): \(error)")
            }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    /// Runs `body` on a new thread whose signal mask is cleared. Threads of the cooperative
    /// pool block most signals and a spawned child inherits that mask: a socat or a broker
    /// started from a test task would ignore SIGTERM. Waiting for a child on a pool thread
    /// (Process.waitUntilExit) also busy-spins that thread.
    package static func onCleanThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { cont in
            let t = Thread {
                var set = sigset_t()
                sigemptyset(&set)
                pthread_sigmask(SIG_SETMASK, &set, nil)
                cont.resume(returning: body())
            }
            t.start()
        }
    }
}
