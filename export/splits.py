"""Document-level train/dev/test splits, deterministic and stable.

A document's split depends only on the seed and its external id: the pair is
hashed (SHA-256) to a number in [0, 1) that is compared with the cumulative
fractions of the split spec. Adding or removing other documents never moves a
document to another split, and the same seed always gives the same split.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping

from formats.base import ExportError

SPLIT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
TOLERANCE = 1e-6


class SplitError(ExportError):
    """A split spec is malformed; the message says what to write instead."""


def parse_split(spec: str) -> dict[str, float]:
    """Parses ``"train=0.8,dev=0.1,test=0.1"`` into an ordered, validated mapping.

    Raises:
        SplitError: naming the bad part of the spec.
    """
    result: dict[str, float] = {}
    parts = [part.strip() for part in spec.split(",")]
    if not spec.strip():
        raise SplitError("empty split spec (write e.g. train=0.8,dev=0.1,test=0.1)")
    for part in parts:
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise SplitError(f"split '{part}' has no '=' (write NAME=FRACTION, "
                             "e.g. train=0.8,dev=0.1,test=0.1)")
        try:
            fraction = float(value)
        except ValueError:
            raise SplitError(f"split '{name}': '{value.strip()}' is not a number") from None
        if name in result:
            raise SplitError(f"split '{name}' is given twice")
        result[name] = fraction
    return validate_split(result)


def validate_split(split: Mapping[str, float]) -> dict[str, float]:
    """Checks names and fractions (positive, summing to 1 within 1e-6).

    Raises:
        SplitError: naming the bad split.
    """
    if not split:
        raise SplitError("no splits given")
    for name, fraction in split.items():
        if not SPLIT_NAME.fullmatch(name):
            raise SplitError(f"split name '{name}' must be letters, digits, '-' or '_' "
                             "(at most 32, starting with a letter or digit)")
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) \
                or not math.isfinite(fraction):
            raise SplitError(f"split '{name}': fraction {fraction!r} is not a number")
        if fraction <= 0:
            raise SplitError(f"split '{name}': fraction {fraction} must be positive")
    total = math.fsum(split.values())
    if abs(total - 1.0) > TOLERANCE:
        raise SplitError(f"split fractions sum to {total:g}, not 1 "
                         f"({', '.join(f'{k}={v:g}' for k, v in split.items())})")
    return {name: float(fraction) for name, fraction in split.items()}


def unit_hash(seed: int, external_id: str) -> float:
    """A number in [0, 1) that depends only on ``seed`` and ``external_id``."""
    digest = hashlib.sha256(f"{seed}\x00{external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


class Splitter:
    """Assigns documents to splits (see the module docstring).

    Args:
        split: name -> fraction, validated with :func:`validate_split`.
        seed: any integer; the same seed gives the same assignment.
    """

    def __init__(self, split: Mapping[str, float], seed: int = 0) -> None:
        self.split = validate_split(split)
        self.seed = seed
        self._bounds: list[tuple[float, str]] = []
        cumulative = 0.0
        for name, fraction in self.split.items():
            cumulative += fraction
            self._bounds.append((cumulative, name))

    @property
    def names(self) -> list[str]:
        return list(self.split)

    def assign(self, external_id: str) -> str:
        """The split of the document with this external id."""
        point = unit_hash(self.seed, external_id)
        for bound, name in self._bounds:
            if point < bound:
                return name
        return self._bounds[-1][1]  # rounding: the sum may be a hair below 1
