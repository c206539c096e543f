"""Screenshots of real outputs for the planning office's guide: `make screenshots`.

Runs the sample report (`inputs/secretaria-general`, cut 2024-T4, no distribution) into a temporary
folder and writes the PNGs of `IMAGES` to docs/oficina/img/: slides of the deck (LibreOffice
headless turns the .pptx into a PDF), pages of the PDF report (pdftoppm, from poppler-utils) and
the top of the web page (headless chromium). Each image is 1000 px wide, optimised (reduced to
256 colours only if still too heavy), and must stay under `MAX_BYTES`. The tools are installed the project's one
way (scripts/apt.sh) when run as root; otherwise the script says what to install.

A page or slide is found by its title, not by its number, so a slide added before it does not
change what the picture shows. tests/test_docs.py checks that the guide references only these
images and that docs/oficina/img/ holds no other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGE_DIR = ROOT / "docs" / "oficina" / "img"
WIDTH = 1000
MAX_BYTES = 200_000
PERIOD = "2024-T4"
ENTITY = "secretaria-general"

# name: (source, the title its page begins with). Sources: "deck" (the .pptx through LibreOffice),
# "pdf" (the PDF report) or "web" (web/index.html, the top of the page).
IMAGES: dict[str, tuple[str, str]] = {
    "diapositiva-portada.png": ("deck", "Plan Estratégico Institucional 2024"),
    "diapositiva-resumen.png": ("deck", "Resumen ejecutivo"),
    "diapositiva-objetivo.png": ("deck", "Metas e indicadores Objetivo 2"),
    "pdf-cambios.png": ("pdf", "Cambios desde el corte anterior"),
    "pdf-avance-trimestral.png": ("pdf", "Avance trimestral Objetivo 2"),
    "web-inicio.png": ("web", ""),
}

TOOLS = {"pdftoppm": "poppler-utils", "soffice": "libreoffice-impress", "chromium": "chromium"}


def _require_tools() -> None:
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:  # install_missing says what to install (and exits 1) where it cannot install
        done = subprocess.run(["bash", "-c", 'source scripts/apt.sh && install_missing "programas para las capturas" "$@"', "_", *missing],
                              cwd=ROOT)
        if done.returncode:
            raise SystemExit(done.returncode)


def _page_of(pdf: Path, title: str) -> int:
    """The number (from 1) of the first page of `pdf` whose text begins with `title`."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, start=1):
            text = " ".join(page.get_textpage().get_text_range().split())
            if text.startswith(title):
                return number
    finally:
        document.close()
    raise SystemExit(f"No hay una página que empiece con «{title}» en {pdf}.")


def _render_page(pdf: Path, number: int, target: Path) -> None:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(number), "-l", str(number), "-scale-to-x", str(WIDTH),
                    "-scale-to-y", "-1", str(pdf), str(stem)], check=True)


def _render_web(page: Path, target: Path, profile: Path) -> None:
    subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={profile}", f"--window-size={WIDTH},1100", f"--screenshot={target}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def _optimise(path: Path) -> None:
    """Full colour with zlib's best; 256 colours only where that is still too heavy (the semáforo's
    colours must stay what they are, so the palette is a last resort)."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        raise SystemExit(f"{path.name} pesa {path.stat().st_size} bytes, más de {MAX_BYTES}.")


def main() -> None:
    _require_tools()
    exe = Path(sys.executable).with_name("pei-report")
    with tempfile.TemporaryDirectory(prefix="pei-capturas-") as scratch:
        scratch = Path(scratch)
        outputs = scratch / "outputs"
        subprocess.run([str(exe), "run", "--input", str(ROOT / "inputs" / ENTITY), "--output", str(outputs), "--period", PERIOD,
                        "--no-distribute"], check=True, capture_output=True)
        cut = outputs / ENTITY / PERIOD
        pdf = next(cut.glob("*.pdf"))
        deck = next(cut.glob("*.pptx"))
        subprocess.run(["soffice", f"-env:UserInstallation={(scratch / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(scratch / "deck"), str(deck)], check=True, capture_output=True, timeout=300)
        deck_pdf = scratch / "deck" / f"{deck.stem}.pdf"
        IMAGE_DIR.mkdir(parents=True, exist_ok=True)
        for name, (source, title) in IMAGES.items():
            target = IMAGE_DIR / name
            if source == "web":
                _render_web(cut / "web" / "index.html", target, scratch / "chromium")
            else:
                document = deck_pdf if source == "deck" else pdf
                _render_page(document, _page_of(document, title), target)
            _optimise(target)
            print(f"{target.relative_to(ROOT)} ({target.stat().st_size // 1000} KB)")
    for stale in sorted(set(IMAGE_DIR.glob("*.png")) - {IMAGE_DIR / name for name in IMAGES}):
        stale.unlink()
        print(f"{stale.relative_to(ROOT)} borrada: ya no está en la lista")


if __name__ == "__main__":
    main()
