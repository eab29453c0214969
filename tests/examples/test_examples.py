"""Every file in examples/ runs as a user runs it (``python examples/<file>``) and finishes
cleanly; each runs once, and what it printed is checked."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest

from ._load import EXAMPLES

SCRIPTS = sorted(EXAMPLES.glob("*.py"))


@functools.cache
def run_script(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=EXAMPLES.parent,
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs_as_a_script(script: Path) -> None:
    finished = run_script(script)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert finished.stdout.strip()


def test_the_worker_pool_script_says_what_it_does() -> None:
    lines = run_script(EXAMPLES / "worker_pool.py").stdout.splitlines()
    assert lines[0] == "workerpool.example.com/crunchers created"
    assert lines[1].startswith("3 workers ready behind ")
    assert "scaled to 5 workers" in lines
    assert 'deployment "crunchers" successfully rolled out' in lines
    assert "rolled out python:3.13" in lines
    assert lines[-1] == "workerpool deleted: its deployment and service are gone"
