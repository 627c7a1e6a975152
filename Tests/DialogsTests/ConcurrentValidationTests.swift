import Testing
@testable import Dialogs

@Suite("Validating from several threads at once")
struct ConcurrentValidationTests {
    @Test("4 tasks × 50 validations of different examples share one DialogSchemas")
    func concurrentValidation() async throws {
        let schemas = try Fixtures.schemas()
        let examples = Fixtures.msgHeadExamples + Fixtures.appRecExamples
        let bodies = try examples.map(Fixtures.bytes)
        let invalid = try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<GenDate>2026-03-04T10:15:00+01:00</GenDate>", with: "<GenDate>x</GenDate>")
        let results = await withTaskGroup(of: [String].self) { group in
            for task in 0..<4 {
                group.addTask {
                    var problems: [String] = []
                    for round in 0..<50 {
                        let index = (task + round) % bodies.count
                        do {
                            let parsed = try Fixtures.parser.parse(bodies[index])
                            if let violation = parsed.validate(with: schemas) { problems.append("\(examples[index]): \(violation)") }
                            // An invalid message in between: errors must not cross between contexts.
                            if round % 10 == 0, try Fixtures.parser.parse(invalid).validate(with: schemas)?.line != 6 {
                                problems.append("invalid GenDate was not reported at line 6")
                            }
                        } catch {
                            problems.append("\(examples[index]): \(error)")
                        }
                    }
                    return problems
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.isEmpty, "\(results.prefix(5))")
    }
}
