"""openwatt: policy-as-code for AI openness and energy transparency.

    import openwatt
    engine = openwatt.Engine()
    report = engine.check(["samples/"], [engine.policy("recommended")])
    print(report.counts, report.exit_code)
"""

from __future__ import annotations

from .version import __version__  # noqa: E402
from .checking import Engine  # noqa: E402
from .documents.loading import load_document  # noqa: E402
from .findings import Finding, Report  # noqa: E402
from .language.errors import PolicyError, PolicyErrors  # noqa: E402

__all__ = ["Engine", "Finding", "PolicyError", "PolicyErrors", "Report", "check", "load_document",
           "load_policy"]


def load_policy(ref: str, **options: object) -> object:
    """A compiled policy from a file path or a policy id; options as for Engine."""
    return Engine(**options).policy(ref)  # type: ignore[arg-type]


def check(paths: list[str], policies: list[str] | None = None, **options: object) -> Report:
    """Check disclosures against policies (ids or files; default: the recommended pack)."""
    engine = Engine()
    return engine.check(paths, engine.policies(policies or ["recommended"]), **options)  # type: ignore[arg-type]
