"""The admin token `up` makes goes on command lines (`agent --token ...`) as it is."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube_actors.server._tls import credentials


def test_the_admin_token_never_starts_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: Iterator[str] = iter(["-looks-like-a-flag", "a-token"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _: next(drawn))
    assert credentials(tmp_path, "127.0.0.1").token == "a-token"
    assert (tmp_path / "admin.token").read_text() == "a-token\n"
