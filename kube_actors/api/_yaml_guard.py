"""One pass over YAML's event stream, before anything is built, refusing what kubectl refuses
and what would cost more than the text's size:

- a key repeated in a mapping (kubectl decodes strictly: ``key "name" already set in map``);
- nesting deeper than ``MAX_DEPTH`` (building the objects recurses; Python's stack does not
  go that far);
- aliases that expand to far more nodes than the text holds (a "billion laughs" document),
  with go-yaml's allowance: up to 99% of the nodes may come from aliases in a document of
  up to 400,000 nodes, falling to 10% at 4,000,000.

The event parser keeps its own stack, so this pass never recurses, and it counts an alias
by the size of its anchor instead of expanding it: linear in the text.
"""

from __future__ import annotations

from typing import Final

import yaml

from kube_actors.errors import BadRequest

from ._limits import MAX_DEPTH, too_deep

__all__ = ["check_yaml"]

_Loader: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ALIAS_LOW: Final = 400_000
_ALIAS_HIGH: Final = 4_000_000
_MERGE_KEY: Final = "<<"


class _Frame:
    """A mapping or sequence being read: its size so far, and for a mapping its keys."""

    __slots__ = ("anchor", "expect_key", "keys", "size")

    def __init__(self, anchor: str | None, mapping: bool) -> None:
        self.anchor = anchor
        self.size = 1
        self.keys: set[tuple[str, bool]] | None = set() if mapping else None
        self.expect_key = mapping


def check_yaml(text: str) -> None:
    """BadRequest if ``text`` repeats a key, nests too deep or aliases excessively.

    Text that does not parse passes (the loader reports its error, with the line).
    """
    try:
        _scan(text, _Loader)
    except yaml.YAMLError as exc:
        # libyaml gives up at 1,000 levels, ten times MAX_DEPTH; it can fail before the scan
        # gets there (it reads ahead). Other errors: PyYAML's own parser (iterative too)
        # reads again, and text that does not parse at all passes from here.
        if "nesting depth" in str(exc):
            raise too_deep("the manifest") from None
        try:
            _scan(text, yaml.SafeLoader)
        except yaml.YAMLError:
            return


def _scan(text: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> None:
    anchors: dict[str, int] = {}
    stack: list[_Frame] = []
    physical = expanded = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.DocumentStartEvent):
            anchors.clear()
            continue
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            _note_key(stack, None, event)
            physical += 1
            stack.append(_Frame(event.anchor, isinstance(event, yaml.MappingStartEvent)))
            if len(stack) > MAX_DEPTH:
                raise too_deep("the manifest")
            continue
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = frame.size
            if stack:
                stack[-1].size += frame.size
            else:
                expanded += frame.size
            _check_aliasing(physical, expanded + sum(open_.size for open_ in stack))
            continue
        if isinstance(event, yaml.ScalarEvent):
            _note_key(stack, (event.value, event.style is None), event)
            physical += 1
            size = 1
            if event.anchor:
                anchors[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            _note_key(stack, None, event)
            size = anchors.get(event.anchor or "", 1)
        else:
            continue
        if stack:
            stack[-1].size += size
        else:
            expanded += size
        _check_aliasing(physical, expanded + sum(open_.size for open_ in stack))


def _note_key(stack: list[_Frame], key: tuple[str, bool] | None, event: yaml.Event) -> None:
    """Track key/value alternation in the innermost mapping; refuse a key seen before."""
    if not stack or stack[-1].keys is None:
        return
    frame = stack[-1]
    if frame.expect_key and key is not None and key[0] != _MERGE_KEY:
        if key in frame.keys:  # type: ignore[operator]
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            raise BadRequest(
                "error converting YAML to JSON: yaml: unmarshal errors:\n"
                f'  line {line}: key "{key[0]}" already set in map'
            )
        frame.keys.add(key)  # type: ignore[union-attr]
    frame.expect_key = not frame.expect_key


def _check_aliasing(physical: int, expanded: int) -> None:
    if expanded <= _ALIAS_LOW or expanded <= physical:
        return
    if expanded >= _ALIAS_HIGH:
        allowed = 0.10
    else:
        allowed = 0.99 - 0.89 * (expanded - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)
    if (expanded - physical) / expanded > allowed:
        raise BadRequest(
            "error converting YAML to JSON: yaml: document contains excessive aliasing"
        )
