import Foundation

/// CPU time of processes, read from /proc: the programs the bench starts, and those it does not
/// (the PostgreSQL server of a fleet, the broker). On two shared cores every one of
/// them takes from hubd, so a scenario reports them beside hubd's own.
enum ProcessCPU {
    /// CPU time (user and system) of every process whose command name is `name`, so far, in
    /// seconds, with the time of children that have already ended (a PostgreSQL backend that a
    /// run opens and closes still counts).
    static func seconds(named name: String) -> Double {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = 0.0
        for pid in processes where pid.allSatisfy(\.isNumber) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
                  stat[stat.index(after: open)..<close] == name else { continue }
            total += seconds(stat: stat, close: close, withChildren: true) ?? 0
        }
        return total
    }

    /// CPU time (user and system) of process `pid` so far, in seconds; nil once it is gone.
    static func seconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return seconds(stat: stat, close: close, withChildren: false)
    }

    /// CPU time (user and system) of the calling thread so far, in seconds.
    static func currentThread() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The PostgreSQL server's CPU time so far.
    static func postgres() -> Double { seconds(named: "postgres") }

    /// The broker's CPU time so far (RabbitMQ's Erlang VM).
    static func broker() -> Double { seconds(named: "beam.smp") }

    private static func seconds(stat: String, close: String.Index, withChildren: Bool) -> Double? {
        // Fields after the command name, from field 3 (state): utime, stime, cutime and cstime
        // are fields 14 to 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14 else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return fields[11...(withChildren ? 14 : 12)].compactMap { Double($0) }.reduce(0, +) / ticks
    }
}
