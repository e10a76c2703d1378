"""Hugging Face model cards: the YAML metadata at the top of a README.md, read as a disclosure.

Mapping (energy-formats.md §1; every value keeps the line and column where the README states it):

    model-index[0].name, else model_name, else the folder name  -> model.id (and model.name when stated)
    license (a Hub keyword)                       -> model.license: the SPDX id, or the licence's name
    license: other + license_name                 -> model.license: license_name, a named licence
    license_link (an http(s) URL)                 -> model.license_url
    base_model (an id, or a list of ids)          -> model.base_model
    base_model_relation                           -> model.base_model_relation (adapter, merge, quantized, finetune)
    pipeline_tag                                  -> model.intended_tasks, model.type, model.modalities
    datasets[]                                    -> data.sources[]: name, class public, Hub URL as location
    co2_eq_emissions (a number of grams, or a mapping with emissions in grams)
      training_type pre-training / fine-tuning    -> energy.training / energy.fine_tuning
      emissions                                   -> <phase>.emissions, e.g. '24700000 gCO2e'
      source                                      -> <phase>.tool 'codecarbon' if it names CodeCarbon;
                                                     <phase>.methodology if it says more (e.g. an article)
      geographical_location                       -> <phase>.location
      hardware_used ('384 A100 80GB GPUs')        -> <phase>.hardware[0]: count 384, type 'A100 80GB GPUs'
    model-index[].results[].metrics[]             -> evaluation.results[], one per metric:
      metric name (else type), value              -> metric, value
      task name (else type)                       -> task
      dataset name (else type), config, split     -> dataset, e.g. 'HellaSwag (10-shot), split validation'
      result source url (else name)               -> source

`license: unknown` states no licence. `library_name`, `language`, `tags` and `metrics` have no field in
the disclosure schema and are not imported; nor are the non-spec keys some cards put under
`co2_eq_emissions` (`training_time`, `Hardware Type`, ...). A value of `base_model_relation` outside the
Hub's four is kept as written, so that the schema check reports it where the card states it.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any, NoReturn

from openwatt.documents.importers.common import (MAX_COUNT, Output, Position, clip, decode, device_count,
                                                 is_url, number_text, sha256)
from openwatt.documents.importers.hub import PIPELINE_TAGS, hub_licence
from openwatt.documents.loading import parse_yaml
from openwatt.documents.source import DEFAULT_LIMITS, Document, DocumentError, Format, Limits, Path
from openwatt.values.kinds import kind_in_words

__all__ = ["import_model_card"]

_NO_METADATA_HINT = ("start the README with a line '---', then the metadata (e.g. license: apache-2.0), "
                     "then another line '---'")
_MAPPING_HINT = "write the metadata as 'key: value' lines, e.g. license: apache-2.0"
_EMISSIONS_HINT = "write the emissions in grams of CO2 equivalent as a number, e.g. emissions: 1710"
_HARDWARE_HINT = "write the number of devices, then their type, e.g. hardware_used: 8 A100 GPUs"
_MODEL_INDEX_HINT = ("write model-index as a list of models, each with results: [{task, dataset, metrics: "
                     "[{type, value}]}], as the Hub's model card specification shows")
_METRIC_HINT = "give each metric a type (or name) and a value, e.g. {type: accuracy, value: 0.61}"

# `emissions: 49.49 g` and `17kg` are seen in the wild (energy-formats.md §1.1); a bare number is grams.
_EMISSIONS = re.compile(r"(?P<number>(?:[0-9][0-9_]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*"
                        r"(?P<unit>[A-Za-z][A-Za-z0-9 ]*?)?")
_CARBON_UNITS = {
    **dict.fromkeys(("g", "gram", "grams", "gco2", "gco2e", "gco2eq"), "gCO2e"),
    **dict.fromkeys(("kg", "kgco2", "kgco2e", "kgco2eq"), "kgCO2e"),
    **dict.fromkeys(("t", "tonne", "tonnes", "tco2", "tco2e", "tco2eq"), "tCO2e"),
}
# '384 A100 80GB GPUs', '8 v100 GPUs', '1 x NVIDIA T4', '8xA100': a device count, then the type. Written so that
# no run of spaces can be split two ways (a lazy type followed by \s*, or \s* followed by \s+, took a time
# quadratic in the length of the text).
_HARDWARE = re.compile(r"\s*(?P<count>[1-9][0-9]*)(?:\s*[x×]\s*|\s+)(?P<type>\S(?:.*\S)?)\s*")
_PHASES = {"pretraining": "training", "training": "training", "finetuning": "fine_tuning",
           "finetune": "fine_tuning", "posttraining": "fine_tuning"}
_CODECARBON = re.compile(r"code\s*carbon", re.IGNORECASE)


def import_model_card(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A Hugging Face model card (README.md) as a disclosure, located in the README's lines.
    DocumentError for a card without metadata, with broken YAML, or with a value that cannot be read."""
    text = decode(raw, file, limits, "a model card")
    start, body = _front_matter(text, file)
    metadata, positions = parse_yaml(body, file, limits=limits)
    if metadata is None:
        raise DocumentError(file, start, 1, "the metadata block is empty", _MAPPING_HINT)
    if not isinstance(metadata, dict):
        found = "a list" if isinstance(metadata, list) else "a single value"
        raise DocumentError(file, start + 1, 1, f"the metadata block is {found}, not a mapping of fields",
                            _MAPPING_HINT)
    return _Card(file, metadata, positions, (start, 1)).convert().document(file, sha256(raw), Format.MODEL_CARD)


def _front_matter(text: str, file: str) -> tuple[int, str]:
    """(line of the opening '---', the YAML between the two '---' lines, preceded by as many empty lines
    as come before it in the README, so the YAML parser counts lines as the README does)."""
    lines = text.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].rstrip() != "---":
        raise DocumentError(file, 1 if first is None else first + 1, 1,
                            "the model card has no metadata: it does not start with a '---' line",
                            _NO_METADATA_HINT)
    for end in range(first + 1, len(lines)):
        if lines[end].rstrip() == "---":
            return first + 1, "\n" * (first + 1) + "\n".join(lines[first + 1:end])
    raise DocumentError(file, first + 1, 1, f"the metadata block that starts on line {first + 1} is never closed",
                        "end the metadata with a line that holds only '---'")


class _Card:
    """One card's metadata, converted field by field."""

    def __init__(self, file: str, metadata: dict[str, Any], positions: dict[Path, Position],
                 start: Position) -> None:
        self.file, self.metadata, self.positions, self.start = file, metadata, positions, start
        self.out = Output(start)

    def convert(self) -> Output:
        self.out.place(("model",), self.start)
        self.identity()
        self.licence()
        self.base_model()
        self.task()
        self.datasets()
        self.emissions()
        self.evaluation()
        return self.out

    # --- reading the metadata ---------------------------------------------------------------------

    def at(self, path: Path) -> Position:
        return self.positions.get(path, self.start)

    def fail(self, path: Path, message: str, hint: str | None = None) -> NoReturn:
        raise DocumentError(self.file, *self.at(path), message, hint)

    def get(self, path: Path) -> Any:
        value: Any = self.metadata
        for part in path:
            if isinstance(part, int):
                if not isinstance(value, list) or part >= len(value):
                    return None
            elif not isinstance(value, dict):
                return None
            value = value[part] if isinstance(part, int) else value.get(part)
        return value

    def text(self, path: Path) -> str | None:
        """The value at ``path`` as text, None when absent or blank; numbers and dates are written out."""
        value = self.get(path)
        if value is None or isinstance(value, bool):
            if isinstance(value, bool):
                self.fail(path, f"{_name(path)} is {'true' if value else 'false'}; expected a string",
                          f"write the {_name(path)} as text")
            return None
        if isinstance(value, (dict, list)):
            found = "a list" if isinstance(value, list) else "a mapping"
            self.fail(path, f"{_name(path)} is {found}; expected a string", f"write the {_name(path)} as one value")
        text = str(value).strip()
        return text or None

    def ids(self, key: str) -> list[tuple[str, Position]]:
        """A string or a list of strings (`datasets`, `base_model`), with the position of each."""
        value = self.get((key,))
        if value is None:
            return []
        if isinstance(value, str):
            return [(value.strip(), self.at((key,)))] if value.strip() else []
        if not isinstance(value, list):
            self.fail((key,), f"{key} is {kind_in_words(value)}; expected an id or a list of ids",
                      f"write {key} as a list, e.g. {key}: [org/name]")
        found = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail((key, index), f"{key}[{index}] is {kind_in_words(item)}; expected an id",
                          "write each id as text, e.g. org/name")
            if item.strip():
                found.append((item.strip(), self.at((key, index))))
        return found

    # --- the fields -------------------------------------------------------------------------------

    def identity(self) -> None:
        name_path: Path = ("model-index", 0, "name")
        name = self.text(name_path) if isinstance(self.get(("model-index", 0)), dict) else None
        if name is None and (name := self.text(("model_name",))) is not None:
            name_path = ("model_name",)
        if name is not None:
            self.out.put(("model", "id"), name, self.at(name_path))
            self.out.put(("model", "name"), name, self.at(name_path))
        else:  # a card names no model; its folder is the repository's name on the Hub
            self.out.put(("model", "id"), _folder_name(self.file), self.start)

    def licence(self) -> None:
        keyword = self.text(("license",))
        named = self.text(("license_name",))
        if keyword is not None and keyword.lower() != "other":
            licence = hub_licence(keyword)
            if licence is not None:
                self.out.put(("model", "license"), licence, self.at(("license",)))
        elif named is not None:
            self.out.put(("model", "license"), named, self.at(("license_name",)))
        elif keyword is not None:  # `other` without a name: kept, so a policy can say it is not identified
            self.out.put(("model", "license"), keyword, self.at(("license",)))
        link = self.text(("license_link",))
        if link is not None and is_url(link) and self.out.has(("model", "license")):
            self.out.put(("model", "license_url"), link, self.at(("license_link",)))

    def base_model(self) -> None:
        bases = self.ids("base_model")
        if len(bases) == 1 and isinstance(self.get(("base_model",)), str):
            self.out.put(("model", "base_model"), bases[0][0], bases[0][1])
        elif bases:
            self.out.place(("model", "base_model"), self.at(("base_model",)))
            for index, (base, at) in enumerate(bases):
                self.out.put(("model", "base_model", index), base, at)
        if (relation := self.text(("base_model_relation",))) is not None:
            self.out.put(("model", "base_model_relation"), relation, self.at(("base_model_relation",)))

    def task(self) -> None:
        tag = self.text(("pipeline_tag",))
        if tag is None:
            return
        at = self.at(("pipeline_tag",))
        self.out.put(("model", "intended_tasks"), tag, at)
        if (task := PIPELINE_TAGS.get(tag.lower())) is None:
            return
        self.out.put(("model", "type"), task.type, at)
        if task.inputs:
            self.out.put(("model", "modalities", "input"), list(task.inputs), at)
        if task.outputs:
            self.out.put(("model", "modalities", "output"), list(task.outputs), at)

    def datasets(self) -> None:
        sources = self.ids("datasets")
        if sources:
            self.out.place(("data",), self.at(("datasets",)))
            self.out.place(("data", "sources"), self.at(("datasets",)))
        for index, (dataset, at) in enumerate(sources):
            # A Hub dataset id is public data with a known place to obtain it.
            self.out.put(("data", "sources", index), {
                "name": dataset, "class": "public", "location": f"https://huggingface.co/datasets/{dataset}"}, at)

    def emissions(self) -> None:
        co2 = self.get(("co2_eq_emissions",))
        if co2 is None:
            return
        key: Path = ("co2_eq_emissions",)
        if isinstance(co2, dict):
            details, emissions_path = True, (*key, "emissions")
        elif isinstance(co2, (int, float, str)) and not isinstance(co2, bool):
            details, emissions_path = False, key  # the short form: a bare number of grams
        else:
            self.fail(key, f"co2_eq_emissions is {kind_in_words(co2)}; expected a number of grams or a mapping",
                      _EMISSIONS_HINT)
        phase = self.phase(key) if details else "training"
        energy: Path = ("energy", phase)
        self.out.place(("energy",), self.at(key))
        self.out.place(energy, self.at(key))
        if (value := self.get(emissions_path)) is not None:
            self.out.put((*energy, "emissions"), self.grams(value, emissions_path), self.at(emissions_path))
        if not details:
            return
        if (source := self.text((*key, "source"))) is not None:
            # "CodeCarbon" names the tool; anything more (an article, a method) is the methodology.
            if _CODECARBON.search(source):
                self.out.put((*energy, "tool"), "codecarbon", self.at((*key, "source")))
            if not _CODECARBON.fullmatch(source):
                self.out.put((*energy, "methodology"), source, self.at((*key, "source")))
        if (location := self.text((*key, "geographical_location"))) is not None:
            self.out.put((*energy, "location"), location, self.at((*key, "geographical_location")))
        if (hardware := self.text((*key, "hardware_used"))) is not None:
            at = self.at((*key, "hardware_used"))
            if match := _HARDWARE.fullmatch(hardware):
                if (count := device_count(match["count"])) is None:
                    path = (*key, "hardware_used")
                    self.fail(path, f"{_name(path)} gives more than {MAX_COUNT} devices", _HARDWARE_HINT)
                self.out.put((*energy, "hardware", 0), {"type": match["type"], "count": count}, at)
            else:
                self.out.put((*energy, "hardware", 0), {"type": hardware}, at)

    def evaluation(self) -> None:
        """Each metric of each result in `model-index` as one evaluation result, located at the metric."""
        index = self.mapping_list(("model-index",), "a list of models")
        found = 0
        for model in range(len(index)):
            results = self.mapping_list(("model-index", model, "results"), "a list of results")
            for result in range(len(results)):
                at: Path = ("model-index", model, "results", result)
                context = {"task": self.first_text((*at, "task", "name"), (*at, "task", "type")),
                           "dataset": self.dataset(at),
                           "source": self.first_text((*at, "source", "url"), (*at, "source", "name"))}
                for metric in range(len(self.mapping_list((*at, "metrics"), "a list of metrics"))):
                    path: Path = (*at, "metrics", metric)
                    name = self.first_text((*path, "name"), (*path, "type"))
                    if name is None:
                        self.fail(path, f"{_indexed(path)} has no name or type", _METRIC_HINT)
                    entry: dict[str, Any] = {key: value for key, value in context.items() if value is not None}
                    entry |= {"metric": name, "value": self.metric_value((*path, "value"))}
                    if found == 0:
                        self.out.place(("evaluation",), self.at(("model-index",)))
                        self.out.place(("evaluation", "results"), self.at(("model-index",)))
                    self.out.put(("evaluation", "results", found), entry, self.at(path))
                    found += 1

    def mapping_list(self, path: Path, expected: str) -> list[dict[str, Any]]:
        """The list of mappings at ``path`` (empty when absent); anything else is an error at its place."""
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"{_indexed(path)} is {kind_in_words(value)}; expected {expected}", _MODEL_INDEX_HINT)
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail((*path, index), f"{_indexed((*path, index))} is {kind_in_words(item)}; expected a mapping",
                          _MODEL_INDEX_HINT)
        return value

    def first_text(self, *paths: Path) -> str | None:
        return next((text for path in paths if (text := self.text(path)) is not None), None)

    def dataset(self, result: Path) -> str | None:
        """The dataset's name (else its type), with its config and split when the card gives them."""
        name = self.first_text((*result, "dataset", "name"), (*result, "dataset", "type"))
        if name is None:
            return None
        details = [f"{key} {text}" for key in ("config", "split")
                   if (text := self.text((*result, "dataset", key))) is not None]
        return ", ".join([name, *details])

    def metric_value(self, path: Path) -> float | int | str:
        value = self.get(path)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            return value.strip()
        found = "missing" if value is None else kind_in_words(value)
        self.fail(path if value is not None else path[:-1],
                  f"{_indexed(path)} is {found}; expected a number or a text", _METRIC_HINT)

    def phase(self, key: Path) -> str:
        written = self.text((*key, "training_type"))
        if written is None:
            return "training"
        phase = _PHASES.get(re.sub(r"[\s_-]", "", written.lower()))
        if phase is None:
            self.fail((*key, "training_type"), f"training_type {written!r} is neither pre-training nor fine-tuning",
                      "write training_type: pre-training or training_type: fine-tuning")
        return phase

    def grams(self, value: Any, path: Path) -> str:
        """Emissions as a carbon quantity: a bare number is grams (the spec's unit); a unit written after
        the number (`49.49 g`, `17 kg`) is honoured; nothing is rescaled."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(path, f"{_name(path)} is {kind_in_words(value)}; expected a number of grams", _EMISSIONS_HINT)
        if isinstance(value, (int, float)):
            unit = "gCO2e"
            try:
                number = float(value)
            except OverflowError:  # an integer of hundreds of digits
                number = math.inf
        else:
            match = _EMISSIONS.fullmatch(value.strip())
            found = _CARBON_UNITS.get((match["unit"] or "g").replace(" ", "").lower()) if match else None
            if match is None or found is None:
                self.fail(path, f"{_name(path)} {value!r} is not a number of grams", _EMISSIONS_HINT)
            unit = found
            number = float(match["number"].replace("_", ""))  # 1e999 (text to YAML 1.1) is inf
        if not math.isfinite(number):
            self.fail(path, f"{_name(path)} is not a finite number ({clip(str(value))})", _EMISSIONS_HINT)
        if number < 0:
            self.fail(path, f"{_name(path)} is negative ({clip(str(value))})", "emissions are zero or more")
        return f"{number_text(number)} {unit}"


def _name(path: Path) -> str:
    return ".".join(str(part) for part in path if isinstance(part, str))


def _indexed(path: Path) -> str:
    """A metadata path as a card's reader writes it: model-index[0].results[1].metrics[0]."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _folder_name(file: str) -> str:
    folder = os.path.basename(os.path.dirname(os.path.abspath(file)))
    return folder or os.path.splitext(os.path.basename(file))[0] or "model"
