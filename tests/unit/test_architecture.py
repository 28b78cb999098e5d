"""The import graph has no loops, not even through imports hidden inside functions.

A loop between two modules means neither can be understood (or tested) alone; an
import moved into a function to dodge the error at start-up hides one. The direction
rules themselves are import-linter contracts in pyproject.toml (run by tests/run).
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

PACKAGES = ("bot", "handlers", "storage", "publisher")


def _loops(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                first, second = sorted((module, imported))
                found.add((first, second))
    return sorted(found)


def test_no_import_loops() -> None:
    assert _loops(grimp.build_graph(*PACKAGES, cache_dir=None)) == []


def test_a_loop_inside_a_function_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("import loopy.b\n")
    (package / "b.py").write_text("def later():\n    import loopy.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _loops(grimp.build_graph("loopy", cache_dir=None)) == [("loopy.a", "loopy.b")]
