import ArgumentParser
import Dialogs

/// `hubd dialogs`: the dialog catalogue. Named so as not to shadow the `Dialogs` module.
struct DialogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dialogs",
        abstract: "List the dialogs hubd carries: AR process, payload, whether they open a conversation, answer deadline.",
        discussion: "--markdown prints the table docs/dialogs.md holds between its generated-part markers.")

    @OptionGroup var options: CommonOptions
    @Flag(help: "Print the catalogue as the Markdown table of docs/dialogs.md.") var markdown = false

    func run() throws {
        guard !markdown else {
            print(DialogCatalogue.markdownTable(), terminator: "")
            return
        }
        print(DialogCatalogue.plainTable(), terminator: "")
        if let seconds = try options.load().answerDeadlineSeconds {
            print("answer_deadline_seconds = \(Int(seconds)): every conversation's answer is due \(DialogCatalogue.deadlineText(seconds)) after acceptance")
        }
    }
}
