import Foundation
import Synchronization

/// A measured program as a separate process (hubd, or the C relay), with its memory and CPU time
/// watched from /proc.
final class ChildProcess: @unchecked Sendable {
    let executable: URL
    let arguments: [String]
    let environment: [String: String]
    private var process: Process?
    private let log: URL
    /// Whether the process has ended, and who waits for it to.
    private let exit = Mutex<(ended: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    /// Signalled once when the process ends, for `stop()`, which cannot await (it runs in
    /// `defer`) and must not use Foundation's `waitUntilExit` (see `waitForExit`).
    private let exited = DispatchSemaphore(value: 0)

    init(executable: URL, arguments: [String], environment: [String: String], log: URL) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.log = log
    }

    func start() throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.terminationHandler = { [weak self] _ in self?.ended() }
        try process.run()
        self.process = process
    }

    /// Peak resident set size so far, in bytes (VmHWM).
    var peakRSS: Int? {
        guard let pid = process?.processIdentifier,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        return kilobytes.map { $0 * 1024 }
    }

    /// CPU time the process has used so far (user and system), in seconds.
    var cpuSeconds: Double? {
        process.flatMap { ProcessCPU.seconds(pid: $0.processIdentifier) }
    }

    private func ended() {
        let waiters = exit.withLock { state in
            state.ended = true
            defer { state.waiters = [] }
            return state.waiters
        }
        exited.signal()
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the program ends by itself (nothing when it was not started or was stopped
    /// already), then throws as `stop()` does unless it exited with 0. (Foundation's
    /// `waitUntilExit` spins a run loop on Linux, which took most of a core from the measured
    /// processes.)
    func waitForExit() async throws(BenchError) {
        guard process != nil else { return }
        await withCheckedContinuation { (ended: CheckedContinuation<Void, Never>) in
            let waiting = exit.withLock { state in
                if !state.ended { state.waiters.append(ended) }
                return !state.ended
            }
            if !waiting { ended.resume() }
        }
        try stop()
    }

    /// SIGTERM and wait (nothing when it was stopped already); SIGKILL after `grace`. Throws a
    /// `BenchError` naming the program and its log unless it exited with 0: hubd and the C relay
    /// both do on SIGTERM, so anything else means it failed during the run, which then measured
    /// nothing worth reporting.
    func stop(grace: DispatchTimeInterval = .seconds(60)) throws(BenchError) {
        guard let process else { return }
        if process.isRunning { process.terminate() }
        if exited.wait(timeout: .now() + grace) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        self.process = nil
        let status = process.terminationStatus
        guard process.terminationReason == .exit, status == 0 else {
            let how = process.terminationReason == .exit ? "exited with \(status)" : "was killed by signal \(status)"
            throw BenchError("\(executable.lastPathComponent) \(how); see its log \(log.path)")
        }
    }
}

extension [ChildProcess] {
    /// The CPU time of all of them so far, in seconds; unknown when any one's is.
    var cpuSeconds: Double? {
        var total = 0.0
        for process in self {
            guard let seconds = process.cpuSeconds else { return nil }
            total += seconds
        }
        return total
    }
}
