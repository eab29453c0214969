"""``PodLogOptions``: what ``kubectl logs`` asks of a Pod's log (``pods/<name>/log``).

One type for every way in: ``Cluster.logs`` and ``Cluster.follow_logs`` take it, and the HTTP
server reads it off the query string. ``check`` refuses what Kubernetes' validation of
``PodLogOptions`` refuses, naming the fields as Kubernetes does (``tailLines``, ``limitBytes``,
``sinceSeconds``...), before any log is read.
"""

from __future__ import annotations

import datetime as dt

import attrs

from kube_actors.errors import FieldCause, Invalid

__all__ = ["PodLogOptions"]


@attrs.frozen(kw_only=True)
class PodLogOptions:
    """Which container's log, and which part of it; the defaults read all of it.

    ``container`` may stay empty for a one-container Pod. ``previous`` reads the instance
    before the current one (after a restart). ``tail_lines`` keeps the last lines,
    ``since_seconds`` (relative to now) or ``since_time`` the lines written from then on,
    ``limit_bytes`` cuts the answer after that many bytes, ``timestamps`` prefixes each line
    with the time it was written, and ``follow`` keeps streaming while the container runs.
    """

    container: str = ""
    previous: bool = False
    follow: bool = False
    tail_lines: int | None = None
    since_seconds: int | None = None
    since_time: dt.datetime | None = None
    timestamps: bool = False
    limit_bytes: int | None = None

    def check(self, pod: str) -> None:
        """Raise ``Invalid`` (kind PodLogOptions, named ``pod``) listing every field
        Kubernetes would refuse; otherwise nothing."""
        causes: list[FieldCause] = []
        if self.tail_lines is not None and self.tail_lines < 0:
            causes.append(
                _invalid("tailLines", self.tail_lines, "must be greater than or equal to 0")
            )
        if self.limit_bytes is not None and self.limit_bytes < 1:
            causes.append(_invalid("limitBytes", self.limit_bytes, "must be greater than 0"))
        if self.since_seconds is not None and self.since_time is not None:
            causes.append(
                FieldCause(
                    field="",
                    message="at most one of `sinceTime` or `sinceSeconds` may be specified",
                    type="FieldValueForbidden",
                )
            )
        elif self.since_seconds is not None and self.since_seconds < 1:
            causes.append(_invalid("sinceSeconds", self.since_seconds, "must be greater than 0"))
        if causes:
            raise Invalid.for_object("PodLogOptions", pod, causes)


def _invalid(field: str, value: int, detail: str) -> FieldCause:
    return FieldCause(
        field=field, message=f"Invalid value: {value}: {detail}", type="FieldValueInvalid"
    )
