"""A ``metav1.Status`` of failure, as an API server sends it, back into our ``ApiError``.

The reason picks the class (``NotFound``, ``Conflict``, ``Invalid``...), so code written
against the in-process client catches the same exceptions over HTTP; a reason we do not know
falls back to the HTTP code, then to a plain ``ApiError`` carrying that code and reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from kube_actors.errors import ApiError, FieldCause

__all__ = ["error_of_status"]

# Every error the API reports is a direct subclass of ApiError with its own reason and code:
# the tables follow errors.py rather than repeating it.
_BY_REASON: Final[dict[str, type[ApiError]]] = {
    cls.reason: cls for cls in ApiError.__subclasses__()
}
_BY_REASON["Gone"] = _BY_REASON["Expired"]  # the older spelling of Expired
_BY_CODE: Final[dict[int, type[ApiError]]] = {cls.code: cls for cls in ApiError.__subclasses__()}


def error_of_status(status: Any, code: int) -> ApiError:
    """The error a ``Status`` body (or, if the body is not one, the HTTP code) describes."""
    if not isinstance(status, Mapping):
        status = {"message": str(status or "")}
    reason = str(status.get("reason") or "")
    code = int(status.get("code") or code)
    message = str(status.get("message") or f"the server answered {code}")
    details = status.get("details") or {}
    causes = [
        FieldCause(
            field=str(cause.get("field", "")),
            message=str(cause.get("message", "")),
            type=str(cause.get("reason", "FieldValueInvalid")),
        )
        for cause in details.get("causes") or []
        if isinstance(cause, Mapping)
    ]
    cls = _BY_REASON.get(reason) or _BY_CODE.get(code) or ApiError
    error = cls(
        message,
        kind=str(details.get("kind", "")),
        name=str(details.get("name", "")),
        group=str(details.get("group", "")),
        causes=causes,
    )
    if cls is ApiError:
        error.code = code
        error.reason = reason or error.reason
    return error
