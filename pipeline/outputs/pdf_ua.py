"""Make WeasyPrint's tagged PDF/A-3a also a PDF/UA-1 (ISO 14289-1) file.

WeasyPrint 70 writes one variant at a time: `pdf/a-3a` (tagged, identified as PDF/A-3a in the
XMP metadata) or `pdf/ua-1`, never both. `finish_pdf_ua` is passed to `write_pdf(finisher=...)`,
WeasyPrint's documented hook, which calls it with the finished `pydyf.PDF` right before the file
is written; it changes the PDF objects in place, deterministically (the same input still gives
the same bytes):

- the XMP packet WeasyPrint wrote for PDF/A-3a also says `pdfuaid:part="1"`, and describes the
  pdfuaid schema in a PDF/A extension schema (PDF/A admits only the XMP properties it predefines
  or that the packet itself describes). The packet is left uncompressed, as plain text that any
  tool can read (PDF/A-1 requires it; some PDF/A-3 validators ask it too);
- structure elements that hold no content are removed from the tree: WeasyPrint makes one for
  every box, also for the decorations drawn only as backgrounds (the bars, rules, coloured dots),
  which it already marks as artifacts in the page content, so a screen reader met empty Div and
  Span elements;
- every table header cell (TH) gets its `/Scope`: WeasyPrint reads the HTML `scope` attribute
  only to link data cells to their headers (`/ID` on TH, `/Headers` on TD); the scope is read
  back from those links: a header that a data cell of its own row names is a row header;
- the structure tree root gets the `/IDTree` that ISO 32000-1 requires once elements have IDs;
- a compressed stream whose bytes end with a carriage return is written uncompressed: pydyf puts
  a line feed before `endstream`, and CR LF there reads as the end-of-line marker, so the stream
  seems one byte shorter than its /Length (PDF/A, ISO 19005-3 6.1.7.1). The last byte of zlib
  data is part of a checksum, so about one compressed stream in 256 hits this. WeasyPrint's
  object and cross-reference streams are made after the finisher and cannot be helped here.

The catalog's `/Lang`, `/MarkInfo /Marked true` and `/ViewerPreferences /DisplayDocTitle true`
are WeasyPrint's own for a tagged PDF.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pydyf

__all__ = ["finish_pdf_ua", "xmp_with_pdf_ua", "XMP_NAMESPACES", "PDF_UA_PART"]

XMP_NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    # PDF/A extension schemas: these prefixes are required as written (ISO 19005-1 TN 0009).
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
PDF_UA_PART = 1
_CELLS = ("/TD", "/TH")


def finish_pdf_ua(document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: declare and complete PDF/UA-1 on a tagged `pdf/a-3a` PDF."""
    if "StructTreeRoot" not in pdf.catalog or "Metadata" not in pdf.catalog:
        raise ValueError("PDF/UA needs WeasyPrint's tagged PDF/A output (pdf_variant='pdf/a-3a')")
    _declare_pdf_ua(pdf, document.metadata)
    root = _get(pdf, pdf.catalog["StructTreeRoot"])
    for top in root["K"]:
        _drop_empty(pdf, _get(pdf, top))
    ids = {}
    for element in _elements(pdf, root):
        if element["S"] == "/Table":
            _scope_headers(pdf, element)
        if "ID" in element:
            ids[element["ID"].string] = element.reference
    if ids:
        names = pydyf.Array()
        for key in sorted(ids):
            names.extend((pydyf.String(key), ids[key]))
        root["IDTree"] = pydyf.Dictionary({"Names": names})
    _end_streams_unambiguously(pdf)


def _get(pdf: pydyf.PDF, reference) -> pydyf.Object:
    """The object an indirect reference (`b"12 0 R"`) names; pydyf numbers objects by position."""
    return pdf.objects[int(reference.split()[0])]


def _is_element(pdf: pydyf.PDF, kid) -> bool:
    return not isinstance(kid, int) and _get(pdf, kid).get("Type") == "/StructElem"


def _elements(pdf: pydyf.PDF, parent):
    """Every structure element under `parent`, depth first in reading order."""
    for kid in parent["K"]:
        if _is_element(pdf, kid):
            element = _get(pdf, kid)
            yield element
            yield from _elements(pdf, element)


def _drop_empty(pdf: pydyf.PDF, element) -> bool:
    """Remove the descendants of `element` that hold no content; whether it holds any.

    Content is a marked-content id (an int) or an object reference (a link's annotation). Table
    cells stay even when empty, so that every row keeps its columns.
    """
    kept = []
    for kid in element["K"]:
        if not _is_element(pdf, kid):
            kept.append(kid)
            continue
        child = _get(pdf, kid)
        if _drop_empty(pdf, child) or child["S"] in _CELLS:
            kept.append(kid)
        else:
            child.clear()  # unreachable now; written as an empty dictionary
    element["K"][:] = kept
    return bool(kept)


def _rows(pdf: pydyf.PDF, table) -> list:
    """The table's TR elements in order, through THead, TBody and TFoot."""
    rows = []
    for element in (_get(pdf, k) for k in table["K"] if _is_element(pdf, k)):
        if element["S"] == "/TR":
            rows.append(element)
        elif element["S"] in ("/THead", "/TBody", "/TFoot"):
            rows.extend(_rows(pdf, element))
    return rows


def _scope_headers(pdf: pydyf.PDF, table) -> None:
    """Give each TH of `table` a /Scope: /Row when a TD of its own row names it, else /Column."""
    for row in _rows(pdf, table):
        cells = [_get(pdf, k) for k in row["K"] if _is_element(pdf, k)]
        named_here = {
            header.string for cell in cells if cell["S"] == "/TD" for header in cell.get("A", {}).get("Headers", ())
        }
        for cell in cells:
            if cell["S"] == "/TH":
                attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                identifier = cell.get("ID")
                attributes["Scope"] = "/Row" if identifier is not None and identifier.string in named_here else "/Column"


def _end_streams_unambiguously(pdf: pydyf.PDF) -> None:
    """Write uncompressed each compressed stream whose data would end with CR (see above)."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.compress and obj.data.endswith(b"\r\nendstream"):
            obj.compress = False
            if obj.data.endswith(b"\r\nendstream"):  # its own bytes end with CR too: no better
                obj.compress = True


def _declare_pdf_ua(pdf: pydyf.PDF, metadata) -> None:
    """Add PDF/UA-1's identification to the XMP packet that WeasyPrint wrote for PDF/A-3a."""
    stream = _get(pdf, pdf.catalog["Metadata"])
    packet = b"".join(stream.stream)
    rdf = metadata.generate_rdf_metadata("a", 3, "A")
    if packet.count(rdf) != 1:
        raise ValueError("WeasyPrint's XMP packet is not the one expected for PDF/A-3a: PDF/UA-1 cannot be declared in it")
    stream.stream = [packet.replace(rdf, xmp_with_pdf_ua(rdf))]
    stream.compress = False


def xmp_with_pdf_ua(rdf: bytes) -> bytes:
    """`rdf` (an rdf:RDF element holding the PDF/A identification) with PDF/UA-1's beside it."""
    for prefix, uri in XMP_NAMESPACES.items():  # ElementTree writes registered prefixes (a global table)
        ElementTree.register_namespace(prefix, uri)
    root = ElementTree.fromstring(rdf)
    identification = next(d for d in root if d.get(_name("pdfaid", "part")) is not None)
    identification.set(_name("pdfuaid", "part"), str(PDF_UA_PART))

    extension = ElementTree.SubElement(root, _name("rdf", "Description"), {_name("rdf", "about"): ""})
    schemas = ElementTree.SubElement(ElementTree.SubElement(extension, _name("pdfaExtension", "schemas")), _name("rdf", "Bag"))
    schema = ElementTree.SubElement(schemas, _name("rdf", "li"), {_name("rdf", "parseType"): "Resource"})
    for field, text in (
        ("schema", "PDF/UA identification schema"),
        ("namespaceURI", XMP_NAMESPACES["pdfuaid"]),
        ("prefix", "pdfuaid"),
    ):
        ElementTree.SubElement(schema, _name("pdfaSchema", field)).text = text
    properties = ElementTree.SubElement(ElementTree.SubElement(schema, _name("pdfaSchema", "property")), _name("rdf", "Seq"))
    part = ElementTree.SubElement(properties, _name("rdf", "li"), {_name("rdf", "parseType"): "Resource"})
    for field, text in (
        ("name", "part"),
        ("valueType", "Integer"),
        ("category", "internal"),
        ("description", "Part of ISO 14289 (PDF/UA) the file conforms to"),
    ):
        ElementTree.SubElement(part, _name("pdfaProperty", field)).text = text
    return ElementTree.tostring(root, encoding="utf-8")


def _name(prefix: str, local: str) -> str:
    return f"{{{XMP_NAMESPACES[prefix]}}}{local}"
