"""No production module grows past 400 lines: a module that long holds more than one
idea, and the next reader pays for it (issue 20's size rule)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage", "publisher")
LIMIT = 400


def test_every_production_module_is_at_most_400_lines() -> None:
    modules = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    assert len(modules) > 100  # the walk found the code
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}, f"split these modules (lines): {too_long}"
