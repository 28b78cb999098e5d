"""README's layout lists every production module on a line of its own, so a newcomer
finds each one there (a new module without its line fails here)."""

from __future__ import annotations

import ast
import re
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


def module_lines() -> list[str]:
    """The block's lines: each module with the first sentence of its docstring."""
    lines = []
    for package in ("bot", "handlers", "storage", "publisher"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations/versions" in str(path):
                continue
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            # Markdown, not reStructuredText: ``x`` reads `x`, :mod:`x` reads x.
            words = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", " ".join(doc.split()))
            words = words.replace("``", "`")
            sentence = re.split(r"(?<=[A-Za-z)`])\. ", words, maxsplit=1)[0].rstrip(".")
            if not sentence:
                sentence = f"the {path.parent.name} package"
            if len(sentence) > 88:
                sentence = sentence[:87].rsplit(" ", 1)[0] + " …"
            lines.append(f"{path.relative_to(ROOT)!s:<36} {sentence}")
    return lines


def rewrite_readme() -> None:
    """Regenerate README's modules block: ``.venv/bin/python tests/unit/test_readme_layout.py``."""
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    head, rest = readme.split("<!-- modules:start -->", 1)
    _, tail = rest.split("<!-- modules:end -->", 1)
    block = "\n".join(module_lines())
    body = (
        "\n<details>\n<summary>Every module, one line each (from its docstring)</summary>\n\n"
        f"```\n{block}\n```\n\n</details>\n"
    )
    text = f"{head}<!-- modules:start -->{body}<!-- modules:end -->{tail}"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    rewrite_readme()
