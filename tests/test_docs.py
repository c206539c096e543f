"""README.md (the quickstart) and the documentation site's pages: the commands they document exist
and do what they say; the site builds strictly."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from typer.testing import CliRunner

from pipeline.app.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
COMMAND_LINE = (DOCS / "referencia" / "linea-de-comandos.md").read_text(encoding="utf-8")
OUTPUTS_PAGE = (DOCS / "referencia" / "resultados.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
DEPLOY_UNITS = ROOT / "deploy" / "systemd"


def _first_block() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_readme_opens_with_the_two_setup_commands():
    assert _first_block() == ["make report", "make test"]
    assert README.index("make report") < 200


def test_make_targets_run_the_documented_commands():
    recipe = {name: lines.split("\n\t") for name, lines in re.findall(r"^(report|test): .*\n\t(.+(?:\n\t.+)*)$", MAKEFILE, re.M)}
    assert recipe["report"] == ["$(BIN)/pei-report run --input inputs --output outputs"]
    # the import rules of docs/architecture.md, then the whole suite in parallel
    assert recipe["test"] == ["$(BIN)/lint-imports", "$(BIN)/python -m pytest -n auto"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_documented_options_exist():
    help_text = "".join(CliRunner().invoke(app, [command, "--help"]).stdout for command in ("run", "resend", "serve", "plantilla", "validar", "aprobar", "rechazar", "publicacion"))
    # What the README's «Command line» to «Inputs» held (now «Línea de comandos»): the command line,
    # running it for real (the IT guide's runs and distribution pages), limits.
    section = COMMAND_LINE.split("## Línea de comandos")[1] + "".join(
        (DOCS / "ti" / name).read_text(encoding="utf-8") for name in ("servicio.md", "distribucion.md", "limites.md")
    )
    # Lines that show pei-report or describe one of its options (not dask's or prefect's own).
    ours = [line for line in section.splitlines() if "pei-report" in line or line.startswith("- `--")]
    options = {option for line in ours for option in re.findall(r"(--[a-z][a-z-]*)", line)}
    assert {"--task-runner", "--dask-address", "--entity", "--no-distribute", "--port"} <= options
    for option in options:
        assert option in help_text, option


def test_the_project_stands_alone():
    """Nothing in the repository cites files outside it (the rules it implements are in docs/)."""
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"(?<![\w/])(\.\./)?shared/(spec|notes|seed|tools|style)")
    cited = [
        f for f in files
        if f.endswith((".py", ".md", ".toml", ".j2", ".css", ".yaml", ".sh", "Makefile", "run"))
        and outside.search((ROOT / f).read_text(encoding="utf-8", errors="replace"))
    ]
    assert cited == []
    for name in ("rules.md", "contract.md", "attainment.md", "stack.md"):
        assert (ROOT / "docs" / name).exists()


def test_the_license_file_matches_the_declared_license():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith(f"{declared} License")


def _written_by_make_report() -> list[str]:
    """The files the opening paragraph says `make report` writes, in its order."""
    paragraph = OUTPUTS_PAGE.split("`make report` escribe", 1)[1].split("luego copia", 1)[0]
    return re.findall(r"`([^`]+\.[a-z]+)`", paragraph)


def _listed_under_outputs() -> list[str]:
    """The files of a cut's folder in the tree of the section «Archivos del corte», in its order."""
    block = OUTPUTS_PAGE.split("\n## Archivos del corte\n", 1)[1].split("```", 2)[1]
    lines = block.split("outputs/<entity-slug>/<YYYY>-T<q>/\n", 1)[1].split("\noutputs/", 1)[0]
    return re.findall(r"^  (\S+)", lines, re.M)


def test_the_readme_lists_the_registered_outputs():
    from pipeline.ingest import load_settings
    from pipeline.outputs.registry import OUTPUTS
    from pipeline.delivery.publish import MANIFEST_FILE

    from types import SimpleNamespace

    from pipeline.ingest import load_plan

    folder = ROOT / "inputs" / "secretaria-general"
    settings = load_settings(folder)
    sample = [o.path(settings, "secretaria-general", "2024-T4", load_plan(folder)) for o in OUTPUTS]
    assert _written_by_make_report() == [*sample, MANIFEST_FILE]
    defaults = load_settings()
    plan = SimpleNamespace(acronym="<SIGLA>", title="<título>")  # how the README writes the fields
    generic = [o.path(defaults, "<slug>", "<YYYY>-T<q>", plan) for o in OUTPUTS]
    assert _listed_under_outputs() == [*generic, MANIFEST_FILE]


# --- the quickstart and the documentation site -------------------------------------------------


def _quickstart_commands() -> list[str]:
    """The README's second block: the commands a new office types (comments dropped)."""
    block = re.findall(r"```sh\n(.*?)```", README, re.S)[1]
    return [line.split("  #")[0].strip() for line in block.strip().splitlines()]


def test_every_command_the_quickstart_shows_runs(tmp_path):
    """The pei-report commands as printed, from a copy of the project's inputs; `make serve` starts
    a server (tests/app/test_service.py) and `make docs` is the strict build below."""
    import shutil
    import subprocess
    import sys

    commands = _quickstart_commands()
    assert commands[-2:] == ["make serve PORT=4200", "make docs"]
    assert "serve: $(STAMP)" in MAKEFILE and "--port $(PORT)" in MAKEFILE
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    exe = str(Path(sys.executable).with_name("pei-report"))
    for command in commands[:-2]:
        assert command.startswith(".venv/bin/pei-report ")
        done = subprocess.run(command.replace(".venv/bin/pei-report", exe, 1), shell=True, cwd=tmp_path,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"{command}: {done.stderr}"
    assert (tmp_path / "borrador" / "plan.xlsx").is_file()


def test_the_site_builds_strictly_with_every_guide_in_its_nav(tmp_path):
    import subprocess
    import sys

    from ruamel.yaml import YAML

    config = YAML(typ="safe").load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    sections = {next(iter(item)): item[next(iter(item))] for item in config["nav"] if isinstance(item, dict)}
    assert {"Guía de la oficina de planeación", "Guía de TI", "Developers", "Referencia"} <= set(sections)
    developers = {page for item in sections["Developers"] for page in item.values()}
    assert developers == {"architecture.md", "developers/contributing.md", "developers/tests.md", "developers/benchmarks.md"}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    assert "build --strict" in MAKEFILE and "make docs" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_command_reference_is_every_command_s_help():
    import importlib.util

    spec = importlib.util.spec_from_file_location("mkdocs_commands", ROOT / "scripts" / "mkdocs_commands.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = (DOCS / "referencia" / "comandos.md").read_text(encoding="utf-8")
    rendered = hook.on_page_markdown(page, None, None, None)
    for command in ("run", "resend", "serve", "plantilla", "validar", "publicacion"):
        assert f"## pei-report {command}\n" in rendered
        shown = CliRunner().invoke(app, [command, "--help"], prog_name="pei-report", env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
        assert hook._text(shown.stdout) in rendered
    assert rendered.split(hook.MARKER, 1)[1].lstrip().startswith("## pei-report\n")  # filled, never left empty


def test_the_committed_command_reference_is_what_the_program_prints_now():
    """docs/referencia/comandos.md holds the reference in the repository (not only on the built
    site) and equals what scripts/mkdocs_commands.py writes from the app now: change a command's
    help or options and this fails until the page is rewritten."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mkdocs_commands", ROOT / "scripts" / "mkdocs_commands.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = (DOCS / "referencia" / "comandos.md").read_text(encoding="utf-8")
    assert hook.END_MARKER in page, "run .venv/bin/python scripts/mkdocs_commands.py"
    assert "## pei-report validar\n" in page.split(hook.MARKER, 1)[1]
    assert page == hook.with_reference(page), "docs/referencia/comandos.md is stale: run .venv/bin/python scripts/mkdocs_commands.py"
    assert hook.on_page_markdown(page, None, None, None) == page  # the build shows the same page


# --- the IT guide names what exists ------------------------------------------------------------

IT_GUIDE = sorted((DOCS / "ti").glob("*.md"))
# The program at the start of a command, or from a venv (`.venv/bin/`, `.venv\Scripts\`) anywhere in
# it; not an argument (`createdb --owner prefect prefect`) nor a folder (`/opt/pei-report`).
_COMMAND = re.compile(r"(?:^\s*|\S*bin/|\S*Scripts\\)(prefect|pei-report)(?= |$)(.*)")


def _it_code() -> list[str]:
    """The lines of the IT guide's code blocks and its inline code spans."""
    text = "\n".join(page.read_text(encoding="utf-8") for page in IT_GUIDE)
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return [line for block in blocks for line in block.splitlines()] + inline


def _invocations(program: str) -> list[tuple[list[str], set[str]]]:
    """Each `prefect …` or `pei-report …` the guide shows: its leading words (the subcommand and maybe
    an argument) and the long options on the same command (up to `#`, `;`, `&&`, `|` or a quote)."""
    found = []
    for line in _it_code():
        for segment in re.split(r"&&|;|\||'|  #", line):
            match = _COMMAND.search(segment)
            if not match or match.group(1) != program:
                continue
            tokens = match.group(2).split()
            words = list(itertools.takewhile(lambda t: re.fullmatch(r"[a-z][a-z-]*", t), tokens))
            if words:
                found.append((words, set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", match.group(2)))))
    return found


def test_the_it_guide_names_repository_files_make_targets_units_and_settings_that_exist():
    from prefect.settings import Settings
    from prefect.settings.legacy import _get_valid_setting_names  # every variable name, aliases included

    from pipeline.ingest.limits import ENVIRONMENT  # the limits' variables are made from their names

    text = "\n".join(page.read_text(encoding="utf-8") for page in IT_GUIDE)
    files = set(re.findall(r"(?<![\w/.-])((?:deploy|scripts|pipeline|tests|docs)/[\w./-]*\w)", text))
    assert {"deploy/prefect.yaml", "deploy/automations/crash.yaml", "scripts/system-packages.sh", "scripts/postgres.sh"} <= files
    assert [f for f in sorted(files) if not (ROOT / f).exists()] == []

    targets = {t.replace("$(STAMP)", ".venv/.installed") for t in re.findall(r"^([\w.$()/-]+):", MAKEFILE, re.M)}
    made = {target for line in _it_code() for target in re.findall(r"(?:^|&& |sudo -u pei )make ([a-z.][\w./-]*)", line)}
    assert {"report", "serve", "docs", ".venv/.installed"} <= made <= targets

    units = {u for verb in re.findall(r"systemctl (?:enable --now|restart|start|stop|status) ([a-z -]+)", text)
             for u in verb.split()} - {"postgresql"}
    assert {"prefect-server", "prefect-worker", "pei-report-serve"} <= units
    assert [u for u in sorted(units) if not (DEPLOY_UNITS / f"{u}.service").is_file()] == []

    ours = set(re.findall(r"\bPEI_[A-Z0-9_]*[A-Z0-9]\b", text))
    code = "".join(p.read_text(encoding="utf-8") for folder in ("pipeline", "scripts", "deploy")
                   for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in (".py", ".sh", ".env", ".service", ".yaml"))
    assert set(ENVIRONMENT.values()) <= ours  # every limit is documented
    assert [v for v in sorted(ours - set(ENVIRONMENT.values())) if v not in code] == []
    environment_file = (DEPLOY_UNITS / "pei-report.env").read_text(encoding="utf-8")
    prefect_settings = set(re.findall(r"\bPREFECT_[A-Z0-9_]*[A-Z0-9]\b", text))
    in_the_file = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", environment_file, re.M))  # the SMTP ones are commented out
    assert len(in_the_file) > 20 and in_the_file <= ours | prefect_settings, "every variable of the environment file is in the guide"
    assert [v for v in sorted(prefect_settings) if v not in _get_valid_setting_names(Settings)] == []


def test_the_it_guide_s_pei_report_commands_and_options_exist():
    import click
    import typer.main

    root = typer.main.get_command(app)
    shown = _invocations("pei-report")
    assert {words[0] for words, _ in shown} >= {"serve", "run", "resend", "aprobar", "rechazar", "consolidar", "validar"}
    for words, options in shown:
        command = root.commands.get(words[0])
        assert command is not None, f"pei-report {words[0]}"
        while isinstance(command, click.Group) and len(words) > 1 and words[1] in command.commands:
            words, command = words[1:], command.commands[words[1]]
        known = {opt for param in command.params for opt in param.opts}
        assert options <= known, f"pei-report {command.name}: {options - known}"


def test_the_it_guide_s_prefect_commands_and_options_exist():
    """Each `prefect …` command the guide shows, walked through Prefect's own CLI (cyclopts, in this
    process): the subcommands exist and their --help shows the options used; `prefect deploy` and
    `prefect deployment run` name the deployments of deploy/prefect.yaml."""
    import io

    from rich.console import Console

    from prefect.cli._app import _app as prefect_cli
    from pipeline.runs.deployments import DEPLOYMENTS

    code = _it_code()
    assert {n for line in code for n in re.findall(r"prefect deploy .*?-n (\w+)", line)} == set(DEPLOYMENTS.values())
    started = {d for line in code for d in re.findall(r"prefect deployment run (\S+)", line)}
    assert started == {f"{flow}/{name}" for flow, name in DEPLOYMENTS.items()}
    shown = _invocations("prefect")
    assert {" ".join(words[:2]) for words, _ in shown} >= {"work-pool create", "worker start", "automation create", "server start"}
    for words, options in shown:
        node, path = prefect_cli, []
        for word in words:
            if word not in node:
                break
            node, path = node[word], [*path, word]
        assert path, f"prefect {' '.join(words)}: no such command"
        out = io.StringIO()
        prefect_cli.help_print(path, console=Console(file=out, width=250, color_system=None))
        missing = [option for option in options if option not in out.getvalue()]
        assert missing == [], f"prefect {' '.join(path)}: {missing}"


# --- the guides' commands run as printed ----------------------------------------------------

GUIDES = sorted((DOCS / "oficina").glob("*.md")) + IT_GUIDE
# A command that starts with the bare program name (after `$ `, `sudo -u pei ` or `VAR=value `):
# copied into a fresh clone, it is «command not found» unless pei-report is on the PATH.
_BARE = re.compile(r"^\s*(?:\$\s+)?(?:sudo -u \w+\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*pei-report(?= |$)")
# A synopsis that is not typed as it stands: its arguments are placeholders (`--input …`,
# `${PEI_SERVE_INPUT}`, what a systemd unit runs), or the program's own output.
_PLACEHOLDER = re.compile(r"…|\.\.\.|\$\{")


def _bare_commands(page: Path, root: Path = ROOT) -> list[str]:
    """The commands of a guide page written with a bare `pei-report`: lines of its code blocks, and
    inline code spans that are a whole command (the program, a subcommand and an argument)."""
    text = page.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        found += [line.strip() for line in block.splitlines() if _BARE.match(line)]
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for span in re.findall(r"`([^`\n]+)`", prose):
        if re.match(r"pei-report [a-z]+ \S", span) and not _PLACEHOLDER.search(span):
            found.append(span)
    return [f"{page.relative_to(root)}: {command}" for command in found]


def test_every_command_the_guides_show_runs_as_printed():
    """The office and IT guides write the program as `.venv/bin/pei-report` (what a fresh clone
    has, and what the program prints): a command shown bare would fail when copied."""
    assert [c for page in GUIDES for c in _bare_commands(page)] == []
    assert _bare_commands(DOCS / "oficina" / "index.md") == []
    assert any(".venv/bin/pei-report validar" in page.read_text(encoding="utf-8") for page in GUIDES)


def test_the_bare_command_check_finds_what_it_looks_for(tmp_path):
    page = tmp_path / "x.md"
    page.write_text(
        "Con `pei-report plantilla --plan` sale el libro; `pei-report aprobar` lo decide.\n\n"
        "```sh\npei-report validar --input inputs\nPEI_WORKERS=2 pei-report serve\n"
        ".venv/bin/pei-report run\n```\n\nLa unidad corre `pei-report serve --input … --port 4200`.\n",
        encoding="utf-8",
    )
    found = [c.split(": ", 1)[1] for c in _bare_commands(page, tmp_path)]
    assert found == ["pei-report validar --input inputs", "PEI_WORKERS=2 pei-report serve", "pei-report plantilla --plan"]


# --- the office guide is in Spanish ----------------------------------------------------------

ENGLISH_PAGES = ("rules.md", "attainment.md", "contract.md", "template.md", "architecture.md", "stack.md")
ENGLISH_MARK = "(en inglés, referencia técnica)"


def test_the_office_guide_names_an_english_page_only_as_marked_technical_reference():
    """The office reads its guide in Spanish: what it needs is on its own pages (calculo.md has the
    worked examples); an English page of the project is only linked, marked as such."""
    unmarked = []
    for page in sorted((DOCS / "oficina").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"(?:\[[^\]]*\]\()?(?:\.\./|docs/)(" + "|".join(map(re.escape, ENGLISH_PAGES)) + r")\b[^)\s`]*\)?`?", text):
            after = re.sub(r"\s+", " ", text[match.end():match.end() + 40])
            if not after.lstrip().startswith(ENGLISH_MARK):
                line = text[:match.start()].count("\n") + 1
                unmarked.append(f"{page.relative_to(ROOT)}:{line}: {match.group(0)}")
    assert unmarked == []
    calculo = (DOCS / "oficina" / "calculo.md").read_text(encoding="utf-8")
    assert "## Ejemplos resueltos" in calculo
    for figure in ("104,7 %", "88,9 %", "266,7 %", "200 %", "80 %"):  # docs/rules.md's worked examples, in Spanish
        assert figure in calculo, figure


# --- the guide's screenshots (scripts/screenshots.py) -------------------------------------------


def test_every_image_the_docs_show_exists_and_the_script_makes_exactly_those():
    import importlib.util

    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" / "screenshots.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shown = set()
    for page in DOCS.rglob("*.md"):
        for alt, target in re.findall(r"!\[([^\]]*)\]\(([^)\s]+)", page.read_text(encoding="utf-8")):
            image = (page.parent / target).resolve()
            assert image.is_file(), f"{page.relative_to(ROOT)}: {target}"
            assert alt.strip(), f"{page.relative_to(ROOT)}: {target} has no alt text"
            shown.add(image)
    made = {(script.IMAGE_DIR / name).resolve() for name in script.IMAGES}
    on_disk = {p.resolve() for p in script.IMAGE_DIR.glob("*") if p.is_file()}
    assert on_disk == made, "docs/oficina/img/ holds exactly what scripts/screenshots.py makes (run make screenshots)"
    assert made <= shown, "every screenshot is shown in the guide"
    for image in made:
        assert image.stat().st_size < script.MAX_BYTES, image.name
    assert "screenshots: $(STAMP)" in MAKEFILE and "scripts/screenshots.py" in MAKEFILE
