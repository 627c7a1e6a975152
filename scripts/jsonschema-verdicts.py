#!/usr/bin/env python3
"""Usage: jsonschema-verdicts.py SCHEMA DIRECTORY

Prints, for every *.json file in DIRECTORY in name order, one line "NAME VERDICT": "valid" or
"invalid" as Python's jsonschema (Draft202012Validator, format checking on) judges the file
against SCHEMA, or "unreadable" when Python's json cannot read it. hubd's differential test
(Tests/DialogsTests/JSONSchemaDifferentialTests.swift) compares these with its own validator.

Exits non-zero when the schema is not a valid draft 2020-12 schema, or when this jsonschema
cannot check format "date-time" (it needs rfc3339-validator): without it, the comparison
would quietly test less than it claims.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    schema = json.loads(pathlib.Path(sys.argv[1]).read_bytes())
    Draft202012Validator.check_schema(schema)
    checker = Draft202012Validator.FORMAT_CHECKER
    if "date-time" not in checker.checkers:
        sys.exit("jsonschema-verdicts: this jsonschema cannot check format date-time (rfc3339-validator is missing)")
    validator = Draft202012Validator(schema, format_checker=checker)
    for path in sorted(pathlib.Path(sys.argv[2]).glob("*.json")):
        try:
            instance = json.loads(path.read_bytes())
        except ValueError:
            print(path.name, "unreadable")
            continue
        print(path.name, "valid" if validator.is_valid(instance) else "invalid")


if __name__ == "__main__":
    main()
