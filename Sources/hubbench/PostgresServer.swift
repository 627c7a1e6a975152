import Foundation

/// The PostgreSQL server on this machine, watched from /proc like hubd: its CPU time belongs to
/// the fleet's cost per message.
enum PostgresServer {
    /// CPU time (user and system) of every process named `postgres` so far, in seconds, with the
    /// time of backends that have already ended (the postmaster's children's time): a backend
    /// that a run opens and closes still counts.
    static func cpuSeconds() -> Double {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = 0.0
        for pid in processes where pid.allSatisfy(\.isNumber) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
                  stat[stat.index(after: open)..<close] == "postgres" else { continue }
            // Fields after the command name, from field 3 (state): utime, stime, cutime and
            // cstime are fields 14 to 17.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 14 else { continue }
            total += fields[11...14].compactMap { Double($0) }.reduce(0, +) / ticks
        }
        return total
    }
}
