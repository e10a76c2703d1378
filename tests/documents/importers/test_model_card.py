"""Hugging Face model cards: README.md front matter as a disclosure, located in the README's own lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from openwatt.documents import Format
from openwatt.documents.importers.hub import HUB_SPDX
from openwatt.documents.importers.model_card import import_model_card
from openwatt.documents.validation import validate
from openwatt.values.licences import spdx_valid

from conftest import CARD, assert_valid, error_of, located


def card(metadata: str, body: str = "# A model\n", file: str = "models/example-model/README.md") -> dict:
    return import_model_card(f"---\n{metadata}---\n{body}".encode(), file).data


# --- the sample card, field by field -----------------------------------------------------------------------

def test_sample_card_converts_field_by_field() -> None:
    document = import_model_card(CARD.read_bytes(), str(CARD))
    assert document.format == Format.MODEL_CARD == "model-card"
    assert document.file == str(CARD)
    assert document.data == {
        "openwatt": "1.0",
        "model": {
            "id": "glacier-1b-instruct",
            "name": "glacier-1b-instruct",
            "type": "language",
            "base_model": "nordlys-lab/glacier-1b",
            "base_model_relation": "finetune",
            "license": "Apache-2.0",
            "intended_tasks": "text-generation",
            "modalities": {"input": ["text"], "output": ["text"]},
        },
        "data": {"sources": [
            {"name": "nordlys-lab/glacier-instruct-v1", "class": "public",
             "location": "https://huggingface.co/datasets/nordlys-lab/glacier-instruct-v1"},
            {"name": "HuggingFaceH4/ultrachat_200k", "class": "public",
             "location": "https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k"},
        ]},
        "energy": {"fine_tuning": {
            "tool": "codecarbon",
            "hardware": [{"type": "NVIDIA H100 80GB GPUs", "count": 8}],
            "location": "Île-de-France, France",
            "emissions": "1710 gCO2e",
        }},
        "evaluation": {"results": [
            {"task": "Text Generation", "dataset": "HellaSwag (10-shot), split validation",
             "metric": "normalized accuracy", "value": 0.612, "source": "https://github.com/nordlys-lab/glacier-eval"},
        ]},
    }
    assert_valid(document)


@pytest.mark.parametrize(("path", "position", "text"), [
    (("model",), (1, 1), "---"),
    (("model", "id"), (26, 3), "name: glacier-1b-instruct"),
    (("model", "license"), (2, 1), "license: apache-2.0"),
    (("model", "base_model"), (10, 1), "base_model: nordlys-lab/glacier-1b"),
    (("model", "type"), (9, 1), "pipeline_tag: text-generation"),
    (("model", "modalities", "input", 0), (9, 1), "pipeline_tag: text-generation"),
    (("data", "sources"), (12, 1), "datasets:"),
    (("data", "sources", 1, "name"), (14, 3), "HuggingFaceH4/ultrachat_200k"),
    (("energy", "fine_tuning"), (19, 1), "co2_eq_emissions:"),
    (("energy", "fine_tuning", "emissions"), (20, 3), "emissions: 1710"),
    (("energy", "fine_tuning", "tool"), (21, 3), "source: CodeCarbon"),
    (("energy", "fine_tuning", "location"), (23, 3), "geographical_location: Île-de-France, Fr"),
    (("energy", "fine_tuning", "hardware", 0, "count"), (24, 3), "hardware_used: 8 NVIDIA H100 80GB GPUs"),
    (("model", "base_model_relation"), (11, 1), "base_model_relation: finetune"),
    (("evaluation",), (25, 1), "model-index:"),
    (("evaluation", "results", 0, "value"), (36, 7), "type: acc_norm"),
])
def test_sample_card_positions_point_into_the_readme(path: tuple, position: tuple[int, int], text: str) -> None:
    document = import_model_card(CARD.read_bytes(), str(CARD))
    assert document.positions[path] == position
    assert located(document, CARD)[path] == text
    assert document.locate((*path, "missing"))[:2] == position


# --- real front matter (energy-formats.md §1.3) --------------------------------------------------------------

BLOOM = """license: bigscience-bloom-rail-1.0
language: [ak, ar, zu]
pipeline_tag: text-generation
co2_eq_emissions:
  emissions: 24_700_000
  source: "Estimating the Carbon Footprint of BLOOM, a 176B Parameter Language Model. https://arxiv.org/abs/2211.02001"
  training_type: "pre-training"
  geographical_location: "Orsay, France"
  hardware_used: "384 A100 80GB GPUs"
model-index:
- name: bloom
  results:
  - task: {type: text-generation}
    dataset: {type: openai_humaneval, name: humaneval}
    metrics:
    - {name: pass@1, type: pass@1, value: 0.15542682926829265, verified: false}
"""


def test_bloom() -> None:
    document = import_model_card(f"---\n{BLOOM}---\n".encode(), "bigscience/bloom/README.md")
    assert document.data["model"] == {
        "id": "bloom", "name": "bloom", "type": "language", "license": "BigScience BLOOM RAIL 1.0",
        "intended_tasks": "text-generation", "modalities": {"input": ["text"], "output": ["text"]}}
    assert document.data["energy"] == {"training": {
        "methodology": "Estimating the Carbon Footprint of BLOOM, a 176B Parameter Language Model. "
                       "https://arxiv.org/abs/2211.02001",
        "hardware": [{"type": "A100 80GB GPUs", "count": 384}],
        "location": "Orsay, France",
        "emissions": "24700000 gCO2e",  # grams as the card states them: 24.7 t
    }}
    assert document.positions[("energy", "training", "emissions")] == (6, 3)
    assert document.positions[("model", "id")] == (12, 3)
    # model-index: BLOOM's HumanEval pass@1, as the card states it.
    assert document.data["evaluation"] == {"results": [
        {"task": "text-generation", "dataset": "humaneval", "metric": "pass@1", "value": 0.15542682926829265}]}
    assert document.positions[("evaluation", "results", 0)] == (17, 7)
    assert_valid(document)


def test_model_index_with_several_models_results_and_metrics() -> None:
    data = card("model-index:\n"
                "- name: m\n"
                "  results:\n"
                "  - task: {type: question-answering}\n"
                "    dataset: {type: squad, config: plain_text, split: validation}\n"
                "    metrics:\n"
                "    - {type: exact_match, value: 81.2}\n"
                "    - {type: f1, value: '88.5 %'}\n"
                "    source: {name: Open LLM Leaderboard}\n"
                "  - task: {type: text-generation}\n"
                "    metrics: []\n"
                "- name: other\n")
    assert data["evaluation"] == {"results": [
        {"task": "question-answering", "dataset": "squad, config plain_text, split validation", "metric": "exact_match",
         "value": 81.2, "source": "Open LLM Leaderboard"},
        {"task": "question-answering", "dataset": "squad, config plain_text, split validation", "metric": "f1",
         "value": "88.5 %", "source": "Open LLM Leaderboard"},
    ]}


def test_a_model_index_without_results_gives_no_evaluation() -> None:
    assert "evaluation" not in card("model-index:\n- name: m\n")


def test_base_model_relation_is_kept_as_written_for_the_schema_to_judge() -> None:
    document = import_model_card(b"---\nbase_model: org/base\nbase_model_relation: distilled\n---\n", "m/README.md")
    assert document.data["model"]["base_model_relation"] == "distilled"
    (problem,) = validate(document)
    assert (problem.line, problem.path) == (3, ("model", "base_model_relation"))


def test_aira_codecarbon_fine_tuning() -> None:
    data = card("co2_eq_emissions:\n  emissions: 1710\n  source: CodeCarbon\n  training_type: fine-tuning\n"
                "  geographical_location: Singapore\n  hardware_used: NVIDIA A100-SXM4-40GB\n")
    assert data["energy"] == {"fine_tuning": {"tool": "codecarbon", "hardware": [{"type": "NVIDIA A100-SXM4-40GB"}],
                                              "location": "Singapore", "emissions": "1710 gCO2e"}}


# --- co2_eq_emissions: forms and units ----------------------------------------------------------------------

@pytest.mark.parametrize(("written", "emissions"), [
    ("0.0121", "0.0121 gCO2e"),            # AutoTrain's short form: a bare number of grams
    ("24_700_000", "24700000 gCO2e"),      # YAML 1.1 reads the underscores as an int
    ("'24_700_000'", "24700000 gCO2e"),    # and as text when quoted
    ("1e3", "1000 gCO2e"),                 # a string in YAML 1.1, not 1.2
    ("1.0e+3", "1000 gCO2e"),
    ("49.49 g", "49.49 gCO2e"),            # the unit inside the value
    ("17kg", "17 kgCO2e"),                 # honoured, never rescaled
    ("2.5 t", "2.5 tCO2e"),
    ("3 kgCO2eq", "3 kgCO2e"),
    ("0", "0 gCO2e"),
])
def test_short_form_and_units(written: str, emissions: str) -> None:
    document = import_model_card(f"---\nlicense: mit\nco2_eq_emissions: {written}\n---\n".encode(), "m/README.md")
    assert document.data["energy"] == {"training": {"emissions": emissions}}
    assert document.positions[("energy", "training", "emissions")] == (3, 1)
    assert_valid(document)


@pytest.mark.parametrize(("training_type", "phase"), [
    ("pre-training", "training"), ("pretraining", "training"), ("Pre-Training", "training"),
    ("fine-tuning", "fine_tuning"), ("fine_tuning", "fine_tuning"), ("finetuning", "fine_tuning"),
    ("post-training", "fine_tuning"),
])
def test_training_type_chooses_the_phase(training_type: str, phase: str) -> None:
    data = card(f"co2_eq_emissions:\n  emissions: 5\n  training_type: {training_type}\n")
    assert data["energy"] == {phase: {"emissions": "5 gCO2e"}}


def test_non_spec_keys_and_a_mapping_without_emissions() -> None:
    data = card("co2_eq_emissions:\n  training_time: 00:31:54\n  Hardware Type: A100\n  Seconds used: 1914\n"
                "  geographical_location: Quebec, Canada\n")
    assert data["energy"] == {"training": {"location": "Quebec, Canada"}}


def test_source_beyond_the_tool_name_is_the_methodology() -> None:
    data = card("co2_eq_emissions:\n  emissions: 5\n  source: CodeCarbon in machine mode, 15 s sampling\n")
    assert data["energy"]["training"]["tool"] == "codecarbon"
    assert data["energy"]["training"]["methodology"] == "CodeCarbon in machine mode, 15 s sampling"


@pytest.mark.parametrize(("hardware", "entry"), [
    ("8 v100 GPUs", {"type": "v100 GPUs", "count": 8}),
    ("1 x NVIDIA T4", {"type": "NVIDIA T4", "count": 1}),
    ("8xA100", {"type": "A100", "count": 8}),
    ("80GB A100", {"type": "80GB A100"}),
    ("NVIDIA A100-SXM4-40GB", {"type": "NVIDIA A100-SXM4-40GB"}),
])
def test_hardware_used(hardware: str, entry: dict) -> None:
    assert card(f"co2_eq_emissions:\n  hardware_used: {hardware}\n")["energy"]["training"]["hardware"] == [entry]


# --- licences -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("metadata", "model"), [
    ("license: apache-2.0\n", {"license": "Apache-2.0"}),
    ("license: cc-by-nc-sa-4.0\n", {"license": "CC-BY-NC-SA-4.0"}),
    ("license: gpl-3.0\n", {"license": "GPL-3.0-only"}),
    ("license: llama3\nlicense_link: LICENSE\n", {"license": "Llama 3 Community License Agreement"}),
    ("license: gemma\n", {"license": "Gemma Terms of Use"}),
    ("license: openrail\n", {"license": "OpenRAIL license family"}),
    ("license: a-new-hub-keyword\n", {"license": "a-new-hub-keyword"}),
    ("license: unknown\n", {}),
    ("license: other\nlicense_name: my-license-1.0\nlicense_link: https://example.org/LICENSE\n",
     {"license": "my-license-1.0", "license_url": "https://example.org/LICENSE"}),
    ("license: other\nlicense_name: my-license-1.0\nlicense_link: LICENSE.md\n", {"license": "my-license-1.0"}),
    ("license: other\n", {"license": "other"}),
])
def test_licences(metadata: str, model: dict) -> None:
    data = card(metadata)
    assert {k: v for k, v in data["model"].items() if k.startswith("license")} == model


def test_other_licence_is_located_at_its_name() -> None:
    text = "---\nlicense: other\nlicense_name: my-license-1.0\nlicense_link: https://example.org/L\n---\n"
    document = import_model_card(text.encode(), "m/README.md")
    assert document.positions[("model", "license")] == (3, 1)
    assert document.positions[("model", "license_url")] == (4, 1)


def test_every_hub_licence_maps_to_a_valid_spdx_id() -> None:
    assert [hub for hub, spdx in HUB_SPDX.items() if not spdx_valid(spdx)] == []


# --- identity, base model, datasets, task ------------------------------------------------------------------

def test_identity_from_model_name_or_folder(tmp_path: Path) -> None:
    assert card("model_name: Tiny Model\n")["model"] == {"id": "Tiny Model", "name": "Tiny Model"}
    assert card("license: mit\n")["model"] == {"id": "example-model", "license": "MIT"}
    assert card("license: mit\n", file="README.md")["model"]["id"] == Path.cwd().name


def test_base_model_list_for_merges_and_dataset_string() -> None:
    text = "---\nbase_model:\n- org/a\n- org/b\nbase_model_relation: merge\ndatasets: org/data\n---\n"
    document = import_model_card(text.encode(), "m/README.md")
    assert document.data["model"]["base_model"] == ["org/a", "org/b"]
    assert document.positions[("model", "base_model", 1)] == (4, 3)
    assert document.data["data"]["sources"] == [
        {"name": "org/data", "class": "public", "location": "https://huggingface.co/datasets/org/data"}]
    assert_valid(document)


@pytest.mark.parametrize(("tag", "model"), [
    ("automatic-speech-recognition", {"type": "audio", "modalities": {"input": ["audio"], "output": ["text"]}}),
    ("image-text-to-text", {"type": "multimodal", "modalities": {"input": ["image", "text"], "output": ["text"]}}),
    ("unconditional-image-generation", {"type": "image", "modalities": {"output": ["image"]}}),
    ("robotics", {}),
])
def test_pipeline_tags(tag: str, model: dict) -> None:
    data = card(f"pipeline_tag: {tag}\n")["model"]
    assert {k: v for k, v in data.items() if k in ("type", "modalities")} == model
    assert data["intended_tasks"] == tag


# --- the front matter itself ---------------------------------------------------------------------------

def test_blank_lines_before_the_metadata_crlf_and_a_bom() -> None:
    raw = "\ufeff\r\n\r\n---\r\nlicense: mit\r\nco2_eq_emissions: 3\r\n---\r\n# Model\r\n".encode()
    document = import_model_card(raw, "m/README.md")
    assert document.data["model"]["license"] == "MIT"
    assert document.positions[("model", "license")] == (4, 1)
    assert document.positions[("energy", "training", "emissions")] == (5, 1)


def test_a_horizontal_rule_later_in_the_body_is_not_metadata() -> None:
    assert card("license: mit\n", body="# Model\n\n---\n\nmore: text\n")["model"]["license"] == "MIT"


@pytest.mark.parametrize(("text", "rendered"), [
    ("# Model\n", "m/README.md:1:1: the model card has no metadata: it does not start with a '---' line\n"
     "start the README with a line '---', then the metadata (e.g. license: apache-2.0), then another line "
     "'---'"),
    ("", "m/README.md:1:1: the model card has no metadata: it does not start with a '---' line\n"
     "start the README with a line '---', then the metadata (e.g. license: apache-2.0), then another line "
     "'---'"),
    ("\n\n---\nlicense: mit\n", "m/README.md:3:1: the metadata block that starts on line 3 is never closed\n"
     "end the metadata with a line that holds only '---'"),
    ("---\n---\n", "m/README.md:1:1: the metadata block is empty\n"
     "write the metadata as 'key: value' lines, e.g. license: apache-2.0"),
    ("---\n# just a comment\n---\n", "m/README.md:1:1: the metadata block is empty\n"
     "write the metadata as 'key: value' lines, e.g. license: apache-2.0"),
    ("---\n- license: mit\n---\n", "m/README.md:2:1: the metadata block is a list, not a mapping of fields\n"
     "write the metadata as 'key: value' lines, e.g. license: apache-2.0"),
    ("---\nlicense: mit\n\tdatasets: x\n---\n", "m/README.md:3:1: found character '\\t' that cannot start any "
     "token\nindent with spaces: YAML does not allow tabs for indentation"),
    ("---\nlicense: [mit, apache-2.0]\n---\n", "m/README.md:2:1: license is a list; expected a string\n"
     "write the license as one value"),
    ("---\ndatasets: {a: b}\n---\n", "m/README.md:2:1: datasets is a mapping; expected an id or a list of ids\n"
     "write datasets as a list, e.g. datasets: [org/name]"),
    ("---\nbase_model: [org/a, 3]\n---\n", "m/README.md:2:21: base_model[1] is a number; expected an id\n"
     "write each id as text, e.g. org/name"),
    ("---\ndatasets: [null]\n---\n", "m/README.md:2:12: datasets[0] is null; expected an id\n"
     "write each id as text, e.g. org/name"),
    ("---\nco2_eq_emissions: true\n---\n", "m/README.md:2:1: co2_eq_emissions is true or false; expected a "
     "number of grams or a mapping\nwrite the emissions in grams of CO2 equivalent as a number, e.g. emissions: 1710"),
    ("---\nco2_eq_emissions: [1, 2]\n---\n", "m/README.md:2:1: co2_eq_emissions is a list; expected a number of "
     "grams or a mapping\nwrite the emissions in grams of CO2 equivalent as a number, e.g. emissions: 1710"),
    ("---\nco2_eq_emissions:\n  emissions: -5\n---\n", "m/README.md:3:3: co2_eq_emissions.emissions is "
     "negative (-5)\nemissions are zero or more"),
    ("---\nco2_eq_emissions:\n  emissions: 12 lb\n---\n", "m/README.md:3:3: co2_eq_emissions.emissions "
     "'12 lb' is not a number of grams\nwrite the emissions in grams of CO2 equivalent as a number, e.g. "
     "emissions: 1710"),
    ("---\nco2_eq_emissions:\n  emissions: .inf\n---\n", "m/README.md:3:14: .inf is not a finite number\n"
     "write a finite number, or leave the field out"),
    ("---\nco2_eq_emissions:\n  training_type: inference\n---\n", "m/README.md:3:3: training_type 'inference' "
     "is neither pre-training nor fine-tuning\nwrite training_type: pre-training or training_type: fine-tuning"),
    ("---\nlicense: mit\nlicense: apache-2.0\n---\n", "m/README.md:3:1: duplicate key 'license' (first at line 2)\n"
     "merge the two mappings or rename one key"),
    ("---\nmodel-index: {name: m}\n---\n", "m/README.md:2:1: model-index is a mapping; expected a list of "
     "models\nwrite model-index as a list of models, each with results: [{task, dataset, metrics: [{type, value}]}], "
     "as the Hub's model card specification shows"),
    ("---\nmodel-index:\n- name: m\n  results: [3]\n---\n", "m/README.md:4:13: model-index[0].results[0] is a "
     "number; expected a mapping\nwrite model-index as a list of models, each with results: [{task, dataset, "
     "metrics: [{type, value}]}], as the Hub's model card specification shows"),
    ("---\nmodel-index:\n- results:\n  - metrics:\n    - {value: 1}\n---\n", "m/README.md:5:7: "
     "model-index[0].results[0].metrics[0] has no name or type\ngive each metric a type (or name) and a value, "
     "e.g. {type: accuracy, value: 0.61}"),
    ("---\nmodel-index:\n- results:\n  - metrics:\n    - {type: acc}\n---\n", "m/README.md:5:7: "
     "model-index[0].results[0].metrics[0].value is missing; expected a number or a text\ngive each metric a type "
     "(or name) and a value, e.g. {type: accuracy, value: 0.61}"),
    ("---\nmodel-index:\n- results:\n  - metrics:\n    - {type: acc, value: [1]}\n---\n", "m/README.md:5:19: "
     "model-index[0].results[0].metrics[0].value is a list; expected a number or a text\ngive each metric a type "
     "(or name) and a value, e.g. {type: accuracy, value: 0.61}"),
    ("---\nlicense: !!python/name:os.system mit\n---\n", "m/README.md:2:10: unsupported tag "
     "!!python/name:os.system\nremove the tag: a disclosure holds plain mappings, lists, strings, numbers, "
     "booleans and dates"),
])
def test_broken_cards(text: str, rendered: str) -> None:
    assert error_of(import_model_card, text.encode(), "m/README.md") == rendered


def test_binary_card() -> None:
    assert error_of(import_model_card, b"---\nlicense: \x00\n---\n", "m/README.md") == (
        "m/README.md:2:10: the file is binary: a NUL byte at offset 13\n"
        "a model card is a text file; check that this is the right file")


# --- hostile numbers: every one a located error, never ValueError or OverflowError ----------------------

_EMISSIONS_HINT = "write the emissions in grams of CO2 equivalent as a number, e.g. emissions: 1710"
_HARDWARE_HINT = "write the number of devices, then their type, e.g. hardware_used: 8 A100 GPUs"


@pytest.mark.parametrize(("text", "rendered"), [
    # YAML 1.1 reads 1e999 (no dot) as text; float() of it is inf.
    ("---\nco2_eq_emissions: 1e999\n---\n",
     f"m/README.md:2:1: co2_eq_emissions is not a finite number (1e999)\n{_EMISSIONS_HINT}"),
    ("---\nco2_eq_emissions:\n  emissions: 2e400 kg\n---\n",
     f"m/README.md:3:3: co2_eq_emissions.emissions is not a finite number (2e400 kg)\n{_EMISSIONS_HINT}"),
    # An integer of 400 digits is more than float() converts (OverflowError).
    ("---\nco2_eq_emissions: " + "9" * 400 + "\n---\n", "m/README.md:2:1: co2_eq_emissions is not a finite number "
     f"(9999999999999999999999999999999999999...)\n{_EMISSIONS_HINT}"),
    # int() refuses more than 4300 digits; a count is never converted past MAX_COUNT.
    ("---\nco2_eq_emissions:\n  emissions: 1\n  hardware_used: " + "9" * 5000 + " GPUs\n---\n",
     f"m/README.md:4:3: co2_eq_emissions.hardware_used gives more than 999999999 devices\n{_HARDWARE_HINT}"),
    ("---\nco2_eq_emissions:\n  hardware_used: 1000000000 x A100\n---\n",
     f"m/README.md:3:3: co2_eq_emissions.hardware_used gives more than 999999999 devices\n{_HARDWARE_HINT}"),
])
def test_hostile_numbers(text: str, rendered: str) -> None:
    assert error_of(import_model_card, text.encode(), "m/README.md") == rendered


def test_largest_numbers_still_read() -> None:
    assert card("co2_eq_emissions:\n  hardware_used: 999999999 A100\n")["energy"]["training"]["hardware"] == [
        {"type": "A100", "count": 999999999}]
    assert card("co2_eq_emissions: 1.7976931348623157e308\n")["energy"]["training"]["emissions"] == (
        "1.79769313486e308 gCO2e")
