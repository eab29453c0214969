"""The atomic writer on real files: ..data swapped, names as symlinks, modes, stale names gone."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kube_actors.runtime._atomic_writer import write_atomically

NOW = dt.datetime(2026, 12, 5, 19, 30, tzinfo=dt.UTC)


def test_an_update_swaps_data_keeps_modes_and_removes_names_that_left(tmp_path: Path) -> None:
    files = {"app.conf": b"one", "conf.d/extra": b"x"}
    assert write_atomically(tmp_path, files, {"app.conf": 0o400}, now=NOW)
    first = os.readlink(tmp_path / "..data")
    assert first.startswith("..2026_12_05_19_30_00.")
    assert os.readlink(tmp_path / "app.conf") == "..data/app.conf"
    assert (tmp_path / "app.conf").stat().st_mode & 0o7777 == 0o400
    assert (tmp_path / "conf.d" / "extra").stat().st_mode & 0o7777 == 0o644
    assert (tmp_path / first).stat().st_mode & 0o7777 == 0o755
    assert not write_atomically(tmp_path, files, {"app.conf": 0o400}, now=NOW)  # unchanged
    later = NOW + dt.timedelta(minutes=1)
    assert write_atomically(tmp_path, {"app.conf": b"two"}, now=later)
    second = os.readlink(tmp_path / "..data")
    assert second.startswith("..2026_12_05_19_31_00.")
    assert (tmp_path / "app.conf").read_bytes() == b"two"
    assert not (tmp_path / "conf.d").is_symlink()
    assert {p.name for p in tmp_path.iterdir()} == {"..data", "app.conf", second}
