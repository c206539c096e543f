"""MkDocs hook: the command reference (docs/referencia/comandos.md) is the `--help` of every command
of the Typer app itself, rendered at build time, so the page cannot drift from the program.

The page holds the marker `<!-- commands -->`; this hook replaces it with one section per command.
"""

from __future__ import annotations

MARKER = "<!-- commands -->"


def command_reference() -> str:
    """Every command's `--help`, in the app's order, as Markdown."""
    import click
    import typer
    from typer.testing import CliRunner

    from pipeline.app.cli import app

    group = typer.main.get_command(app)
    runner = CliRunner()
    parts = []
    top = runner.invoke(app, ["--help"], prog_name="pei-report", env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    parts.append(f"## pei-report\n\n```text\n{top.stdout.rstrip()}\n```\n")
    for name in group.list_commands(click.Context(group)):
        shown = runner.invoke(app, [name, "--help"], prog_name="pei-report", env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
        if shown.exit_code != 0:
            raise RuntimeError(f"pei-report {name} --help failed: {shown.output}")
        parts.append(f"## pei-report {name}\n\n```text\n{shown.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, command_reference())
    return markdown
