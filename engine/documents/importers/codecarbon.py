"""CodeCarbon `emissions.csv` logs, one row per tracked run, read as the training energy of a disclosure.

Columns are read by header name, never by position (energy-formats.md §2). Mapping, summed over all rows
(every value is located at its cell; a sum at the cell of its first row):

    project_name (first row)                       -> model.id
    energy_consumed (kWh, PUE already applied)     -> energy.training.energy, e.g. '412.7 kWh'
    emissions (kg CO2e)                            -> energy.training.emissions, e.g. '23.1 kgCO2e', with
                                                      emissions_basis 'location-based' (the grid's intensity)
    duration (s)                                   -> energy.training.duration, e.g. '93600 s'
    gpu_model ('8 x NVIDIA A100-SXM4-80GB'), gpu_count
                                                   -> energy.training.hardware[]: type, count, duration
                                                      (rows on the same type and count add their durations)
    cpu_model, on rows without a GPU               -> energy.training.hardware[]: type, duration
    cloud_region, region, country_name, country_iso_code
                                                   -> energy.training.location, e.g. 'île-de-france, France (FRA)'
    cloud_provider                                 -> energy.training.provider
    pue (the same on every row)                    -> energy.training.pue, and boundary 'facility' when it is
                                                      above 1, else 'node' (CPUs, GPUs and RAM; also without pue)
    water_consumed (L; rows with wue > 0 only)     -> energy.training.water
    (always)                                       -> energy.training.method: measured
    codecarbon_version                             -> energy.training.tool, e.g. 'codecarbon 3.2.1'

CPU hardware is listed only for rows without a GPU: on GPU rows the accelerators are what the energy
plausibility check can judge, and a CPU entry (no board power in its table) would stop it from judging.

Version drift (the columns each release writes, energy-formats.md §2) is handled by column presence:
no `codecarbon_version` (2.1.4 and before) gives the tool 'codecarbon (before 2.2.0)'; no `pue` (before
2.2.3) gives no PUE; no `water_consumed`/`wue` (before 3.0.8) gives no water; `experiment_id` and the
utilisation columns are not needed. `emissions_rate` is never read: its unit changed from g/s to kg/s in
2.2.0. Rows with different PUE settings give no PUE rather than a guess.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NoReturn

from openwatt.documents.importers.common import (MAX_COUNT, Output, Position, clip, decode, device_count, number_text,
                                                 sha256)
from openwatt.documents.source import DEFAULT_LIMITS, Document, DocumentError, Format, Limits

__all__ = ["REQUIRED_COLUMNS", "import_codecarbon", "is_codecarbon_header"]

# Written by every CodeCarbon release; the importer needs the last three, detection looks for all of them.
REQUIRED_COLUMNS = ("timestamp", "project_name", "run_id", "duration", "emissions", "energy_consumed")
_NEEDED = ("duration", "emissions", "energy_consumed")

_FIELD = re.compile(r'"(?P<quoted>(?:[^"]|"")*)"|(?P<plain>[^,\r\n"]*)')
# The type ends at its last non-space: a lazy type followed by \s* took a time quadratic in the length of the text.
_GPU = re.compile(r"\s*(?P<count>[0-9]+)\s*x\s+(?P<type>\S(?:.*\S)?)\s*")
_CSV_HINT = "CodeCarbon writes one header line and one line per run, with cells separated by commas"
_GPU_HINT = "CodeCarbon writes the GPUs of a run as '<count> x <type>', e.g. 8 x NVIDIA A100-SXM4-80GB"


@dataclass(frozen=True, slots=True)
class Cell:
    """One CSV cell and where it starts (1-based line and column)."""

    value: str
    line: int
    column: int

    @property
    def at(self) -> Position:
        return self.line, self.column


def is_codecarbon_header(first_line: str) -> bool:
    """True if a CSV header line has the columns every CodeCarbon release writes."""
    names = {name.strip().strip('"') for name in first_line.split(",")}
    return all(column in names for column in REQUIRED_COLUMNS)


def import_codecarbon(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A CodeCarbon emissions.csv (any release) as a disclosure of measured training energy.
    DocumentError naming the row and column for a missing column, a short row or a bad number."""
    text = decode(raw, file, limits, "an emissions.csv")
    records = _records(text, file)
    header = next(records, None)
    if header is None:
        raise DocumentError(file, 1, 1, "the file is empty", _CSV_HINT)
    log = _Log(file, header)
    for record in records:
        log.add(record, limits)
    if not log.rows:
        raise DocumentError(file, header[0].line, 1, "the file has a header line but no runs",
                            "run CodeCarbon's tracker to the end of a run, so that it writes a row")
    return log.disclosure().document(file, sha256(raw), Format.CODECARBON)


def _records(text: str, file: str) -> Iterator[list[Cell]]:
    """The records of RFC 4180 CSV text, each cell with its line and column; blank lines are skipped."""
    position, line, line_start, end = 0, 1, 0, len(text)
    while position < end:
        record: list[Cell] = []
        while True:
            match = _FIELD.match(text, position)
            assert match is not None  # the plain alternative matches the empty string
            quoted = match["quoted"]
            record.append(Cell(quoted.replace('""', '"') if quoted is not None else match["plain"],
                               line, position - line_start + 1))
            if quoted is not None and "\n" in quoted:  # a quoted cell may span lines
                line += quoted.count("\n")
                line_start = match.start() + 1 + quoted.rindex("\n") + 1
            position = match.end()
            if position >= end:
                break
            if text[position] == ",":
                position += 1
                continue
            if text[position] in "\r\n":
                position += 2 if text.startswith("\r\n", position) else 1
                line, line_start = line + 1, position
                break
            raise DocumentError(file, line, position - line_start + 1, "a stray or unclosed '\"' in a cell",
                                "a cell with a quote must be quoted whole, with the quote doubled: \"a \"\"b\"\"\"")
        if record != [Cell("", record[0].line, 1)]:
            yield record


class _Log:
    """The header and rows of one emissions.csv, with the rules for reading their cells."""

    def __init__(self, file: str, header: list[Cell]) -> None:
        self.file, self.header = file, header
        self.columns: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = cell.value.strip()
            if name in self.columns:
                self.fail(cell, f"the header names the column {name!r} twice", "remove the repeated column")
            self.columns[name] = index
        for name in _NEEDED:
            if name not in self.columns:
                self.fail(header[0], f"the header has no {name!r} column",
                          f"this is not a CodeCarbon emissions.csv, or its header was edited; CodeCarbon "
                          f"writes {', '.join(REQUIRED_COLUMNS)}, ...")
        self.rows: list[list[Cell]] = []

    def fail(self, cell: Cell, message: str, hint: str | None = None) -> NoReturn:
        raise DocumentError(self.file, cell.line, cell.column, message, hint)

    def add(self, record: list[Cell], limits: Limits) -> None:
        number = len(self.rows) + 1
        if [cell.value.strip() for cell in record] == [cell.value.strip() for cell in self.header]:
            self.fail(record[0], f"row {number} repeats the header",
                      "two logs were joined into one file; keep one header line at the top")
        if len(record) != len(self.header):
            self.fail(record[0], f"row {number} has {len(record)} cells; the header has {len(self.header)}",
                      "every row of a CodeCarbon log has one cell per header column")
        if number > limits.max_nodes:
            self.fail(record[0], f"the file has more than {limits.max_nodes} runs",
                      "select the rows of the runs this disclosure is about")
        self.rows.append(record)

    # --- cells (rows by their 0-based index; messages count rows from 1, after the header) ----------

    def cell(self, index: int, column: str) -> Cell | None:
        position = self.columns.get(column)
        return None if position is None else self.rows[index][position]

    def text(self, index: int, column: str) -> str:
        cell = self.cell(index, column)
        return "" if cell is None else cell.value.strip()

    def number(self, index: int, column: str, *, required: bool = False) -> float | None:
        cell = self.cell(index, column)
        where = f"{column} on row {index + 1}"
        if cell is None or not cell.value.strip():
            if required and cell is not None:
                self.fail(cell, f"{where} is empty",
                          f"CodeCarbon writes {column} on every row; check that the file was not edited by hand")
            return None
        written = cell.value.strip()
        try:
            value = float(written)
        except ValueError:
            self.fail(cell, f"{where} is {clip(written)!r}, not a number", f"write {column} as a plain number, "
                                                                           "e.g. 0.0123")
        if not math.isfinite(value):
            self.fail(cell, f"{where} is {clip(written)}, not a finite number",
                      f"write {column} as a plain number, e.g. 0.0123")
        if value < 0:
            self.fail(cell, f"{where} is negative ({clip(written)})", f"{column} is zero or more")
        return value

    def total(self, column: str) -> tuple[float, Position]:
        first = self.cell(0, column)
        assert first is not None  # the columns summed are required ones
        return self.sum(column, range(len(self.rows))), first.at

    def sum(self, column: str, indexes: Sequence[int]) -> float:
        """The sum of a required column over the rows at ``indexes``; DocumentError, at the row where the
        sum passes the largest float, for finite values too large to add up (two of 1e308)."""
        values = [self.number(index, column, required=True) or 0.0 for index in indexes]
        try:
            return math.fsum(values)
        except OverflowError:
            running, last = 0.0, indexes[-1]
            for index, value in zip(indexes, values):
                running += value
                if math.isinf(running):
                    last = index
                    break
            cell = self.cell(last, column)
            assert cell is not None
            rows = f"row {last + 1}" if last == indexes[0] else f"rows {indexes[0] + 1} to {last + 1}"
            self.fail(cell, f"{column} on {rows} adds up to more than {sys.float_info.max:.3g}, too large for a number",
                      f"check {column} on {rows}: no run measures anything near that much")

    # --- the disclosure ---------------------------------------------------------------------------

    def disclosure(self) -> Output:
        out = Output()
        out.place(("model",), (1, 1))
        project = self.cell(0, "project_name")
        out.put(("model", "id"), self.text(0, "project_name") or "codecarbon",
                project.at if project is not None else (1, 1))
        phase = ("energy", "training")
        energy, energy_at = self.total("energy_consumed")
        out.place(("energy",), energy_at)
        out.place(phase, energy_at)
        out.put((*phase, "energy"), f"{number_text(energy)} kWh", energy_at)
        out.put((*phase, "method"), "measured", energy_at)
        version = self.cell(0, "codecarbon_version")
        out.put((*phase, "tool"), self.tool(), version.at if version is not None else self.header[0].at)
        emissions, emissions_at = self.total("emissions")
        out.put((*phase, "emissions"), f"{number_text(emissions)} kgCO2e", emissions_at)
        # CodeCarbon multiplies by the carbon intensity of the grid where it ran (per country or cloud region):
        # location-based emissions, GHG Protocol Scope 2 Guidance section 1.5.1.
        out.put((*phase, "emissions_basis"), "location-based", emissions_at)
        duration, duration_at = self.total("duration")
        out.put((*phase, "duration"), f"{number_text(duration)} s", duration_at)
        self.hardware(out, phase)
        self.location(out, phase)
        self.pue(out, phase)
        self.water(out, phase)
        return out

    def tool(self) -> str:
        if "codecarbon_version" not in self.columns:
            return "codecarbon (before 2.2.0)"
        versions = dict.fromkeys(v for index in range(len(self.rows)) if (v := self.text(index, "codecarbon_version")))
        return f"codecarbon {', '.join(versions)}" if versions else "codecarbon"

    def hardware(self, out: Output, phase: tuple[str, str]) -> None:
        used: dict[tuple[str, int | None], _Use] = {}  # in the order first seen
        for index in range(len(self.rows)):
            duration = self.cell(index, "duration")
            assert duration is not None
            for device in self.devices(index):
                if (use := used.get((device.type, device.count))) is None:
                    used[(device.type, device.count)] = _Use(device, [index], duration.at)
                else:
                    use.rows.append(index)
        if used:
            out.place((*phase, "hardware"), next(iter(used.values())).device.type_at)
        for number, use in enumerate(used.values()):
            item = (*phase, "hardware", number)
            out.place(item, use.device.type_at)
            out.put((*item, "type"), use.device.type, use.device.type_at)
            if use.device.count is not None:
                out.put((*item, "count"), use.device.count, use.device.count_at)
            out.put((*item, "duration"), f"{number_text(self.sum('duration', use.rows))} s", use.duration_at)

    def devices(self, index: int) -> list[_Device]:
        """Each kind of device a row ran on: its GPUs, or its CPU when it had none."""
        model, count = self.cell(index, "gpu_model"), self.cell(index, "gpu_count")
        gpus = self.number(index, "gpu_count")
        if model is not None and model.value.strip() and (gpus is None or gpus > 0):
            parts = [_GPU.fullmatch(part) for part in model.value.split(",")]
            if all(parts):  # '8 x NVIDIA A100-SXM4-80GB', or several kinds: '4 x A, 2 x B'
                counts = [(m["type"], device_count(m["count"])) for m in parts if m is not None]
                if any(number is None for _, number in counts):
                    self.fail(model, f"gpu_model on row {index + 1} gives more than {MAX_COUNT} GPUs", _GPU_HINT)
                return [_Device(kind, number, model.at, model.at) for kind, number in counts if number]
            if gpus is not None and gpus > MAX_COUNT:
                assert count is not None
                self.fail(count, f"gpu_count on row {index + 1} is {clip(count.value.strip())}, more than "
                                 f"{MAX_COUNT} GPUs", "write the number of GPUs the run used, e.g. 8")
            whole = int(gpus) if gpus is not None and gpus.is_integer() and gpus >= 1 else None
            return [_Device(model.value.strip(), whole, model.at, count.at if count is not None else model.at)]
        cpu = self.cell(index, "cpu_model")
        if cpu is not None and cpu.value.strip():
            return [_Device(cpu.value.strip(), None, cpu.at, cpu.at)]
        return []

    def location(self, out: Output, phase: tuple[str, str]) -> None:
        places: dict[str, Position] = {}
        providers: dict[str, Position] = {}
        for index in range(len(self.rows)):
            on_cloud = self.text(index, "on_cloud").upper() == "Y" or (
                "on_cloud" not in self.columns and bool(self.text(index, "cloud_provider")))
            cells = [self.cell(index, "cloud_region") if on_cloud else None, self.cell(index, "region"),
                     self.cell(index, "country_name")]
            named = [c for c in cells if c is not None and c.value.strip()]
            words = list(dict.fromkeys(c.value.strip() for c in named))
            iso = self.cell(index, "country_iso_code")
            code = iso.value.strip() if iso is not None else ""
            place = ", ".join(words) + (f" ({code})" if code and words else code)
            anchor = named[0] if named else iso
            if place and anchor is not None:
                places.setdefault(place, anchor.at)
            provider = self.cell(index, "cloud_provider")
            if on_cloud and provider is not None and provider.value.strip():
                providers.setdefault(provider.value.strip(), provider.at)
        if places:
            out.put((*phase, "location"), "; ".join(places), next(iter(places.values())))
        if providers:
            out.put((*phase, "provider"), "; ".join(providers), next(iter(providers.values())))

    def pue(self, out: Output, phase: tuple[str, str]) -> None:
        # CodeCarbon measures CPUs, GPUs and RAM (node level) and multiplies each by its `pue` setting: above 1,
        # the figure is at facility level (energy-formats.md section 9.1); without the column (before 2.2.3), node.
        energy_at = self.total("energy_consumed")[1]
        if "pue" not in self.columns:
            out.put((*phase, "boundary"), "node", energy_at)
            return
        values = {self.number(index, "pue") for index in range(len(self.rows))}
        cell = self.cell(0, "pue")
        if len(values) == 1 and (value := values.pop()) is not None and cell is not None:
            out.put((*phase, "pue"), int(value) if value.is_integer() else value, cell.at)
            out.put((*phase, "boundary"), "facility" if value > 1 else "node", cell.at)

    def water(self, out: Output, phase: tuple[str, str]) -> None:
        if "water_consumed" not in self.columns or "wue" not in self.columns:
            return
        # wue defaults to 0, which means "not configured", not "no water": then there is no figure.
        if all((self.number(index, "wue") or 0) > 0 for index in range(len(self.rows))):
            litres, at = self.total("water_consumed")
            out.put((*phase, "water"), f"{number_text(litres)} L", at)


@dataclass(frozen=True, slots=True)
class _Device:
    type: str
    count: int | None
    type_at: Position
    count_at: Position


@dataclass(slots=True)
class _Use:
    """One kind of device across rows: the rows that used it (0-based, once per use), located at the first."""

    device: _Device
    rows: list[int]
    duration_at: Position
