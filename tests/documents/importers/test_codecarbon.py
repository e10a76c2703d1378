"""CodeCarbon emissions.csv: runs summed into measured training energy, each value located at its cell."""

from __future__ import annotations

import pytest

from openwatt.documents import Format
from openwatt.documents.importers.codecarbon import import_codecarbon, is_codecarbon_header

from conftest import EMISSIONS, assert_valid, error_of, located

# The header of each CodeCarbon release where it changed (energy-formats.md §2).
V2_1_4 = ("timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,"
          "cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,"
          "cloud_region,os,python_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,"
          "ram_total_size,tracking_mode,on_cloud").split(",")
V2_2_0 = [*V2_1_4[:20], "codecarbon_version", *V2_1_4[20:]]
V2_2_3 = [*V2_2_0, "pue"]
V2_7_0 = [*V2_2_3[:3], "experiment_id", *V2_2_3[3:]]
V3_0_8 = [*V2_7_0[:14], "water_consumed", *V2_7_0[14:], "wue"]
V3_2_1 = [*V3_0_8[:-3], "cpu_utilization_percent", "gpu_utilization_percent", "ram_utilization_percent",
          "ram_used_gb", *V3_0_8[-3:]]

ROW = {"timestamp": "2025-05-01T10:00:00", "project_name": "demo", "run_id": "r-1", "experiment_id": "e-1",
       "duration": "3600.0", "emissions": "0.05", "emissions_rate": "1.4e-05", "cpu_power": "42.5",
       "gpu_power": "280.0", "ram_power": "30.0", "cpu_energy": "0.0425", "gpu_energy": "0.28",
       "ram_energy": "0.03", "energy_consumed": "0.3525", "water_consumed": "0.0", "country_name": "Canada",
       "country_iso_code": "CAN", "region": "quebec", "cloud_provider": "", "cloud_region": "", "os": "Linux",
       "python_version": "3.11.9", "codecarbon_version": "2.8.3", "cpu_count": "32",
       "cpu_model": "AMD EPYC 7313 16-Core Processor", "gpu_count": "1", "gpu_model": "1 x NVIDIA A100-SXM4-40GB",
       "longitude": "-71.2", "latitude": "46.8", "ram_total_size": "256.0", "tracking_mode": "machine",
       "cpu_utilization_percent": "40.1", "gpu_utilization_percent": "88.0", "ram_utilization_percent": "10.2",
       "ram_used_gb": "26.1", "on_cloud": "N", "pue": "1.0", "wue": "0.0"}


def csv(columns: list[str], *rows: dict[str, str]) -> bytes:
    lines = [",".join(columns)]
    for row in rows:
        values = {**ROW, **row}
        lines.append(",".join(values[column] for column in columns))
    return ("\n".join(lines) + "\n").encode()


def training(raw: bytes) -> dict:
    return import_codecarbon(raw, "emissions.csv").data["energy"]["training"]


# --- the sample log, field by field -----------------------------------------------------------------------

def test_sample_log_converts_field_by_field() -> None:
    document = import_codecarbon(EMISSIONS.read_bytes(), str(EMISSIONS))
    assert document.format == Format.CODECARBON == "codecarbon"
    assert document.data == {
        "openwatt": "1.0",
        "model": {"id": "glacier-1b"},
        "energy": {"training": {
            "energy": "284.409039492 kWh",           # 93.514241760 + 163.996676337 + 26.898121395
            "method": "measured",
            "tool": "codecarbon 3.2.1",
            "hardware": [{"type": "NVIDIA H100 80GB HBM3", "count": 8, "duration": "187923.84 s"}],
            "duration": "187923.84 s",               # 61200.42 + 108003.87 + 18719.55
            "location": "île-de-france, France (FRA)",
            "pue": 1.2,
            "boundary": "facility",                  # CodeCarbon applied its pue of 1.2
            "emissions": "15.983788019 kgCO2e",      # 5.255500387 + 9.216613210 + 1.511674422
            "emissions_basis": "location-based",     # the grid's carbon intensity where it ran
        }},
    }
    assert_valid(document)


@pytest.mark.parametrize(("path", "position", "text"), [
    (("model", "id"), (2, 21), "glacier-1b,5b0f2c9e-7d3a-4c1e-9a55-0e6f3"),
    (("energy", "training", "energy"), (2, 198), "93.514241760,0.0,France,FRA,île-de-franc"),
    (("energy", "training", "emissions"), (2, 115), "5.255500387,0.000085873600,251.3,4213.8,"),
    (("energy", "training", "duration"), (2, 106), "61200.42,5.255500387,0.000085873600,251."),
    (("energy", "training", "tool"), (2, 296), "3.2.1,192,AMD EPYC 9454 48-Core Processo"),
    (("energy", "training", "hardware", 0, "type"), (2, 340), "8 x NVIDIA H100 80GB HBM3,2.3522,48.8566"),
    (("energy", "training", "hardware", 0, "duration"), (2, 106), "61200.42,5.255500387,0.000085873600,251."),
    (("energy", "training", "location"), (2, 226), "île-de-france,,,Linux-5.15.0-122-generic"),
    (("energy", "training", "pue"), (2, 419), "1.2,0.0"),
])
def test_sample_positions_point_at_the_first_row(path: tuple, position: tuple[int, int], text: str) -> None:
    document = import_codecarbon(EMISSIONS.read_bytes(), str(EMISSIONS))
    assert document.positions[path] == position
    assert located(document, EMISSIONS)[path][:len(text)] == text


# --- version drift ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("columns", "tool", "pue"), [
    (V2_1_4, "codecarbon (before 2.2.0)", None),
    (V2_2_0, "codecarbon 2.8.3", None),
    (V2_2_3, "codecarbon 2.8.3", 1),
    (V2_7_0, "codecarbon 2.8.3", 1),
    (V3_0_8, "codecarbon 2.8.3", 1),
    (V3_2_1, "codecarbon 2.8.3", 1),
], ids=["2.1.4", "2.2.0", "2.2.3", "2.7.0", "3.0.8", "3.2.1"])
def test_every_release_header(columns: list[str], tool: str, pue: int | None) -> None:
    document = import_codecarbon(csv(columns, {}, {"run_id": "r-2", "duration": "1800.5", "energy_consumed": "0.2",
                                                  "emissions": "0.025"}), "emissions.csv")
    phase = document.data["energy"]["training"]
    assert phase["energy"] == "0.5525 kWh" and phase["emissions"] == "0.075 kgCO2e"
    assert phase["duration"] == "5400.5 s" and phase["tool"] == tool and phase.get("pue") == pue
    assert phase["hardware"] == [{"type": "NVIDIA A100-SXM4-40GB", "count": 1, "duration": "5400.5 s"}]
    assert "water" not in phase  # wue 0 means not configured
    assert_valid(document)


def test_header_check() -> None:
    assert all(is_codecarbon_header(",".join(c)) for c in (V2_1_4, V2_2_0, V3_2_1))
    assert is_codecarbon_header('"timestamp","project_name","run_id","duration","emissions","energy_consumed"')
    assert not is_codecarbon_header("timestamp,run_id,energy")


# --- rows and columns ---------------------------------------------------------------------------------------

def test_water_when_wue_is_set() -> None:
    phase = training(csv(V3_2_1, {"wue": "1.8", "water_consumed": "0.6345"}, {"wue": "1.8", "water_consumed": "0.1"}))
    assert phase["water"] == "0.7345 L"


def test_rows_with_different_pue_give_no_pue() -> None:
    assert "pue" not in training(csv(V3_2_1, {"pue": "1.1"}, {"pue": "1.3"}))


def test_hardware_groups_rows_by_type_and_count() -> None:
    phase = training(csv(V3_2_1, {"duration": "100"}, {"duration": "50", "gpu_count": "2",
                                                       "gpu_model": "2 x NVIDIA A100-SXM4-40GB"},
                         {"duration": "25"}, {"duration": "10", "gpu_count": "", "gpu_model": ""},
                         {"duration": "5", "gpu_count": "0", "gpu_model": "", "cpu_model": "Intel Xeon"}))
    assert phase["hardware"] == [
        {"type": "NVIDIA A100-SXM4-40GB", "count": 1, "duration": "125 s"},
        {"type": "NVIDIA A100-SXM4-40GB", "count": 2, "duration": "50 s"},
        {"type": "AMD EPYC 7313 16-Core Processor", "duration": "10 s"},  # CPU-only rows list the CPU
        {"type": "Intel Xeon", "duration": "5 s"},
    ]


def test_several_kinds_of_gpu_in_one_row() -> None:
    raw = csv(V3_2_1, {"gpu_count": "3", "gpu_model": '"2 x NVIDIA A100-SXM4-40GB, 1 x Tesla V100-SXM2-32GB"'})
    assert training(raw)["hardware"] == [
        {"type": "NVIDIA A100-SXM4-40GB", "count": 2, "duration": "3600 s"},
        {"type": "Tesla V100-SXM2-32GB", "count": 1, "duration": "3600 s"}]


def test_gpu_model_without_a_count_prefix() -> None:
    assert training(csv(V3_2_1, {"gpu_count": "4.0", "gpu_model": "NVIDIA H100 80GB HBM3"}))["hardware"] == [
        {"type": "NVIDIA H100 80GB HBM3", "count": 4, "duration": "3600 s"}]


def test_cloud_location_and_provider() -> None:
    phase = training(csv(V3_2_1, {"on_cloud": "Y", "cloud_provider": "gcp", "cloud_region": "europe-west9",
                                  "country_name": "France", "country_iso_code": "FRA", "region": "île-de-france"},
                         {"country_name": "Canada"}))
    assert phase["location"] == "europe-west9, île-de-france, France (FRA); quebec, Canada (CAN)"
    assert phase["provider"] == "gcp"


def test_old_logs_without_on_cloud_use_the_provider() -> None:
    columns = [c for c in V2_1_4 if c != "on_cloud"]
    phase = training(csv(columns, {"cloud_provider": "aws", "cloud_region": "us-east-1", "region": "virginia",
                                   "country_name": "United States", "country_iso_code": "USA"}))
    assert phase["location"] == "us-east-1, virginia, United States (USA)" and phase["provider"] == "aws"


def test_quoted_cells_crlf_bom_and_blank_lines() -> None:
    header = ",".join(V3_2_1)
    row = ",".join('"AMD EPYC, ""Genoa"""' if c == "cpu_model" else ROW[c] for c in V3_2_1)
    raw = ("\ufeff" + header + "\r\n" + row + "\r\n\r\n").encode()
    document = import_codecarbon(raw, "emissions.csv")
    assert document.data["energy"]["training"]["energy"] == "0.3525 kWh"
    assert document.positions[("energy", "training", "energy")] == (2, row.index("0.3525") + 1)


def test_a_quoted_cell_across_lines_keeps_later_columns_right() -> None:
    header = ",".join(V3_2_1)
    row = ",".join('"AMD\nEPYC"' if c == "cpu_model" else ROW[c] for c in V3_2_1)
    document = import_codecarbon(f"{header}\n{row}\n".encode(), "emissions.csv")
    second_line = row.split("\n")[1]
    assert document.positions[("energy", "training", "hardware", 0, "type")] == (
        3, second_line.index("1 x NVIDIA") + 1)


def test_project_name_missing_gives_a_default_id() -> None:
    raw = csv(V3_2_1, {"project_name": ""})
    assert import_codecarbon(raw, "emissions.csv").data["model"] == {"id": "codecarbon"}


# --- errors -------------------------------------------------------------------------------------------------

HEADER = ",".join(V2_2_0)


@pytest.mark.parametrize(("raw", "rendered"), [
    (b"", "emissions.csv:1:1: the file is empty\nCodeCarbon writes one header line and one line per run, with "
     "cells separated by commas"),
    (HEADER.encode() + b"\n", "emissions.csv:1:1: the file has a header line but no runs\n"
     "run CodeCarbon's tracker to the end of a run, so that it writes a row"),
    (b"timestamp,duration,emissions\n1,2,3\n", "emissions.csv:1:1: the header has no 'energy_consumed' column\n"
     "this is not a CodeCarbon emissions.csv, or its header was edited; CodeCarbon writes timestamp, project_name, "
     "run_id, duration, emissions, energy_consumed, ..."),
    (b"duration,emissions,energy_consumed,duration\n", "emissions.csv:1:36: the header names the column "
     "'duration' twice\nremove the repeated column"),
    (csv(V2_2_0, {}) + HEADER.encode() + b"\n", "emissions.csv:3:1: row 2 repeats the header\n"
     "two logs were joined into one file; keep one header line at the top"),
    (csv(V2_2_0, {"duration": ""}), "emissions.csv:2:30: duration on row 1 is empty\n"
     "CodeCarbon writes duration on every row; check that the file was not edited by hand"),
    (csv(V2_2_0, {"emissions": "inf"}), "emissions.csv:2:37: emissions on row 1 is inf, not a finite number\n"
     "write emissions as a plain number, e.g. 0.0123"),
    (csv(V2_2_0, {"emissions": "NaN"}), "emissions.csv:2:37: emissions on row 1 is NaN, not a finite number\n"
     "write emissions as a plain number, e.g. 0.0123"),
    (csv(V2_2_0, {"gpu_count": "two"}), "emissions.csv:2:164: gpu_count on row 1 is 'two', not a number\n"
     "write gpu_count as a plain number, e.g. 0.0123"),
    (csv(V2_2_3, {"pue": "-1"}), "emissions.csv:2:219: pue on row 1 is "
     "negative (-1)\npue is zero or more"),
    (HEADER.encode() + b'\n"2025,x"y\n', "emissions.csv:2:9: a stray or unclosed '\"' in a cell\n"
     "a cell with a quote must be quoted whole, with the quote doubled: \"a \"\"b\"\"\""),
    (HEADER.encode() + b'\n"2025\n', "emissions.csv:2:1: a stray or unclosed '\"' in a cell\n"
     "a cell with a quote must be quoted whole, with the quote doubled: \"a \"\"b\"\"\""),
    (b"duration,emissions,energy_consumed\n1,2,3\x00\n", "emissions.csv:2:6: the file is binary: a NUL byte at "
     "offset 40\nan emissions.csv is a text file; check that this is the right file"),
])
def test_errors(raw: bytes, rendered: str) -> None:
    assert error_of(import_codecarbon, raw, "emissions.csv") == rendered


def test_row_limit() -> None:
    from openwatt.documents import Limits
    raw = csv(V2_2_0, {}, {}, {})
    assert error_of(import_codecarbon, raw, "emissions.csv", Limits(max_nodes=2)) == (
        "emissions.csv:4:1: the file has more than 2 runs\nselect the rows of the runs this disclosure is about")


def test_release_headers_have_the_documented_column_counts() -> None:
    assert [len(c) for c in (V2_1_4, V2_2_0, V2_2_3, V2_7_0, V3_0_8, V3_2_1)] == [29, 30, 31, 32, 34, 38]
    assert V3_2_1 == EMISSIONS.read_text(encoding="utf-8").split("\n", 1)[0].split(",")


# --- hostile numbers: every one a located error, never OverflowError or ValueError -------------------------

_SUM_HINT = "no run measures anything near that much"
_GPU_HINT = "CodeCarbon writes the GPUs of a run as '<count> x <type>', e.g. 8 x NVIDIA A100-SXM4-80GB"


@pytest.mark.parametrize(("raw", "rendered"), [
    # Each value is finite, their sum is not: math.fsum raises OverflowError.
    (csv(V2_2_0, {"energy_consumed": "1e308"}, {"energy_consumed": "1e308"}),
     "emissions.csv:3:83: energy_consumed on rows 1 to 2 adds up to more than 1.8e+308, too large for a number\n"
     f"check energy_consumed on rows 1 to 2: {_SUM_HINT}"),
    # Located at the row where the sum passes the largest float, not at the last row.
    (csv(V2_2_0, {}, {"energy_consumed": "1e308"}, {"energy_consumed": "1.7e308"}, {}),
     "emissions.csv:4:83: energy_consumed on rows 1 to 3 adds up to more than 1.8e+308, too large for a number\n"
     f"check energy_consumed on rows 1 to 3: {_SUM_HINT}"),
    # The duration of one kind of GPU, listed twice in one row, is summed on its own.
    (csv(V2_2_0, {"duration": "1e308", "gpu_model": '"1 x A100, 1 x A100"'}),
     "emissions.csv:2:30: duration on row 1 adds up to more than 1.8e+308, too large for a number\n"
     f"check duration on row 1: {_SUM_HINT}"),
    (csv(V2_2_0, {"energy_consumed": "9" * 400}), "emissions.csv:2:83: energy_consumed on row 1 is "
     "9999999999999999999999999999999999999..., not a finite number\n"
     "write energy_consumed as a plain number, e.g. 0.0123"),
    (csv(V2_2_0, {"energy_consumed": "-1" + "0" * 300}), "emissions.csv:2:83: energy_consumed on row 1 is negative "
     "(-100000000000000000000000000000000000...)\nenergy_consumed is zero or more"),
    (csv(V2_2_0, {"energy_consumed": "-inf"}), "emissions.csv:2:83: energy_consumed on row 1 is -inf, not a finite "
     "number\nwrite energy_consumed as a plain number, e.g. 0.0123"),
    # int() refuses more than 4300 digits; a count is never converted past MAX_COUNT.
    (csv(V2_2_0, {"gpu_model": "9" * 5000 + " x NVIDIA A100-SXM4-40GB"}),
     f"emissions.csv:2:166: gpu_model on row 1 gives more than 999999999 GPUs\n{_GPU_HINT}"),
    (csv(V2_2_0, {"gpu_model": "1000000000 x NVIDIA A100-SXM4-40GB"}),
     f"emissions.csv:2:166: gpu_model on row 1 gives more than 999999999 GPUs\n{_GPU_HINT}"),
    (csv(V2_2_0, {"gpu_count": "1e12", "gpu_model": "NVIDIA H100"}),
     "emissions.csv:2:164: gpu_count on row 1 is 1e12, more than 999999999 GPUs\n"
     "write the number of GPUs the run used, e.g. 8"),
])
def test_hostile_numbers(raw: bytes, rendered: str) -> None:
    assert error_of(import_codecarbon, raw, "emissions.csv") == rendered


def test_gpu_counts_up_to_the_cap_and_leading_zeros() -> None:
    assert training(csv(V2_2_0, {"gpu_model": "999999999 x NVIDIA A100-SXM4-40GB"}))["hardware"] == [
        {"type": "NVIDIA A100-SXM4-40GB", "count": 999999999, "duration": "3600 s"}]
    assert training(csv(V2_2_0, {"gpu_model": '"0 x A, 0002 x B"'}))["hardware"] == [
        {"type": "B", "count": 2, "duration": "3600 s"}]  # no device of a kind counted 0
