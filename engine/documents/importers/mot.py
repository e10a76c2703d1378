"""Model Openness Tool (MOT) model files, `framework:` and `release:`, read as a disclosure.

Mapping (mof.md §1, §3.1, §3.2, §4; every value keeps the line and column where the MOT file states it):

    release.name                        -> model.id and model.name
    release.version / date / type       -> model.version / release_date / type
    release.architecture / origin       -> model.architecture / base_model
    release.producer / contact          -> model.developer / contact
    release.repository (or huggingface) -> model.repository
    release.license.distribution        -> model.license (name), model.license_url (path, when a URL)
    release.components[]                -> components[], one per listed component:
      name (exact MOT name, or MOT id)  -> kind, e.g. 'Model parameters (Final)' (10) -> parameters-final
      license                           -> license, exactly as written (an SPDX id or a licence name);
                                           absent or null: the release default for the component's content
                                           type (code, data, document), then release.license.distribution;
                                           '' or 'unlicensed': no licence, and no default either
      license_path (a URL)              -> license_url
      component_path                    -> location
      description                       -> description
      (derived)                         -> availability: public when a path or a licence is given,
                                           otherwise not-released

Every listed component is present, as in the MOT (§3.1); a component that is not listed stays missing.
Licence strings are kept as written, never normalised: `Apache 2.0` stays `Apache 2.0`, so the mof
pack judges it as the MOT does.

The legacy format (before MOT commit a074588) lists all 17 components with `location` and
`license_name`; its sentinels are mapped explicitly: `Component not included` leaves the component out
(missing), `License not specified` and `Pending evaluation` give a component without a licence.
`release.treatment` has no field in the disclosure schema and is not imported.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from openwatt.documents.importers.common import Output, Position, clip, is_url
from openwatt.documents.loading import parse_document
from openwatt.documents.source import DEFAULT_LIMITS, Document, DocumentError, Format, Limits, Path, format_path
from openwatt.values.kinds import kind_in_words

__all__ = ["MOT_COMPONENTS", "MotComponent", "import_mot", "mot_disclosure"]

FRAMEWORK = "Model Openness Framework"


@dataclass(frozen=True, slots=True)
class MotComponent:
    """One row of mof.md §1: the exact MOT name, its MOT id, our `kind` slug and its content type."""

    name: str
    id: int
    kind: str
    content: str  # code, data or document: which release-level default licence applies


MOT_COMPONENTS: tuple[MotComponent, ...] = (
    MotComponent("Model architecture", 9, "architecture", "code"),
    MotComponent("Model parameters (Final)", 10, "parameters-final", "data"),
    MotComponent("Technical report", 11, "technical-report", "document"),
    MotComponent("Evaluation results", 12, "evaluation-results", "document"),
    MotComponent("Model card", 13, "model-card", "document"),
    MotComponent("Data card", 14, "data-card", "document"),
    MotComponent("Sample model outputs", 20, "sample-outputs", "document"),
    MotComponent("Training code", 7, "training-code", "code"),
    MotComponent("Inference code", 8, "inference-code", "code"),
    MotComponent("Evaluation code", 18, "evaluation-code", "code"),
    MotComponent("Evaluation data", 19, "evaluation-data", "data"),
    MotComponent("Supporting libraries and tools", 22, "supporting-libraries", "code"),
    MotComponent("Research paper", 21, "research-paper", "document"),
    MotComponent("Datasets", 15, "datasets", "data"),
    MotComponent("Data preprocessing code", 16, "preprocessing-code", "code"),
    MotComponent("Model parameters (Intermediate)", 24, "parameters-intermediate", "data"),
    MotComponent("Model metadata", 17, "model-metadata", "data"),
)
_BY_NAME: Mapping[str, MotComponent] = {c.name: c for c in MOT_COMPONENTS}
_BY_ID: Mapping[int, MotComponent] = {c.id: c for c in MOT_COMPONENTS}

_NOT_INCLUDED = "Component not included"          # legacy: the component is not part of the release
_NO_LICENCE = frozenset({"License not specified", "Pending evaluation"})  # legacy: listed, no licence
_UNLICENSED = frozenset({"", "unlicensed"})        # current: listed, no licence, no release default
_ID = re.compile(r"[0-9]{1,9}")                    # a component id written as text, e.g. '10'


def import_mot(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A MOT model file (current or legacy format) as a disclosure, located in the MOT file's lines."""
    return mot_disclosure(parse_document(raw, file, limits=limits))


def mot_disclosure(document: Document) -> Document:
    """The disclosure for a MOT file already loaded as YAML; DocumentError for what the MOT would reject
    (no framework or release, no release name, an unknown component name) and for a component listed twice."""
    return _Release(document).convert().document(document.file, document.digest, Format.MOT)


class _Release:
    def __init__(self, document: Document) -> None:
        self.source = document
        self.out = Output(self.at(("framework",)))

    def convert(self) -> Output:
        self.framework()
        release = self.mapping(("release",))
        self.out.place(("model",), self.at(("release",)))
        self.model()
        self.components(release)
        return self.out

    # --- reading the MOT file ---------------------------------------------------------------------

    def at(self, path: Path) -> Position:
        line, column, _ = self.source.locate(path)
        return line, column

    def fail(self, path: Path, message: str, hint: str | None = None) -> NoReturn:
        raise DocumentError(self.source.file, *self.at(path), message, hint)

    def get(self, path: Path) -> Any:
        value: Any = self.source.data
        for part in path:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
        return value

    def mapping(self, path: Path) -> dict[str, Any]:
        value = self.get(path)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, f"{format_path(path)} is {kind_in_words(value)}; expected a mapping")
        return value

    def text(self, path: Path) -> str | None:
        """A string field as text (numbers and dates written out, as YAML may read `version: 1.0` or an
        unquoted date); None when absent, null or blank."""
        value = self.get(path)
        if value is None:
            return None
        if isinstance(value, (dict, list, bool)):
            self.fail(path, f"{format_path(path)} is {kind_in_words(value)}; expected a string", "quote the value")
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        return text.strip() or None

    def licence_text(self, path: Path) -> str | None:
        """A licence name exactly as written, spaces included, as the MOT compares it (mof.md §3.2–3.3):
        ' MIT' is not MIT there, so not here; None when absent, null or the empty string."""
        value = self.get(path)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else self.text(path)

    def copy(self, source: Path, target: Path) -> str | None:
        if (value := self.text(source)) is not None:
            self.out.put(target, value, self.at(source))
        return value

    # --- the release ------------------------------------------------------------------------------

    def framework(self) -> None:
        self.mapping(("framework",))
        name = self.text(("framework", "name"))
        if name != FRAMEWORK:
            where: Path = ("framework", "name") if name is not None else ("framework",)
            found = f"is {name!r}" if name is not None else "is missing"
            self.fail(where, f"framework.name {found}; a MOT file says {FRAMEWORK!r}",
                      f"write framework.name: '{FRAMEWORK}'")

    def model(self) -> None:
        release: Path = ("release",)
        if self.text((*release, "name")) is None:
            self.fail((*release, "name"), "release.name is missing; the MOT names every release",
                      "write release.name: My-model")
        self.copy((*release, "name"), ("model", "id"))
        self.copy((*release, "name"), ("model", "name"))
        self.copy((*release, "version"), ("model", "version"))
        self.copy((*release, "producer"), ("model", "developer"))
        self.copy((*release, "date"), ("model", "release_date"))
        self.copy((*release, "type"), ("model", "type"))
        self.copy((*release, "architecture"), ("model", "architecture"))
        self.copy((*release, "origin"), ("model", "base_model"))
        self.copy((*release, "contact"), ("model", "contact"))
        if self.copy((*release, "repository"), ("model", "repository")) is None:
            self.copy((*release, "huggingface"), ("model", "repository"))
        default = self.default("distribution")
        if default is not None:
            name, name_at, url, url_at = default
            self.out.put(("model", "license"), name, name_at)
            if url is not None:
                self.out.put(("model", "license_url"), url, url_at)

    def default(self, content: str) -> tuple[str, Position, str | None, Position] | None:
        """release.license.<content>: (name, where, URL of its path or None, where), None when empty."""
        path: Path = ("release", "license", content)
        self.mapping(("release", "license"))
        self.mapping(path)
        if (name := self.licence_text((*path, "name"))) is None:
            return None
        url = self.text((*path, "path"))
        return name, self.at((*path, "name")), url if url and is_url(url) else None, self.at((*path, "path"))

    # --- the components ---------------------------------------------------------------------------

    def components(self, release: dict[str, Any]) -> None:
        listed = release.get("components")
        if listed is None:
            return
        if not isinstance(listed, list):
            self.fail(("release", "components"), f"release.components is {kind_in_words(listed)}; expected a list",
                      "list the components of the release, each with a name")
        self.out.place(("components",), self.at(("release", "components")))
        first: dict[str, int] = {}
        for index, item in enumerate(listed):
            path: Path = ("release", "components", index)
            if not isinstance(item, dict):
                self.fail(path, f"release.components[{index}] is {kind_in_words(item)}; expected a mapping",
                          "give each component a name, description, license and component_path")
            spec = self.spec(path)
            if spec.name in first:
                self.fail((*path, "name"), f"component {spec.name!r} is listed twice (first at line {first[spec.name]})",
                          "list each component once")
            first[spec.name] = self.at((*path, "name"))[0]
            self.component(path, item, spec)

    def spec(self, path: Path) -> MotComponent:
        name = self.get((*path, "name"))
        if name is None:
            name = self.get((*path, "id"))
        if isinstance(name, bool) or name is None:
            self.fail(path, f"{format_path(path)} has no name", "write the component's MOT name, e.g. "
                                                            "name: 'Model architecture'")
        text = str(name).strip()
        # An id is ASCII digits: '²' is a digit to str.isdigit but not to int(), and no id has 4300 digits.
        if isinstance(name, int) or (isinstance(name, str) and _ID.fullmatch(text)):
            if (found := _BY_ID.get(int(name))) is None:
                self.fail((*path, "name"), f"{clip(text)} is not the id of a MOF component",
                          "the MOT's component ids are 7 to 22 and 24; or write the component's name")
            return found
        if (found := _BY_NAME.get(text)) is not None:
            return found
        close = difflib.get_close_matches(text, list(_BY_NAME), n=1, cutoff=0.6) or [
            n for n in _BY_NAME if n.lower() == text.lower()]
        hint = f"did you mean {close[0]!r}?" if close else "use one of the 17 MOT component names, e.g. 'Datasets'"
        self.fail((*path, "name"), f"unknown MOF component {clip(text)!r}", hint)

    def component(self, path: Path, item: dict[str, Any], spec: MotComponent) -> None:
        legacy = ("license_name" in item or "location" in item) and not (
            "license" in item or "component_path" in item)
        location_key, licence_key = ("location", "license_name") if legacy else ("component_path", "license")
        location = self.text((*path, location_key))
        written = self.licence_text((*path, licence_key))
        if legacy and _NOT_INCLUDED in (written, location):
            return  # not part of the release: missing, as if it were not listed
        if legacy and location in _NO_LICENCE:
            location = None
        if legacy or self.get((*path, licence_key)) is not None:  # the component's own licence, or none
            unlicensed = written is None or written in (_NO_LICENCE if legacy else _UNLICENSED)
            licence = None if unlicensed else self.own_licence(path, licence_key)
        else:  # no license key: the release default for its content type, then the distribution licence
            licence = self.default(spec.content) or self.default("distribution")
        target: Path = ("components", len(self.out.data.get("components", [])))
        self.out.place(target, self.at(path))
        self.out.put((*target, "kind"), spec.kind, self.at((*path, "name")))
        available = location is not None or licence is not None
        availability_at = (self.at((*path, location_key)) if location is not None
                           else licence[1] if licence is not None else self.at(path))
        self.out.put((*target, "availability"), "public" if available else "not-released", availability_at)
        if location is not None:
            self.out.put((*target, "location"), location, self.at((*path, location_key)))
        if licence is not None:
            name, name_at, url, url_at = licence
            self.out.put((*target, "license"), name, name_at)
            if url is not None:
                self.out.put((*target, "license_url"), url, url_at)
        self.copy((*path, "description"), (*target, "description"))

    def own_licence(self, path: Path, key: str) -> tuple[str, Position, str | None, Position]:
        name = self.licence_text((*path, key)) or ""
        url = self.text((*path, "license_path"))
        return name, self.at((*path, key)), url if url and is_url(url) else None, self.at((*path, "license_path"))
