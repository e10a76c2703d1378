"""URLs as a disclosure gives them: where a licence, a repository or a dataset can be read."""

from __future__ import annotations

import re

_URL = re.compile(r"\Ahttps?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)


def is_url(text: str) -> bool:
    """True if `text` is an http(s) URL with a host and no spaces.

    PASS: "https://huggingface.co/aurora/aurora-7b"; FAIL: "huggingface.co/aurora", "see paper".
    """
    return _URL.match(text.strip()) is not None
