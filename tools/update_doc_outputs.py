"""Rewrite the checked output blocks of the README and the docs from what their samples print.

Run at development time, after a change that was meant to change what a sample prints (a
seeded run's pod names or placement, a trace's messages)::

    python tools/update_doc_outputs.py [README.md docs/...]

It runs the samples as ``tests/test_docs.py`` does (a ```python block in a fresh namespace,
``<!-- docs-test: continue -->`` blocks in the namespace of the block before) and writes what
each block printed into the ```text block marked ``<!-- docs-test: output -->`` after it.
Review the diff: it should show only what the change was meant to change.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import structlog

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^(?:<!-- docs-test: (\w+) -->\n)?```(\w*)\n(.*?)^```", re.M | re.S)


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def updated(document: Path) -> str:
    """The document with each checked output block replaced by what its sample prints."""
    text = document.read_text()
    name = document.relative_to(ROOT)
    pieces: list[str] = []
    done = 0
    namespace: dict[str, object] = {}
    printed = ""
    number = 0
    for match in _FENCE.finditer(text):
        marker, language, body = match.groups()
        if language == "python":
            number += 1
            if marker != "continue":
                namespace = {"__name__": f"sample_{name}#{number}"}
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, f"{name}#{number}", "exec", dont_inherit=True), namespace)
            structlog.reset_defaults()  # samples configure logging as applications do
            printed = out.getvalue()
        elif marker == "output":
            start, end = match.span(3)
            pieces += [text[done:start], _tidy(printed) + "\n"]
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


def main(argv: list[str]) -> int:
    documents = [ROOT / a for a in argv] or [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
    ]
    for document in documents:
        if "docs-test: output" not in document.read_text():
            continue
        new = updated(document)
        if new != document.read_text():
            document.write_text(new)
            print(f"updated {document.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
