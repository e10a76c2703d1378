"""Where openwatt keeps what it caches (Lark's parser tables, parsed policies).

On its own so that the parser (its tables) and the policy cache (which calls the parser) both read it
without importing each other.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path | None:
    """Where parsed policies are kept, or None when caching is off."""
    if os.environ.get("OPENWATT_NO_CACHE"):
        return None
    if explicit := os.environ.get("OPENWATT_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openwatt"
