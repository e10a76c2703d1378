"""The expression compiler: policy expressions -> closures, with names, paths, units, regexes and types
resolved once, at compile time; evaluation never looks anything up by name.

`core` holds what every node compiler shares (the compiled expression, the context, unknown propagation,
the binding of a quantifier's item); each other module compiles one family of nodes and registers with
`compile_expr` on import. Node modules import `core` (and, for a helper, another node module), never
the reverse; importing this package imports them all, so `compile_expr` knows every node.
"""

from . import arithmetic, calls, comparisons, conditions, literals, outcomes, paths, quantifiers  # noqa: F401  (registering)
from .arithmetic import apply_arithmetic, shift_date
from .comparisons import compare_values
from .core import (Compiled, Context, Explain, Local, Locate, Run, as_condition, best, check_registry, compile_expr,
                   constant, explanation, source_text, type_of_value)

__all__ = [
    "Compiled", "Context", "Explain", "Local", "Locate", "Run", "apply_arithmetic", "as_condition", "best",
    "check_registry", "compare_values", "compile_expr", "constant", "explanation", "shift_date", "source_text",
    "type_of_value",
]
