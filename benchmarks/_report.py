"""Shared output of the benchmarks: a rich table of figures with their baselines."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from rich.console import Console
from rich.table import Table

__all__ = ["Figure", "print_figures"]


@attrs.frozen(kw_only=True)
class Figure:
    """One measured figure and the baseline it is judged against (higher is better when
    ``higher_is_better``)."""

    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    target: str
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def print_figures(title: str, figures: Sequence[Figure], console: Console | None = None) -> None:
    table = Table(title=title)
    for column in ("measure", "value", "baseline (same run)", "ratio", "target"):
        table.add_column(column, justify="right" if column in ("value", "ratio") else "left")
    for f in figures:
        table.add_row(
            f.name,
            f"{f.value:,.2f} {f.unit}",
            f"{f.baseline_name}: {f.baseline:,.2f} {f.unit}",
            f"{f.ratio:.2f}x",
            f.target,
        )
    (console or Console()).print(table)
