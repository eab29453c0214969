"""kubectl describe's page: text written at indentation levels, aligned as Go's tabwriter does.

kubectl writes each describer through a ``PrefixWriter`` (two spaces per level) into a
``text/tabwriter`` set up with minwidth 0, tabwidth 8, padding 2 and spaces. A tab ends a
cell; the text after a line's last tab is not part of any column. A column is aligned over a
*block*: consecutive lines that all have a cell in it, nested inside the block of the column to
its left, so a line without tabs (a section title) starts fresh blocks below it. ``Page``
collects the text and ``tabulate`` lays it out the same way, so that our describe output and
kubectl's are equal byte for byte.
"""

from __future__ import annotations

__all__ = ["Page", "tabulate"]

#: tabwriter's padding: two spaces after the widest cell of a column block.
_PADDING = 2
#: PrefixWriter's indentation per level.
_LEVEL = "  "


class Page:
    """The text of one ``kubectl describe``, written as kubectl's describers write it."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        """``w.Write(level, ...)``: the text after ``level`` indentations."""
        self._parts.append(_LEVEL * level + text)

    def text(self) -> str:
        """The page laid out in aligned columns."""
        return tabulate("".join(self._parts))


def tabulate(text: str) -> str:
    """Go's ``tabwriter`` (minwidth 0, padding 2, spaces) over the whole of ``text``."""
    ends_with_newline = text.endswith("\n")
    lines = [line.split("\t") for line in (text[:-1] if ends_with_newline else text).split("\n")]
    out: list[str] = []
    _format(lines, [], 0, len(lines), out)
    return "\n".join(out) + ("\n" if ends_with_newline else "")


def _format(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]
) -> None:
    """Align column ``len(widths)`` block by block over ``lines[line0:line1]``, recursing for
    the columns to its right (tabwriter's ``format``)."""
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, widths, line0, this, out)
        line0 = this
        width = 0
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + _PADDING)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, out)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, out)


def _write_lines(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]
) -> None:
    for cells in lines[line0:line1]:
        out.append(
            "".join(
                cell.ljust(widths[j]) if j < len(widths) else cell for j, cell in enumerate(cells)
            )
        )
