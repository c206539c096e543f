"""Input files made to hurt a reader, written from ordinary ones: an .xlsx whose sheet declares a
DTD (a «billion laughs» or an external entity) and an .xlsx whose shared strings part holds
strings no cell uses.

Run `python -m tests.hostile_files DIR` to write the full-size shared strings file (4 million
strings, about 12 MB) for a measurement by hand.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY l0 "ja">'
    + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    + "]>"
)
EXTERNAL = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'


def _rewrite(path: Path, edit) -> Path:
    """Rewrite every part of the zip at `path` through `edit(name, data) -> data`."""
    with zipfile.ZipFile(path) as book:
        parts = [(info.filename, book.read(info.filename)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts:
            book.writestr(name, edit(name, data))
    return path


def with_dtd(path: Path, dtd: str, entity: str, sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """The workbook at `path` with `dtd` declared in `sheet` and the sheet's first value `<v>`
    replaced by a reference to `entity`."""

    def edit(name: str, data: bytes) -> bytes:
        if name != sheet:
            return data
        head, body = (data[: data.index(b"?>") + 2], data[data.index(b"?>") + 2 :]) if data.startswith(b"<?xml") else (b"", data)
        start = body.index(b"<v>") + 3
        end = body.index(b"</v>", start)
        return head + dtd.encode() + body[:start] + f"&{entity};".encode() + body[end:]

    return _rewrite(path, edit)


_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def unused_strings(path: Path, count: int) -> Path:
    """The workbook at `path` with a shared strings part of `count` strings that no cell uses
    (openpyxl writes its texts inline: the part, its content type and its relationship are added)."""

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_STRINGS_TYPE}"/>'
            return data.replace(b"</Types>", override.encode() + b"</Types>")
        if name == "xl/_rels/workbook.xml.rels":
            rel = f'<Relationship Id="rIdStrings" Type="{_STRINGS_REL}" Target="sharedStrings.xml"/>'
            return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        return data

    _rewrite(path, edit)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        with book.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (count, count))
            for start in range(0, count, 10_000):
                part.write(b"".join(b"<si><t>s%d</t></si>" % n for n in range(start, min(start + 10_000, count))))
            part.write(b"</sst>")
    return path


if __name__ == "__main__":  # pragma: no cover - a measurement by hand
    from tests.ingest.test_execution import GOOD, write_xlsx

    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    target = unused_strings(write_xlsx(folder, GOOD), 4_000_000)
    print(target, target.stat().st_size)
