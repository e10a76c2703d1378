"""Hugging Face Hub vocabularies: licence keywords as SPDX ids or licence names, pipeline tags as type and modalities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["HUB_LICENCE_NAMES", "HUB_SPDX", "PIPELINE_TAGS", "Task", "hub_licence"]

# Hub licence keywords (hub-docs docs/hub/repositories-licenses.md) that name exactly one SPDX licence. The
# keywords are the Hub's own, not SPDX ids (energy-formats.md §1.2): `apache-2.0` is not `Apache-2.0`, so each
# is mapped explicitly. The Hub's "GNU ... v3.0" keywords are the SPDX "-only" ids, which is what the
# deprecated SPDX ids GPL-3.0, AGPL-3.0 and LGPL-3.0 mean.
HUB_SPDX: Mapping[str, str] = {
    "apache-2.0": "Apache-2.0", "mit": "MIT", "afl-3.0": "AFL-3.0", "artistic-2.0": "Artistic-2.0",
    "bsl-1.0": "BSL-1.0", "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause",
    "bsd-3-clause-clear": "BSD-3-Clause-Clear", "c-uda": "C-UDA-1.0", "cc0-1.0": "CC0-1.0",
    "cc-by-2.0": "CC-BY-2.0", "cc-by-2.5": "CC-BY-2.5", "cc-by-3.0": "CC-BY-3.0", "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-3.0": "CC-BY-SA-3.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc-by-nc-2.0": "CC-BY-NC-2.0",
    "cc-by-nc-3.0": "CC-BY-NC-3.0", "cc-by-nc-4.0": "CC-BY-NC-4.0", "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-nc-nd-3.0": "CC-BY-NC-ND-3.0", "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc-by-nc-sa-2.0": "CC-BY-NC-SA-2.0", "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0", "cdla-sharing-1.0": "CDLA-Sharing-1.0",
    "cdla-permissive-1.0": "CDLA-Permissive-1.0", "cdla-permissive-2.0": "CDLA-Permissive-2.0",
    "wtfpl": "WTFPL", "ecl-2.0": "ECL-2.0", "epl-1.0": "EPL-1.0", "epl-2.0": "EPL-2.0",
    "etalab-2.0": "etalab-2.0", "eupl-1.1": "EUPL-1.1", "eupl-1.2": "EUPL-1.2", "agpl-3.0": "AGPL-3.0-only",
    "gpl-2.0": "GPL-2.0-only", "gpl-3.0": "GPL-3.0-only", "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3.0": "LGPL-3.0-only", "isc": "ISC", "lppl-1.3c": "LPPL-1.3c", "ms-pl": "MS-PL",
    "mpl-2.0": "MPL-2.0", "osl-3.0": "OSL-3.0", "postgresql": "PostgreSQL", "ofl-1.1": "OFL-1.1",
    "ncsa": "NCSA", "unlicense": "Unlicense", "zlib": "Zlib", "pddl": "PDDL-1.0", "openmdw-1.0": "OpenMDW-1.0",
}

# Hub keywords without one SPDX id: a licence family (no version) or a custom licence. The model keeps the
# Hub's full name as a named licence; a version is never guessed.
HUB_LICENCE_NAMES: Mapping[str, str] = {
    "openrail": "OpenRAIL license family", "bigscience-openrail-m": "BigScience OpenRAIL-M",
    "creativeml-openrail-m": "CreativeML OpenRAIL-M", "bigscience-bloom-rail-1.0": "BigScience BLOOM RAIL 1.0",
    "bigcode-openrail-m": "BigCode Open RAIL-M v1", "openrail++": "Open Rail++-M License",
    "bsd": "BSD license family", "cc": "Creative Commons license family",
    "gfdl": "GNU Free Documentation License family", "gpl": "GNU General Public License family",
    "lgpl": "GNU Lesser General Public License family",
    "odc-by": "Open Data Commons License Attribution family", "odbl": "Open Database License family",
    "lgpl-lr": "Lesser General Public License For Linguistic Resources",
    "deepfloyd-if-license": "DeepFloyd IF Research License Agreement",
    "llama2": "Llama 2 Community License Agreement", "llama3": "Llama 3 Community License Agreement",
    "llama3.1": "Llama 3.1 Community License Agreement", "llama3.2": "Llama 3.2 Community License Agreement",
    "llama3.3": "Llama 3.3 Community License Agreement", "llama4": "Llama 4 Community License Agreement",
    "gemma": "Gemma Terms of Use",
}


def hub_licence(keyword: str) -> str | None:
    """The licence a Hub keyword stands for: an SPDX id, a licence name, the keyword itself when the Hub
    list does not know it, or None for `unknown` (no licence stated)."""
    key = keyword.strip().lower()
    if key == "unknown" or not key:
        return None
    return HUB_SPDX.get(key) or HUB_LICENCE_NAMES.get(key) or keyword.strip()


@dataclass(frozen=True, slots=True)
class Task:
    """What a pipeline tag says about a model: the Model Openness Tool's release type and the input and
    output modalities (empty where the tag does not say)."""

    type: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


_T, _I, _A, _V, _O, _TAB = "text", "image", "audio", "video", "other", "tabular"

# Pipeline tags (huggingface.js packages/tasks) -> release type (schema `model.type`) and modalities.
PIPELINE_TAGS: Mapping[str, Task] = {
    **{tag: Task("language", (_T,), (_T,)) for tag in (
        "text-generation", "text2text-generation", "fill-mask", "summarization", "translation",
        "question-answering", "token-classification", "text-classification", "zero-shot-classification",
        "conversational")},
    "table-question-answering": Task("language", (_TAB, _T), (_T,)),
    "sentence-similarity": Task("language", (_T,), (_O,)),
    "feature-extraction": Task("language", (_T,), (_O,)),
    "text-ranking": Task("language", (_T,), (_O,)),
    "image-classification": Task("vision", (_I,), (_T,)),
    "zero-shot-image-classification": Task("vision", (_I, _T), (_T,)),
    "object-detection": Task("vision", (_I,), (_O,)),
    "zero-shot-object-detection": Task("vision", (_I, _T), (_O,)),
    "image-segmentation": Task("vision", (_I,), (_I,)),
    "mask-generation": Task("vision", (_I,), (_I,)),
    "depth-estimation": Task("vision", (_I,), (_I,)),
    "image-feature-extraction": Task("vision", (_I,), (_O,)),
    "keypoint-detection": Task("vision", (_I,), (_O,)),
    "video-classification": Task("video", (_V,), (_T,)),
    "text-to-image": Task("image", (_T,), (_I,)),
    "image-to-image": Task("image", (_I,), (_I,)),
    "unconditional-image-generation": Task("image", (), (_I,)),
    "image-to-text": Task("multimodal", (_I,), (_T,)),
    "image-text-to-text": Task("multimodal", (_I, _T), (_T,)),
    "visual-question-answering": Task("multimodal", (_I, _T), (_T,)),
    "document-question-answering": Task("multimodal", (_I, _T), (_T,)),
    "video-text-to-text": Task("multimodal", (_V, _T), (_T,)),
    "audio-text-to-text": Task("multimodal", (_A, _T), (_T,)),
    "any-to-any": Task("multimodal"),
    "automatic-speech-recognition": Task("audio", (_A,), (_T,)),
    "audio-classification": Task("audio", (_A,), (_T,)),
    "voice-activity-detection": Task("audio", (_A,), (_O,)),
    "text-to-speech": Task("audio", (_T,), (_A,)),
    "text-to-audio": Task("audio", (_T,), (_A,)),
    "audio-to-audio": Task("audio", (_A,), (_A,)),
    "text-to-video": Task("video", (_T,), (_V,)),
    "image-to-video": Task("video", (_I,), (_V,)),
    "text-to-3d": Task("3d", (_T,), (_O,)),
    "image-to-3d": Task("3d", (_I,), (_O,)),
    "tabular-classification": Task("other", (_TAB,), (_T,)),
    "tabular-regression": Task("other", (_TAB,), (_O,)),
    "time-series-forecasting": Task("other", (_TAB,), (_TAB,)),
}
