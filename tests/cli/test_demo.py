from __future__ import annotations

import io

import pytest
from rich.console import Console

from kube_actors.cli import main
from kube_actors.cli._demo import demo


def test_the_demo_shows_the_ring_the_restart_the_hour_and_the_trace() -> None:
    out = io.StringIO()
    demo(Console(file=out, width=120))
    text = out.getvalue()
    assert "relay-2 restarts: 1" in text
    assert "360 beats over 3600 simulated s" in text
    assert "- -> relay-0 tell Link" in text
    assert "the last token hop is #" in text


def test_the_command_line_requires_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])
    assert "demo" in capsys.readouterr().err
