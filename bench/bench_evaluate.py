"""2. Microseconds per disclosure, documents already loaded: evaluate every pack, validate, and both.

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

from bench.common import AS_OF, SCHEMA, Result, Row, measure, packs, samples


def run(quick: bool = False) -> Result:
    from jsonschema import Draft202012Validator, FormatChecker

    from openwatt.documents.loading import load_document
    from openwatt.documents.validation import validate
    from openwatt.evaluation import evaluate

    selected = packs()
    policies = selected.compile_all()
    documents = [load_document(path) for path in samples()]
    plain = [json.loads(json.dumps(d.data, default=lambda v: v.isoformat())) for d in documents]  # dates as text
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")),
                                     format_checker=FormatChecker(formats=("date",)))

    def evaluate_all() -> None:
        for document in documents:
            for policy in policies:
                evaluate(policy, document, as_of=AS_OF)

    def validate_all() -> None:
        for document in documents:
            validate(document)

    def both() -> None:
        for document in documents:
            validate(document)
            for policy in policies:
                evaluate(policy, document, as_of=AS_OF)

    def jsonschema_only() -> None:
        for data in plain:
            list(validator.iter_errors(data))

    repeats = 3 if quick else 7
    per_doc = 1e6 / len(documents)
    base = measure(jsonschema_only, repeats=repeats) * per_doc
    name = "jsonschema alone"
    rules = sum(len(p.rules) for p in policies)
    rows = [
        Row("evaluate", f"evaluate, {len(policies)} pack(s), {rules} rules", measure(evaluate_all, repeats=repeats)
            * per_doc, "µs/doc", name, base),
        Row("evaluate", "validate (openwatt)", measure(validate_all, repeats=repeats) * per_doc, "µs/doc", name, base),
        Row("evaluate", "validate + evaluate", measure(both, repeats=repeats) * per_doc, "µs/doc", name, base),
        Row("evaluate", "jsonschema alone", base, "µs/doc"),
    ]
    return Result(rows, {"documents": [d.file for d in documents], "rules": rules})


if __name__ == "__main__":
    for row in run().rows:
        print(row)
