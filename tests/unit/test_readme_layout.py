"""README's layout lists every production module on a line of its own, so a newcomer
finds each one there (a new module without its line fails here)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _listed() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- modules:start -->", 1)[1].split("<!-- modules:end -->", 1)[0]
    return {line.split(" ", 1)[0] for line in block.splitlines() if " " in line}


def test_every_module_has_its_line_in_the_readme() -> None:
    modules = {
        str(path.relative_to(ROOT))
        for package in ("bot", "handlers", "storage", "publisher")
        for path in (ROOT / package).rglob("*.py")
        if "migrations/versions" not in str(path)
    }
    listed = _listed()
    assert modules - listed == set(), "add these to README's layout (see its modules block)"
    assert {name for name in listed if name.endswith(".py")} - modules == set()
