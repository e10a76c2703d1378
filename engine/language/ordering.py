"""Dependency order: each item after the items it depends on, and the cycles that forbid one.

A rule that uses another rule's result (`rule class-reached passed`) is compiled after that rule, so
its expression holds the compiled rule it reads; two rules that read each other, directly or through
others, have no such order and are an error (OW028).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Ordering(Generic[T]):
    """`order`: every item, each after those it depends on (an item on a cycle after the rest of it);
    `cycles`: each cycle found, as the items met along it, the first one again at the end."""

    order: tuple[T, ...]
    cycles: tuple[tuple[T, ...], ...]


def dependency_order(depends_on: Mapping[T, Sequence[T]]) -> Ordering[T]:
    """The items of `depends_on` (in its order where dependencies leave a choice) in dependency order.
    An item a dependency list names but the mapping does not have is ignored (an unknown name is
    another check's business). Depth-first with a stack of its own: a long chain is no Python recursion."""
    order: list[T] = []
    cycles: list[tuple[T, ...]] = []
    done: set[T] = set()
    for start in depends_on:
        if start in done:
            continue
        path: list[T] = [start]
        on_path = {start}
        stack = [iter(depends_on[start])]
        while stack:
            child = next((c for c in stack[-1] if c in depends_on and c not in done), None)
            if child is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                order.append(finished)
                stack.pop()
            elif child in on_path:
                cycles.append((*path[path.index(child):], child))
            else:
                path.append(child)
                on_path.add(child)
                stack.append(iter(depends_on[child]))
    return Ordering(tuple(order), tuple(cycles))
