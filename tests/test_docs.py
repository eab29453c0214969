"""Every Python sample in the README and the docs runs, as written, and every relative link
points at a file (that the reference names every public name: tests/test_exports.py).

How samples are run:

- A ```python block runs on its own, in a fresh namespace, as a script would (``__name__``
  is not ``"__main__"``). It picks its own event loop: ``kube_actors.actors.run(main)`` for
  virtual time, ``anyio.run(main)`` for real time (the subprocess runtime needs real time).
- ``<!-- docs-test: continue -->`` on the line before a ```python block runs it in the
  namespace the previous block of the same document left, as the next step of one program
  (the tutorial builds its application this way). A block and its continuations are one test.
- ``<!-- docs-test: output -->`` on the line before a ```text block says that it is exactly
  what the python block just before it prints (compared line by line, trailing blanks aside).
  Use it for output that does not change from run to run: virtual time with a seed. Output
  that does (process ids, real-time pod names) is shown in plain ```text blocks, unchecked.

structlog's configuration is put back after each test, since samples configure it as an
application would.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import structlog

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

_FENCE = re.compile(r"^(?:<!-- docs-test: (\w+) -->\n)?```(\w*)\n(.*?)^```", re.M | re.S)


@attrs.frozen
class Block:
    where: str
    code: str
    #: What it prints, if the document says so (a checked ```text block follows it).
    output: str | None = None


@attrs.frozen
class Sample:
    """A block and the blocks that continue it, run in order in one namespace."""

    blocks: tuple[Block, ...]

    @property
    def where(self) -> str:
        first, last = self.blocks[0].where, self.blocks[-1].where
        return first if first == last else f"{first}-{last.rpartition('#')[2]}"


def _samples_of(document: Path) -> list[Sample]:
    name = document.relative_to(ROOT)
    samples: list[list[Block]] = []
    number = 0
    for match in _FENCE.finditer(document.read_text()):
        marker, language, body = match.groups()
        if language == "python":
            number += 1
            block = Block(f"{name}#{number}", body)
            if marker == "continue":
                if not samples:
                    raise ValueError(f"{block.where}: nothing to continue")
                samples[-1].append(block)
            else:
                samples.append([block])
        elif marker == "output":
            if not samples:
                raise ValueError(f"{name}: an output block before any python block")
            last = samples[-1][-1]
            if last.output is not None:
                raise ValueError(f"{last.where}: two output blocks")
            samples[-1][-1] = attrs.evolve(last, output=body)
        elif marker is not None:
            raise ValueError(f"{name}: unknown marker {marker!r} before a {language} block")
    return [Sample(tuple(blocks)) for blocks in samples]


SAMPLES = [sample for document in DOCUMENTS for sample in _samples_of(document)]


@pytest.fixture
def saved_logging() -> Iterator[None]:
    was_configured = structlog.is_configured()
    saved = structlog.get_config()
    yield
    structlog.reset_defaults()
    if was_configured:  # else leave it "not configured", as kube_actors' quiet default needs
        structlog.configure(**saved)


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


@pytest.mark.usefixtures("saved_logging")
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.where for s in SAMPLES])
def test_the_sample_runs(sample: Sample) -> None:
    namespace: dict[str, object] = {"__name__": f"sample_{sample.where}"}
    for block in sample.blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, block.where, "exec", dont_inherit=True), namespace)
        if block.output is not None:
            assert _tidy(printed.getvalue()) == _tidy(block.output), block.where


def test_the_readme_has_samples() -> None:
    assert any(s.where.startswith("README.md") for s in SAMPLES)


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_every_relative_link_points_at_a_file() -> None:
    broken = [
        f"{document.relative_to(ROOT)}: {target}"
        for document in DOCUMENTS
        for target in _LINK.findall(document.read_text())
        if "://" not in target and not (document.parent / target).exists()
    ]
    assert not broken, f"links to nowhere: {broken}"
