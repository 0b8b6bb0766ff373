"""Shared fixtures. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def find_shared_dir() -> Path | None:
    env = os.environ.get("UNMANGLE_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared")
    for path in candidates:
        if (path / "README.md").is_file():
            return path
    return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = find_shared_dir()
    if path is None:
        pytest.skip("../shared data is not available (set UNMANGLE_SHARED to point at it)")
    return path


@pytest.fixture(scope="session")
def seed_article(shared_dir: Path) -> str:
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    if not files:
        pytest.skip("no seed article in ../shared/seeds")
    return files[0].read_text(encoding="utf-8")
