"""Writes the hostile-input samples: one file per kind of malformed, oversized or malicious input.

    python samples/hostile/make.py [FOLDER]      # default: this folder

Each case says what openwatt must answer: one located error (the file cannot be read), one schema
problem (the file reads, but breaks the disclosure schema), or nothing (the input is accepted, e.g. a
UTF-8 byte-order mark). `tests/documents/importers/test_hostile.py` writes every case to a temporary
folder and checks the exact message, the location and that the answer comes quickly. The files are
generated rather than kept in the repository because several are large (up to the 10 MiB limit) and
because the other sample tests read every *.yaml under samples/ as a valid disclosure.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIMIT = 10 * 1024 * 1024  # openwatt's default size limit, in bytes

_DEPTH_HINT = ("a disclosure is a few levels deep; check for unclosed brackets or an alias that contains "
               "itself")
_START_HINT = 'a disclosure is a mapping of fields that starts with openwatt: "1.0"'
_FINITE_HINT = "write a finite number, or leave the field out"
_MANY_HINT = "a disclosure has a few hundred values; use fewer aliases (*name)"
_CARD = "---\nlicense: apache-2.0\npipeline_tag: text-generation\n"
_CSV_HEADER = ("timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,"
               "cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,"
               "cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,"
               "gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud,pue\n")
_CSV_ROW = ("2026-01-05T10:00:00,demo,4f1c2d3e-0000-4000-8000-000000000001,3600.0,0.05,1.4e-05,42.5,280.0,"
            "30.0,0.0425,0.28,0.03,{energy},France,FRA,île-de-france,,,Linux,3.11.9,2.8.0,32,"
            "AMD EPYC 7313 16-Core Processor,1,1 x NVIDIA A100-SXM4-40GB,2.35,48.86,256.0,machine,N,1.0\n")


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile input: its file name (a path under the folder), its bytes, and the expected answer:
    `outcome` is 'error' (a DocumentError), 'schema' (one schema problem) or 'accepted'; for the first two,
    the 1-based line and column (0, 0: the whole file), the message and the hint."""

    name: str
    content: bytes
    outcome: str
    line: int = 0
    column: int = 0
    message: str = ""
    hint: str | None = None


def _alias_bomb() -> bytes:
    # "billion laughs": nine levels of ten aliases each would be 10**9 values once expanded.
    lines = [b"openwatt: '1.0'", b"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip(b"abcdefgh", b"bcdefghi"):
        aliases = b", ".join([b"*" + bytes([previous])] * 10)
        lines.append(bytes([name]) + b": &" + bytes([name]) + b" [" + aliases + b"]")
    return b"\n".join(lines) + b"\n"


def _many_values() -> bytes:
    # Under the size limit but millions of values: rejected while composing, in small memory.
    return b"openwatt: '1.0'\nmodel:\n  distribution: [" + b"x," * (4 * 1024 * 1024) + b"x]\n"


def _nested_licence() -> bytes:
    # Parses as a disclosure; the SPDX parser then meets 3000 levels of parentheses (a finding, no RecursionError).
    return (b"openwatt: '1.0'\nmodel:\n  id: example/nested\n  license: '" + b"(" * 3000 + b"MIT" + b")" * 3000
            + b"'\n")


def _too_large() -> bytes:
    head = b"openwatt: '1.0'\nmodel:\n  id: example/too-large\n"
    return head + b"#" * (LIMIT + 1 - len(head))


CASES: tuple[Case, ...] = (
    # --- disclosures: YAML and JSON -------------------------------------------------------------------
    Case("duplicate-key.yaml", b"openwatt: '1.0'\nmodel:\n  id: example/dup\n  license: Apache-2.0\n"
         b"  license: MIT\n", "error", 5, 3, "duplicate key 'license' (first at line 4)",
         "merge the two mappings or rename one key"),
    Case("billion-laughs.yaml", _alias_bomb(), "error", 2, 48,
         "the document has more than 100000 values once aliases are expanded", _MANY_HINT),
    Case("many-values.yaml", _many_values(), "error", 3, 400006,
         "the document has more than 100000 values once aliases are expanded", _MANY_HINT),
    Case("custom-tag.yaml", b"openwatt: '1.0'\nmodel: !!python/object/apply:os.system\n  - echo pwned\n",
         "error", 2, 8, "unsupported tag !!python/object/apply:os.system",
         "remove the tag: a disclosure holds plain mappings, lists, strings, numbers, booleans and dates"),
    Case("too-large.yaml", _too_large(), "error", 0, 0, f"the file is {LIMIT + 1} bytes; the limit is {LIMIT}",
         "a disclosure is a few tens of KiB; check that this is the right file"),
    Case("too-deep.yaml", b"openwatt: '1.0'\nmodel: " + b"{a: " * 70 + b"1" + b"}" * 70 + b"\n", "error", 2, 260,
         "the document is nested more than 64 levels deep", _DEPTH_HINT),
    Case("not-utf8.yaml", "openwatt: '1.0'\nmodel:\n  id: example/café\n".encode("latin-1"), "error", 3, 18,
         "the file is not UTF-8: byte 0xe9 at offset 40", "save the file as UTF-8"),
    Case("utf16.yaml", "openwatt: '1.0'\nmodel:\n  id: example/utf16\n".encode("utf-16"), "error", 1, 1,
         "the file is UTF-16, not UTF-8", "save the file as UTF-8"),
    Case("utf32.yaml", "openwatt: '1.0'\n".encode("utf-32"), "error", 1, 1, "the file is UTF-32, not UTF-8",
         "save the file as UTF-8"),
    # A UTF-8 byte-order mark carries no meaning and editors on Windows write one: it is accepted.
    Case("utf8-bom.yaml", b"\xef\xbb\xbfopenwatt: '1.0'\nmodel:\n  id: example/bom\n", "accepted"),
    Case("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "error", 3, 1,
         "the file is binary: a NUL byte at offset 8", "a disclosure is a YAML or JSON text file"),
    Case("empty.yaml", b"", "error", 1, 1, "the file is empty", _START_HINT),
    Case("several-documents.yaml", b"openwatt: '1.0'\nmodel: {id: example/a}\n---\nopenwatt: '1.0'\n"
         b"model: {id: example/b}\n", "error", 3, 1, "the file holds more than one YAML document",
         "a disclosure is one document: remove the '---' line, or split the file"),
    Case("top-level-list.yaml", b"- openwatt: '1.0'\n  model: {id: example/list}\n", "error", 1, 1,
         "a disclosure is a mapping at the top level; found a list", _START_HINT),
    Case("top-level-scalar.yaml", b"example/scalar\n", "error", 1, 1,
         "a disclosure is a mapping at the top level; found a string", _START_HINT),
    Case("nan.yaml", b"openwatt: '1.0'\nmodel:\n  id: example/nan\n  parameters: .nan\n", "error", 4, 15,
         ".nan is not a finite number", _FINITE_HINT),
    Case("infinity.json", b'{"openwatt": "1.0",\n "model": {"id": "example/inf", "parameters": Infinity}}',
         "error", 2, 47, "Infinity is not a finite number", _FINITE_HINT),
    Case("negative-parameters.yaml", b"openwatt: '1.0'\nmodel:\n  id: example/negative\n  parameters: -7000000000\n",
         "schema", 4, 3, "model.parameters: -7000000000 is below the minimum of 0"),
    Case("deeply-nested-licence.yaml", _nested_licence(), "accepted"),
    Case("unknown-unit.yaml", b"openwatt: '1.0'\nmodel:\n  id: example/unit\nenergy:\n  training:\n"
         b"    energy: 74 MWhr\n", "schema", 6, 5, "energy.training.energy: unknown unit 'MWhr'",
         "did you mean 'MWh', 'mWh' or 'Wh'?"),
    # --- Hugging Face model cards ---------------------------------------------------------------------
    Case("model-card-without-metadata/README.md", b"# Example model\n\nA model card with no metadata.\n",
         "error", 1, 1, "the model card has no metadata: it does not start with a '---' line",
         "start the README with a line '---', then the metadata (e.g. license: apache-2.0), then another "
         "line '---'"),
    Case("model-card-unclosed-metadata/README.md", _CARD.encode() + b"\n# Example model\n", "error", 1, 1,
         "the metadata block that starts on line 1 is never closed",
         "end the metadata with a line that holds only '---'"),
    Case("model-card-broken-yaml/README.md", _CARD.encode() + b"co2_eq_emissions:\n  emissions: 1710\n"
         b" source: CodeCarbon\n---\n# Example model\n", "error", 6, 2,
         "expected <block end>, but found '<block mapping start>' (while parsing a block mapping at line 2)",
         "line up the keys of one mapping, and the items of one list, at one indentation"),
    Case("model-card-bad-emissions/README.md", _CARD.encode() + b"co2_eq_emissions:\n  emissions: a lot\n---\n",
         "error", 5, 3, "co2_eq_emissions.emissions 'a lot' is not a number of grams",
         "write the emissions in grams of CO2 equivalent as a number, e.g. emissions: 1710"),
    Case("model-card-infinite-emissions/README.md", _CARD.encode() + b"co2_eq_emissions: 1e999\n---\n", "error",
         4, 1, "co2_eq_emissions is not a finite number (1e999)",
         "write the emissions in grams of CO2 equivalent as a number, e.g. emissions: 1710"),
    Case("model-card-huge-gpu-count/README.md", _CARD.encode() + b"co2_eq_emissions:\n  emissions: 1710\n"
         b"  hardware_used: " + b"9" * 5000 + b" A100 GPUs\n---\n", "error", 6, 3,
         "co2_eq_emissions.hardware_used gives more than 999999999 devices",
         "write the number of devices, then their type, e.g. hardware_used: 8 A100 GPUs"),
    Case("model-card-duplicate-key/README.md", _CARD.encode() + b"license: mit\n---\n", "error", 4, 1,
         "duplicate key 'license' (first at line 2)", "merge the two mappings or rename one key"),
    # --- CodeCarbon logs ------------------------------------------------------------------------------
    Case("emissions-bad-number.csv", (_CSV_HEADER + _CSV_ROW.format(energy="0.3525")
                                      + _CSV_ROW.format(energy="n/a")).encode(), "error", 3, 116,
         "energy_consumed on row 2 is 'n/a', not a number", "write energy_consumed as a plain number, e.g. 0.0123"),
    Case("emissions-missing-column.csv", (_CSV_HEADER.replace(",energy_consumed", "")
                                          + _CSV_ROW.format(energy="").replace(",,France", ",France")).encode(),
         "error", 1, 1, "the header has no 'energy_consumed' column",
         "this is not a CodeCarbon emissions.csv, or its header was edited; CodeCarbon writes timestamp, "
         "project_name, run_id, duration, emissions, energy_consumed, ..."),
    Case("emissions-short-row.csv", (_CSV_HEADER + _CSV_ROW.format(energy="0.3525")
                                     + "2026-01-05T11:00:00,demo,4f1c2d3e\n").encode(), "error", 3, 1,
         "row 2 has 3 cells; the header has 31", "every row of a CodeCarbon log has one cell per header column"),
    Case("emissions-negative.csv", (_CSV_HEADER + _CSV_ROW.format(energy="-0.3525")).encode(), "error", 2, 116,
         "energy_consumed on row 1 is negative (-0.3525)", "energy_consumed is zero or more"),
    Case("emissions-sum-overflow.csv", (_CSV_HEADER + _CSV_ROW.format(energy="1e308")
                                        + _CSV_ROW.format(energy="1e308")).encode(), "error", 3, 116,
         "energy_consumed on rows 1 to 2 adds up to more than 1.8e+308, too large for a number",
         "check energy_consumed on rows 1 to 2: no run measures anything near that much"),
    Case("emissions-huge-gpu-count.csv", (_CSV_HEADER + _CSV_ROW.format(energy="0.3525").replace(
        ",1 x NVIDIA", "," + "9" * 5000 + " x NVIDIA")).encode(), "error", 2, 206,
         "gpu_model on row 1 gives more than 999999999 GPUs",
         "CodeCarbon writes the GPUs of a run as '<count> x <type>', e.g. 8 x NVIDIA A100-SXM4-80GB"),
    # --- Model Openness Tool files --------------------------------------------------------------------
    Case("mot-unknown-component.yaml", b"framework:\n  name: 'Model Openness Framework'\n  version: '1.0'\n"
         b"  date: '2024-12-15'\nrelease:\n  name: Example-model\n  producer: Example Lab\n  license: {}\n"
         b"  components:\n    - name: 'Model parameters (final)'\n      license: Apache-2.0\n", "error", 10, 7,
         "unknown MOF component 'Model parameters (final)'", "did you mean 'Model parameters (Final)'?"),
    # '²' is a digit to str.isdigit, not to int().
    Case("mot-superscript-id.yaml", "framework:\n  name: 'Model Openness Framework'\nrelease:\n  name: Example-model\n"
         "  components:\n    - name: '²'\n".encode(), "error", 6, 7, "unknown MOF component '²'",
         "use one of the 17 MOT component names, e.g. 'Datasets'"),
)


def write(folder: Path = HERE) -> list[Path]:
    """Write every case under ``folder``; the paths written, in case order."""
    written = []
    for case in CASES:
        target = folder / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.content)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
