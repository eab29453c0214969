"""The pieces every kubectl describer shares: times, labels, annotations, tolerations,
taints, resources and the Events table, each written as kubectl's describe.go writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..api import Event, Quantity, Taint, Toleration, compile_selector, controller_of
from ._columns import since
from ._tabwriter import Page

__all__ = [
    "annotation_lines",
    "controlled_by",
    "events",
    "go_bool",
    "label_lines",
    "named_header",
    "resources",
    "selector",
    "taints",
    "title_bool",
    "tolerations",
    "when",
]

#: kubectl never shows the annotation ``kubectl apply`` keeps.
_SKIPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
#: Longer annotations are printed on lines of their own, cut at this length.
_MAX_ANNOTATION = 140


def when(value: dt.datetime | None) -> str:
    """Go's ``time.RFC1123Z`` in UTC (kubectl prints local time: run it with ``TZ=UTC``)."""
    if value is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"  # Go's zero time
    return value.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def go_bool(value: bool | None) -> str:
    """Go's ``%v`` of a bool."""
    return "true" if value else "false"


def title_bool(value: bool | None) -> str:
    """kubectl's ``printBool``."""
    return "True" if value else "False"


def selector(value: Any, *, none: str = "<none>") -> str:
    """A label selector as text: ``metav1.FormatLabelSelector`` (``<none>`` when empty), or
    with ``none=""`` a converted selector's ``String()`` (empty when empty)."""
    text = str(compile_selector(value)) if value is not None else ""
    return text or none


def controlled_by(obj: Any) -> str:
    owner = controller_of(obj)
    return f"{owner.kind}/{owner.name}" if owner is not None else ""


def label_lines(
    page: Page,
    title: str,
    values: Mapping[str, str],
    *,
    initial_indent: str = "",
    inner_indent: str = "\t",
) -> None:
    """``printLabelsMultilineWithIndent``: one ``key=value`` a line, sorted by key."""
    page.write(0, f"{initial_indent}{title}:{inner_indent}")
    if not values:
        page.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(values)):
        if i:
            page.write(0, initial_indent + inner_indent)
        page.write(0, f"{key}={values[key]}\n")


def named_header(page: Page, meta: Any) -> None:
    """The four lines most namespaced describers open with: Name, Namespace, Labels,
    Annotations."""
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    label_lines(page, "Labels", meta.labels)
    annotation_lines(page, "Annotations", meta.annotations)


def annotation_lines(page: Page, title: str, values: Mapping[str, str]) -> None:
    """``printAnnotationsMultiline``: long or multi-line values get lines of their own."""
    page.write(0, f"{title}:\t")
    keys = sorted(k for k in values if k not in _SKIPPED_ANNOTATIONS)
    if not keys:
        page.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            page.write(0, "\t")
        value = values[key].removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION or "\n" in value:
            page.write(0, f"{key}:\n")
            for line in value.split("\n"):
                cut = _MAX_ANNOTATION - 2
                page.write(0, f"\t  {line[:cut] + '...' if len(line) > cut else line}\n")
        else:
            page.write(0, f"{key}: {value}\n")


def tolerations(page: Page, title: str, items: Sequence[Toleration]) -> None:
    """``printTolerationsMultilineWithIndent``, sorted by key (Go's sort is not stable, but
    Kubernetes' defaults give distinct keys)."""
    page.write(0, f"{title}:\t")
    if not items:
        page.write(0, "<none>\n")
        return
    for i, t in enumerate(sorted(items, key=lambda t: t.key)):
        if i:
            page.write(0, "\t")
        text = t.key + (f"={t.value}" if t.value else "") + (f":{t.effect}" if t.effect else "")
        if t.operator == "Exists" and not t.value:
            text += " op=Exists" if t.key or t.effect else "op=Exists"
        if t.toleration_seconds is not None:
            text += f" for {t.toleration_seconds}s"
        page.write(0, text + "\n")


def taints(page: Page, title: str, items: Sequence[Taint]) -> None:
    """``printTaintsMultilineWithIndent``, sorted by effect then key."""
    page.write(0, f"{title}:\t")
    if not items:
        page.write(0, "<none>\n")
        return
    for i, t in enumerate(sorted(items, key=lambda t: f"{t.effect},{t.key}")):
        if i:
            page.write(0, "\t")
        text = t.key + (f"={t.value}" if t.value else "") + (f":{t.effect}" if t.effect else "")
        page.write(0, text + "\n")


def sorted_resources(names: Iterable[str]) -> list[str]:
    """``SortableResourceNames``: by name."""
    return sorted(names)


def resources(
    page: Page, limits: Mapping[str, Quantity], requests: Mapping[str, Quantity], level: int
) -> None:
    """``describeResources``: Limits then Requests, each sorted by resource name."""
    for title, values in (("Limits", limits), ("Requests", requests)):
        if values:
            page.write(level, f"{title}:\n")
        for name in sorted_resources(values):
            page.write(level + 1, f"{name}:\t{values[name]}\n")


def events(page: Page, items: Sequence[Event], now: dt.datetime) -> None:
    """``DescribeEvents``: the table, in the order given (kubectl's, see ``events_for``)."""
    if not items:
        page.write(0, "Events:\t<none>\n")
        return
    page.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    page.write(1, "----\t------\t----\t----\t-------\n")
    for event in items:
        first = since(event.event_time or event.first_timestamp, now)
        seen = first
        if event.count > 1:
            seen = f"{since(event.last_timestamp, now)} (x{event.count} over {first})"
        source = event.source.component if event.source is not None else ""
        source = source or event.reporting_component
        page.write(1, f"{event.type}\t{event.reason}\t{seen}\t{source}\t{event.message.strip()}\n")
