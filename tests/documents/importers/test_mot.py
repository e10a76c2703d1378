"""Model Openness Tool files: components with the MOT's licence resolution, located in the MOT file."""

from __future__ import annotations

import pytest

from openwatt.documents import Format, load_document
from openwatt.documents.importers.detection import is_mot
from openwatt.documents.importers.mot import MOT_COMPONENTS, import_mot, mot_disclosure

from conftest import MOT, assert_valid, error_of, located

SCHEMA_KINDS = {
    "architecture", "parameters-final", "parameters-intermediate", "technical-report", "evaluation-results",
    "model-card", "data-card", "sample-outputs", "training-code", "inference-code", "evaluation-code",
    "evaluation-data", "supporting-libraries", "research-paper", "datasets", "preprocessing-code", "model-metadata"}

HEAD = "framework:\n  name: 'Model Openness Framework'\n  version: '1.0'\n  date: '2024-12-15'\n"


def mot(release: str, file: str = "models/x.yml") -> dict:
    return import_mot((HEAD + "release:\n" + release).encode(), file).data


def test_the_table_covers_the_17_components_once() -> None:
    assert len(MOT_COMPONENTS) == 17
    assert {c.kind for c in MOT_COMPONENTS} == SCHEMA_KINDS
    assert len({c.name for c in MOT_COMPONENTS}) == len({c.id for c in MOT_COMPONENTS}) == 17
    assert sorted(c.id for c in MOT_COMPONENTS) == [*range(7, 23), 24]


# --- the sample, field by field ---------------------------------------------------------------------------

def test_sample_converts_field_by_field() -> None:
    document = import_mot(MOT.read_bytes(), str(MOT))
    assert document.format == Format.MOT == "mot"
    assert document.data == {
        "openwatt": "1.0",
        "model": {
            "id": "Glacier-1B", "name": "Glacier-1B", "version": "1.0", "developer": "Nordlys Lab",
            "release_date": "2026-03-16", "type": "language", "architecture": "transformer decoder",
            "license": "Apache-2.0", "license_url": "https://github.com/nordlys-lab/glacier/blob/main/LICENSE",
            "repository": "https://github.com/nordlys-lab/glacier", "contact": "models@nordlys.example.org",
        },
        "components": [
            {"kind": "architecture", "availability": "public",
             "location": "https://github.com/nordlys-lab/glacier/tree/main/glacier/model", "license": "Apache-2.0",
             "description": "PyTorch implementation of the decoder (RoPE, SwiGLU, grouped-query attention)"},
            {"kind": "parameters-final", "availability": "public",
             "location": "https://huggingface.co/nordlys-lab/glacier-1b", "license": "Apache-2.0",
             "license_url": "https://github.com/nordlys-lab/glacier/blob/main/LICENSE",
             "description": "Final pre-trained and instruction-tuned checkpoints, safetensors, bf16"},
            {"kind": "training-code", "availability": "public",
             "location": "https://github.com/nordlys-lab/glacier-train",
             "license": "Nordlys Research Code License 1.0",  # kept as a named licence, with its URL
             "license_url": "https://nordlys.example.org/licenses/research-code-1.0",
             "description": "Training loop and launch scripts of the final run"},
            {"kind": "inference-code", "availability": "public",
             "location": "https://github.com/nordlys-lab/glacier/tree/main/serve", "license": "Apache-2.0",
             "description": "Serving and generation code"},
            {"kind": "model-card", "availability": "public",
             "location": "https://huggingface.co/nordlys-lab/glacier-1b/blob/main/README.md", "license": "CC-BY-4.0",
             "license_url": "https://creativecommons.org/licenses/by/4.0/legalcode",
             "description": "Model details including performance metrics, intended use, and limitations"},
            {"kind": "technical-report", "availability": "public",
             "location": "https://nordlys.example.org/glacier/report.pdf", "license": "CC-BY-4.0",
             "license_url": "https://creativecommons.org/licenses/by/4.0/legalcode",
             "description": "Capabilities, evaluation and energy use"},
            {"kind": "datasets", "availability": "public",
             "location": "https://huggingface.co/datasets/nordlys-lab/glacier-corpus", "license": "ODC-By-1.0",
             "license_url": "https://opendatacommons.org/licenses/by/1-0/",
             "description": "The deduplicated pre-training corpus, Glacier Corpus v1"},
            {"kind": "research-paper", "availability": "not-released", "description": "Preprint describing the model"},
            {"kind": "parameters-intermediate", "availability": "not-released",
             "description": "Checkpoints every 5,000 steps; kept internally, not released"},
        ],
    }
    assert_valid(document)


@pytest.mark.parametrize(("path", "position", "text"), [
    (("model",), (12, 1), "release:"),
    (("model", "id"), (13, 3), "name: Glacier-1B"),
    (("model", "developer"), (32, 3), "producer: 'Nordlys Lab'"),
    (("model", "release_date"), (15, 3), "date: '2026-03-16'"),
    (("model", "license"), (18, 7), "name: Apache-2.0"),
    (("model", "license_url"), (19, 7), "path: https://github.com/nordlys-lab/gla"),
    (("components",), (36, 3), "components:"),
    (("components", 0), (37, 7), "name: 'Model architecture'"),
    (("components", 0, "license"), (21, 7), "name: Apache-2.0"),  # inherited from release.license.code
    (("components", 0, "location"), (39, 7), "component_path: https://github.com/nordl"),
    (("components", 0, "availability"), (39, 7), "component_path: https://github.com/nordl"),
    (("components", 2, "license"), (47, 7), "license: 'Nordlys Research Code License "),
    (("components", 2, "license_url"), (48, 7), "license_path: https://nordlys.example.or"),
    (("components", 4, "license"), (27, 7), "name: CC-BY-4.0"),  # inherited from release.license.document
    (("components", 7, "availability"), (64, 7), "name: 'Research paper'"),
    (("components", 8, "kind"), (67, 7), "name: 'Model parameters (Intermediate)'"),
])
def test_sample_positions_point_into_the_mot_file(path: tuple, position: tuple[int, int], text: str) -> None:
    document = import_mot(MOT.read_bytes(), str(MOT))
    assert document.positions[path] == position
    assert located(document, MOT)[path] == text


# --- licence resolution (mof.md §3.2), on the generic example of mof.md §4 -----------------------------------

GENERIC = """  name: 'My-model'
  version: '7B'
  date: '2025-03-01'
  producer: 'Example Lab'
  type: language
  architecture: 'transformer decoder'
  license:
    distribution: {name: Apache-2.0, path: LICENSE}
    code: {name: MIT, path: null}
    data: {name: null, path: null}
    document: {name: CC-BY-4.0, path: null}
  components:
    - name: 'Model architecture'
      description: "Well commented code for the model's architecture"
    - name: 'Model parameters (Final)'
      description: 'Trained model parameters'
    - name: 'Technical report'
      description: 'Capabilities and usage'
      license: unlicensed
    - name: 'Datasets'
      description: 'Training data'
      license: CDLA-Permissive-2.0
      license_path: https://example.org/data/LICENSE
      component_path: https://example.org/data
"""


def test_licence_resolution_of_the_generic_example() -> None:
    data = mot(GENERIC)
    assert data["model"]["license"] == "Apache-2.0" and "license_url" not in data["model"]  # LICENSE: not a URL
    assert data["components"] == [
        {"kind": "architecture", "availability": "public", "license": "MIT",  # release default for code
         "description": "Well commented code for the model's architecture"},
        {"kind": "parameters-final", "availability": "public", "license": "Apache-2.0",  # data empty -> distribution
         "description": "Trained model parameters"},
        {"kind": "technical-report", "availability": "not-released",  # unlicensed: no default either
         "description": "Capabilities and usage"},
        {"kind": "datasets", "availability": "public", "location": "https://example.org/data",
         "license": "CDLA-Permissive-2.0", "license_url": "https://example.org/data/LICENSE",
         "description": "Training data"},
    ]


LLAMA = """  name: Llama-3-8B
  version: 8B
  date: '2024-10-03'
  license: {  }
  type: language
  architecture: 'transformer decoder'
  producer: Meta
  components:
    - {name: 'Model architecture', description: "...", license: 'Llama 3 Community License'}
    - {name: 'Model parameters (Final)', description: "...", license: 'Llama 3 Community License'}
    - {name: 'Research paper', description: "...", license: unlicensed}
"""


def test_llama_licence_names_are_kept_as_written() -> None:
    document = import_mot((HEAD + "release:\n" + LLAMA).encode(), "models/Llama-3-8B.yml")
    assert document.data["components"] == [
        {"kind": "architecture", "availability": "public", "license": "Llama 3 Community License",
         "description": "..."},
        {"kind": "parameters-final", "availability": "public", "license": "Llama 3 Community License",
         "description": "..."},
        {"kind": "research-paper", "availability": "not-released", "description": "..."},
    ]
    assert document.positions[("components", 1, "license")] == (15, 62)
    assert_valid(document)


@pytest.mark.parametrize(("entry", "component"), [
    ("license: 'Apache 2.0'", {"license": "Apache 2.0", "availability": "public"}),  # near misses stay
    ("license: 'Component not included'", {"license": "Component not included", "availability": "public"}),
    ("license: ''", {"availability": "not-released"}),
    ("license: null", {"license": "MIT", "availability": "public"}),  # null inherits, as if absent
    ("license: MIT\n      license_path: LICENSE", {"license": "MIT", "availability": "public"}),
    ("component_path: ./src", {"location": "./src", "license": "MIT", "availability": "public"}),
])
def test_component_licence_and_availability(entry: str, component: dict) -> None:
    data = mot(f"  name: m\n  license:\n    code: {{name: MIT}}\n  components:\n    - name: Training code\n"
               f"      {entry}\n")
    assert data["components"] == [{"kind": "training-code", **component}]


def test_no_licence_anywhere_gives_a_not_released_component() -> None:
    assert mot("  name: m\n  components:\n    - name: Datasets\n")["components"] == [
        {"kind": "datasets", "availability": "not-released"}]


def test_components_by_mot_id() -> None:
    data = mot("  name: m\n  components:\n    - name: 10\n      license: MIT\n    - id: 15\n      license: MIT\n"
               "    - name: '24'\n")
    assert [c["kind"] for c in data["components"]] == ["parameters-final", "datasets", "parameters-intermediate"]


def test_yaml_typing_is_normalised() -> None:
    data = mot("  name: m\n  version: 1.0\n  date: 2024-10-03\n  origin: Llama-3-8B\n"
               "  huggingface: https://huggingface.co/x/m\n  treatment: instruct fine-tuned\n")
    assert data["model"] == {"id": "m", "name": "m", "version": "1.0", "release_date": "2024-10-03",
                             "base_model": "Llama-3-8B", "repository": "https://huggingface.co/x/m"}


def test_blank_strings_are_left_out() -> None:
    data = mot("  name: 'My-model'\n  version: ''\n  date: '2024-06-13'\n  type: ''\n  architecture: ''\n"
               "  origin: ''\n  producer: ''\n  contact: ''\n  components: []\n")
    assert data["model"] == {"id": "My-model", "name": "My-model", "release_date": "2024-06-13"}
    assert "components" not in data


# --- the legacy format (before MOT commit a074588) -----------------------------------------------------------

LEGACY = """  name: 'Old-model'
  version: '1'
  date: '2024-06-13'
  type: language
  architecture: transformer
  origin: ''
  producer: 'Old Lab'
  contact: ''
  components:
    -
      name: 'Model architecture'
      description: "Well commented code for the model's architecture"
      location: 'https://example.org/code'
      license_name: 'Apache-2.0'
      license_path: 'https://example.org/code/LICENSE'
    -
      name: 'Data preprocessing code'
      description: 'Code for data cleansing'
      location: ''
      license_name: 'Component not included'
      license_path: ''
    -
      name: 'Training code'
      description: 'Code used for training the model'
      location: 'https://example.org/train'
      license_name: 'License not specified'
      license_path: ''
    -
      name: 'Model card'
      description: 'Model details'
      location: ''
      license_name: 'Pending evaluation'
      license_path: ''
"""


def test_legacy_format_and_its_sentinels() -> None:
    document = import_mot((HEAD + "release:\n" + LEGACY).encode(), "legacy.yml")
    assert document.data["components"] == [
        {"kind": "architecture", "availability": "public", "location": "https://example.org/code",
         "license": "Apache-2.0", "license_url": "https://example.org/code/LICENSE",
         "description": "Well commented code for the model's architecture"},
        # 'Component not included': left out, i.e. missing
        {"kind": "training-code", "availability": "public", "location": "https://example.org/train",
         "description": "Code used for training the model"},  # 'License not specified': no licence
        {"kind": "model-card", "availability": "not-released", "description": "Model details"},  # pending
    ]
    assert document.positions[("components", 1)] == (28, 7)
    assert document.positions[("components", 0, "license")] == (19, 7)
    assert_valid(document)


# --- detection and errors ---------------------------------------------------------------------------------

def test_is_mot() -> None:
    assert is_mot({"framework": {}, "release": {}})
    assert not is_mot({"openwatt": "1.0", "framework": {}, "release": {}})
    assert not is_mot({"release": {}}) and not is_mot([1])


def test_from_a_loaded_document_keeps_its_digest() -> None:
    loaded = load_document(MOT)
    converted = mot_disclosure(loaded)
    assert converted.digest == loaded.digest and converted.file == loaded.file


@pytest.mark.parametrize(("release", "rendered"), [
    ("  producer: x\n", "x.yml:5:1: release.name is missing; the MOT names every release\n"
     "write release.name: My-model"),
    ("  name: ''\n", "x.yml:6:3: release.name is missing; the MOT names every release\n"
     "write release.name: My-model"),
    ("  name: m\n  components:\n    - name: 'Model weights'\n", "x.yml:8:7: unknown MOF component 'Model weights'\n"
     "use one of the 17 MOT component names, e.g. 'Datasets'"),
    ("  name: m\n  components:\n    - name: 'model card'\n", "x.yml:8:7: unknown MOF component 'model card'\n"
     "did you mean 'Model card'?"),
    ("  name: m\n  components:\n    - name: 'Weights and stuff'\n", "x.yml:8:7: unknown MOF component "
     "'Weights and stuff'\nuse one of the 17 MOT component names, e.g. 'Datasets'"),
    ("  name: m\n  components:\n    - name: 23\n", "x.yml:8:7: 23 is not the id of a MOF component\n"
     "the MOT's component ids are 7 to 22 and 24; or write the component's name"),
    ("  name: m\n  components:\n    - description: x\n", "x.yml:8:7: release.components[0] has no name\n"
     "write the component's MOT name, e.g. name: 'Model architecture'"),
    ("  name: m\n  components:\n    - Datasets\n", "x.yml:8:7: release.components[0] is a string; expected a mapping\n"
     "give each component a name, description, license and component_path"),
    ("  name: m\n  components:\n    - name: Datasets\n    - name: Datasets\n",
     "x.yml:9:7: component 'Datasets' is listed twice (first at line 8)\nlist each component once"),
    ("  name: m\n  components: Datasets\n", "x.yml:7:3: release.components is a string; expected a list\n"
     "list the components of the release, each with a name"),
    ("  name: m\n  license: MIT\n", "x.yml:7:3: release.license is a string; expected a mapping\nNone"),
    ("  name: [a, b]\n", "x.yml:6:3: release.name is a list; expected a string\nquote the value"),
])
def test_errors(release: str, rendered: str) -> None:
    assert error_of(import_mot, (HEAD + "release:\n" + release).encode(), "x.yml") == rendered


def test_framework_name_must_be_exact() -> None:
    text = "framework:\n  name: MOF\nrelease:\n  name: m\n"
    assert error_of(import_mot, text.encode(), "x.yml") == (
        "x.yml:2:3: framework.name is 'MOF'; a MOT file says 'Model Openness Framework'\n"
        "write framework.name: 'Model Openness Framework'")
    assert error_of(import_mot, b"framework: {}\nrelease: {name: m}\n", "x.yml") == (
        "x.yml:1:1: framework.name is missing; a MOT file says 'Model Openness Framework'\n"
        "write framework.name: 'Model Openness Framework'")


@pytest.mark.parametrize(("name", "rendered"), [
    # str.isdigit accepts '²', int() does not; int() refuses 4301 digits or more.
    ("'²'", "x.yml:8:7: unknown MOF component '²'\nuse one of the 17 MOT component names, e.g. 'Datasets'"),
    ("'" + "9" * 5000 + "'", "x.yml:8:7: unknown MOF component '9999999999999999999999999999999999999...'\n"
     "use one of the 17 MOT component names, e.g. 'Datasets'"),
    ("9" * 4000, "x.yml:8:7: 9999999999999999999999999999999999999... is not the id of a MOF component\n"
     "the MOT's component ids are 7 to 22 and 24; or write the component's name"),
])
def test_hostile_component_ids(name: str, rendered: str) -> None:
    text = HEAD + f"release:\n  name: m\n  components:\n    - name: {name}\n"
    assert error_of(import_mot, text.encode(), "x.yml") == rendered
