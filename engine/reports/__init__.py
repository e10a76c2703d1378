"""Output formats: each a view of one Report, chosen by name from REPORTERS.

The formats in STREAMERS are also written as a check goes, input by input (see `stream`); the others
(sarif, junit, markdown) need the whole report and are rendered from it at the end."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..findings import Report

__all__ = ["REPORTERS", "STREAMERS", "RenderOptions", "Renderer"]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How a reporter should draw a report; formats ignore what does not apply to them."""

    color: bool = False  # ANSI colours; the caller decides (tty, NO_COLOR, --color)
    verbose: bool = False  # list passing and not-applicable findings one by one too
    width: int = 100  # terminal columns to wrap at
    summary: bool = False  # the per-input verdict lines and the totals only, no finding (text)


Renderer = Callable[[Report, RenderOptions], str]
if TYPE_CHECKING:
    from .stream import StreamWriter, Write, WriterFactory


def _lazy(module: str) -> Renderer:
    # A reporter's module (and what it imports: rich for text) loads on the first render, so
    # `import openwatt.reports` costs nothing at a CLI's cold start.
    def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
        renderer: Renderer = import_module(f"{__name__}.{module}").render
        return renderer(report, options)

    render.__name__ = render.__qualname__ = f"{module}.render"
    render.__doc__ = f"Render a report with openwatt.reports.{module}.render (imported on first use)."
    return render


def _lazy_writer(module: str) -> WriterFactory:
    # As `_lazy`: the module loads when a check first writes this format.
    def writer(write: Write, options: RenderOptions) -> StreamWriter:
        factory: WriterFactory = import_module(f"{__name__}.{module}").Writer
        return factory(write, options)

    writer.__name__ = writer.__qualname__ = f"{module}.Writer"
    return writer


STREAMERS: Mapping[str, WriterFactory] = MappingProxyType({
    "text": _lazy_writer("terminal"),
    "json": _lazy_writer("json_report"),
    "jsonl": _lazy_writer("json_lines"),
    "csv": _lazy_writer("csv_report"),
    "github": _lazy_writer("github"),
})

REPORTERS: Mapping[str, Renderer] = MappingProxyType({
    "text": _lazy("terminal"),
    "json": _lazy("json_report"),
    "jsonl": _lazy("json_lines"),
    "sarif": _lazy("sarif"),
    "junit": _lazy("junit"),
    "github": _lazy("github"),
    "markdown": _lazy("markdown"),
    "csv": _lazy("csv_report"),
})
