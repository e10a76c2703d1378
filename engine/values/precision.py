"""How precisely a number is written: its significant figures, for forms that ask for "at least two".

The GPAI Code of Practice's Model Documentation Form asks for the training compute, the training energy,
the inference compute and the model size "with at least two significant figures" (e.g. 2.3x10^25 FLOP,
7.3x10^10 parameters). A disclosure's number reaches openwatt as an int or a float, which keeps no trailing
zeros: `1.0e25` and `1e25` are the same float. So trailing zeros never count, whether after the point
(`2.30e25` has 2) or before it (`1100` has 2, `7000000000` has 1): a figure that ends in zeros is read as
rounded there, the reading a form's reviewer takes of an unmarked round number.
"""

from __future__ import annotations

__all__ = ["significant_figures"]


def significant_figures(number: int | float) -> int:
    """The significant figures of `number` as written in its shortest form: the digits from the first
    non-zero one to the last non-zero one. 0 has one."""
    if number == 0:
        return 1
    written = str(abs(number)) if isinstance(number, int) else repr(abs(float(number)))
    mantissa = written.split("e")[0].replace(".", "")
    return len(mantissa.strip("0"))
