"""openwatt's version, in one place: the package exports it, reports record it in their provenance."""

__version__ = "0.1.0"
