"""The command reference (docs/referencia/comandos.md): the `--help` of every command of the Typer
app itself, so the page cannot drift from the program.

The page is committed with the reference written between the markers `<!-- commands -->` and
`<!-- /commands -->` (readable in the repository, not only on the built site). Run this script
(`python scripts/mkdocs_commands.py`) after changing a command's options or help to rewrite it;
`tests/test_docs.py` fails while the committed page differs from what the program prints. As a
MkDocs hook it regenerates the same section at build time.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MARKER = "<!-- commands -->"
END_MARKER = "<!-- /commands -->"
PAGE = Path(__file__).resolve().parent.parent / "docs" / "referencia" / "comandos.md"
_SECTION = re.compile(re.escape(MARKER) + r".*?" + re.escape(END_MARKER), re.S)
_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def _text(output: str) -> str:
    """A help screen without the spaces rich pads each line with (an editor would strip them)."""
    return "\n".join(line.rstrip() for line in output.rstrip().splitlines())


def command_reference() -> str:
    """Every command's `--help`, in the app's order, as Markdown."""
    import click
    import typer
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    group = typer.main.get_command(app)
    runner = CliRunner()
    parts = []
    top = runner.invoke(app, ["--help"], prog_name="pei-report", env=_ENV)
    parts.append(f"## pei-report\n\n```text\n{_text(top.stdout)}\n```\n")
    for name in group.list_commands(click.Context(group)):
        shown = runner.invoke(app, [name, "--help"], prog_name="pei-report", env=_ENV)
        if shown.exit_code != 0:
            raise RuntimeError(f"pei-report {name} --help failed: {shown.output}")
        parts.append(f"## pei-report {name}\n\n```text\n{_text(shown.stdout)}\n```\n")
    return "\n".join(parts)


def with_reference(markdown: str) -> str:
    """`markdown` with the section between the markers (or the bare opening marker) replaced by
    the current reference."""
    section = f"{MARKER}\n\n{command_reference()}\n{END_MARKER}"
    if _SECTION.search(markdown):
        return _SECTION.sub(lambda _: section, markdown, count=1)
    return markdown.replace(MARKER, section, 1)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER in markdown:
        return with_reference(markdown)
    return markdown


def main() -> int:
    """Rewrite the committed page; exit 0 whether or not it changed."""
    text = PAGE.read_text(encoding="utf-8")
    updated = with_reference(text)
    if updated != text:
        PAGE.write_text(updated, encoding="utf-8")
        print(f"{PAGE} reescrito.")
    else:
        print(f"{PAGE} ya estaba al día.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PAGE.parents[2]))
    sys.exit(main())
