"""2. Microseconds per disclosure, documents already loaded: evaluate every pack, validate, and both.
Every pack is applied at once (`AppliedPolicies`), as in `Engine.check`, so a rule several packs import is one judgement.

Over every loadable samples/*.yaml, repeated. Baseline: plain jsonschema validation of the same data
(dates already strings, as JSON has them) against schemas/disclosure.schema.json, with the same
validator class and format checker that openwatt uses; the ratios are openwatt's work over that.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import AS_OF, SCHEMA, Result, Row, measure, packs, plural, samples


def run(quick: bool = False) -> Result:
    from jsonschema import Draft202012Validator, FormatChecker

    from openwatt.documents.loading import load_document
    from openwatt.documents.validation import validate
    from openwatt.evaluation import AppliedPolicies, evaluate

    selected = packs()
    policies = selected.compile_all()
    documents = [load_document(path) for path in samples()]
    plain = [json.loads(json.dumps(d.data, default=lambda v: v.isoformat())) for d in documents]  # dates as text
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                     format_checker=FormatChecker(formats=("date",)))

    applied = AppliedPolicies(policies)  # every pack at once, as Engine.check applies them

    def evaluate_all() -> None:
        for document in documents:
            evaluate(applied, document, as_of=AS_OF)

    def validate_all() -> None:
        for document in documents:
            validate(document)

    def both() -> None:
        for document in documents:
            validate(document)
            evaluate(applied, document, as_of=AS_OF)

    def jsonschema_only() -> None:
        for data in plain:
            list(validator.iter_errors(data))

    per_doc = 1e6 / len(documents)
    timed = measure({"evaluate": evaluate_all, "validate": validate_all, "both": both, "jsonschema": jsonschema_only},
                    repeats=3 if quick else 9)
    us = {name: seconds * per_doc for name, seconds in timed.items()}
    rules = sum(len(p.rules) for p in policies)
    base = "jsonschema alone"
    rows = [
        Row("evaluate", f"evaluate, {plural(len(policies), 'pack')}, {rules} rules", us["evaluate"], "µs/doc", base,
            us["jsonschema"]),
        Row("evaluate", "validate (openwatt)", us["validate"], "µs/doc", base, us["jsonschema"]),
        Row("evaluate", "validate + evaluate", us["both"], "µs/doc", base, us["jsonschema"]),
        Row("evaluate", "jsonschema alone", us["jsonschema"], "µs/doc"),
    ]
    return Result(rows, {"documents": [d.file for d in documents], "rules": rules})


if __name__ == "__main__":
    for row in run().rows:
        print(row)
