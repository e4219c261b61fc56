"""The published schemas' verdicts, from an independent validator.

Reads a folder holding KIND.schema.json (as `alliance schema KIND` prints
it) and cases.jsonl (one {"kind": ..., "instance": TEXT} a line, TEXT being
JSON as Python's json module reads it: NaN and Infinity allowed, integers of
any size), validates each instance with Python's `jsonschema` (the schema's
own draft, formats asserted with FormatChecker) and prints one line a case:
"valid" or "invalid: <first error>". Run by tests/it/schema_agreement.rs;
a missing jsonschema is an error, not a skip.
"""
import json
import pathlib
import sys

import jsonschema

folder = pathlib.Path(sys.argv[1])
validators = {}
for line in (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines():
    case = json.loads(line)
    kind = case["kind"]
    if kind not in validators:
        schema = json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators[kind] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = list(validators[kind].iter_errors(json.loads(case["instance"])))
    if errors:
        first = min(errors, key=lambda e: list(e.absolute_path))
        print("invalid:", first.json_path, first.message.replace("\n", " ")[:120])
    else:
        print("valid")
