"""Manifests: multi-document YAML (or a ``kind: List``) in, objects out, and YAML back.

The only I/O in the api package: reading the file a path names.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from kube_actors.errors import BadRequest

from ._converter import from_dict, to_dict
from ._yaml_guard import check_yaml

__all__ = ["dump_manifests", "load_manifests"]

_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def load_manifests(source: str | bytes | os.PathLike[str]) -> list[Any]:
    """Every object in a manifest, in order.

    ``source`` is YAML text (``str``, or ``bytes`` in UTF-8), or a path: a ``Path`` or
    ``os.PathLike``, or a one-line string ending in ``.yaml``, ``.yml`` or ``.json``. Documents
    may be separated by ``---``; empty documents are skipped; a ``kind: List`` (or any
    ``...List`` with ``items``) contributes its items.
    Raises BadRequest for YAML that does not parse, repeats a key, nests too deep or aliases
    excessively, or an unknown kind; Invalid for bad fields.
    """
    text = _read(source)
    check_yaml(text)
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise BadRequest(f"error converting YAML to JSON: {_yaml_problem(exc)}") from None
    return [from_dict(item) for item in _items(documents)]


def dump_manifests(objects: Iterable[Any] | Any) -> str:
    """YAML for one object or several (separated by ``---``), as ``kubectl get -o yaml`` shows."""
    if attrs.has(type(objects)):
        objects = [objects]
    documents = [to_dict(obj) for obj in objects]
    return yaml.safe_dump_all(documents, sort_keys=False, default_flow_style=False)


def _read(source: str | bytes | os.PathLike[str]) -> str:
    if isinstance(source, bytes):
        try:
            return source.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(
                f"a manifest must be UTF-8 text: {exc.reason} at byte {exc.start}"
            ) from None
    if isinstance(source, os.PathLike) or _looks_like_path(source):
        try:
            return Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise BadRequest(
                f"cannot read manifest {os.fspath(source)!r}: {exc.strerror}"
            ) from None
    return source


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and text.strip().endswith(_MANIFEST_SUFFIXES)


def _items(documents: Iterable[object]) -> Iterator[Mapping[str, Any]]:
    for position, document in enumerate(documents):
        if document is None:
            continue
        if not isinstance(document, Mapping):
            kind = type(document).__name__
            raise BadRequest(f"document {position} of the manifest is a {kind}, not an object")
        if _is_list(document):
            items = document.get("items") or []
            if not isinstance(items, list):
                raise BadRequest(f"document {position}: items of a List must be a list")
            yield from _items(items)
        else:
            yield document


def _is_list(document: Mapping[str, Any]) -> bool:
    kind = document.get("kind")
    return isinstance(kind, str) and kind.endswith("List") and "items" in document


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"yaml: line {mark.line + 1}: {exc.problem}"
    return f"yaml: {exc}"
