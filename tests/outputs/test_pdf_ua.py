"""pipeline/outputs/pdf_ua.py: the finisher's pieces on small PDFs and packets of their own."""

from __future__ import annotations

import io
import zlib
from xml.etree import ElementTree

import page
import pikepdf
import pydyf
import pytest

from pipeline.outputs.pdf_ua import XMP_NAMESPACES, _end_streams_unambiguously, xmp_with_pdf_ua


def _content_ending_in_cr() -> bytes:
    """Content whose zlib data ends with CR: its Adler-32 checksum, the last 4 bytes, ends with 0x0D."""
    comments = (b"q Q %" + bytes((a, b)) for a in range(33, 127) for b in range(33, 127))
    return next(c for c in comments if zlib.compress(c, 9)[-1:] == b"\r")


def _written(*streams: pydyf.Stream) -> bytes:
    pdf = pydyf.PDF()
    for stream in streams:
        pdf.add_object(stream)
    _end_streams_unambiguously(pdf)
    out = io.BytesIO()
    pdf.write(out)
    return out.getvalue()


def test_a_stream_that_would_end_with_cr_is_written_uncompressed():
    content = _content_ending_in_cr()
    risky, plain = pydyf.Stream([content], compress=True), pydyf.Stream([b"q Q"], compress=True)
    data = _written(risky, plain)
    assert b"\r\nendstream" not in data
    assert not risky.compress and plain.compress  # only the stream at risk loses its compression
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.get_object(risky.number, 0).read_bytes() == content


def test_without_the_fix_the_length_is_ambiguous():
    """The case the fix is for exists: pydyf alone writes CR LF before endstream."""
    pdf = pydyf.PDF()
    pdf.add_object(pydyf.Stream([_content_ending_in_cr()], compress=True))
    out = io.BytesIO()
    pdf.write(out)
    assert b"\r\nendstream" in out.getvalue()


def test_xmp_keeps_pdf_a_and_adds_pdf_ua_with_its_extension_schema():
    rdf = (
        b'<rdf:RDF xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" pdfaid:part="3" pdfaid:conformance="A" /></rdf:RDF>'
    )
    root = ElementTree.fromstring(xmp_with_pdf_ua(rdf))
    ident = root[0]
    ns = XMP_NAMESPACES
    assert ident.get(f"{{{ns['pdfaid']}}}part") == "3" and ident.get(f"{{{ns['pdfaid']}}}conformance") == "A"
    assert ident.get(f"{{{ns['pdfuaid']}}}part") == "1"
    schema = root.find(f".//{{{ns['pdfaExtension']}}}schemas/{{{ns['rdf']}}}Bag/{{{ns['rdf']}}}li")
    assert schema.findtext(f"{{{ns['pdfaSchema']}}}namespaceURI") == ns["pdfuaid"]
    assert schema.findtext(f"{{{ns['pdfaSchema']}}}prefix") == "pdfuaid"
    names = [p.findtext(f"{{{ns['pdfaProperty']}}}name") for p in schema.iter(f"{{{ns['rdf']}}}li") if p is not schema]
    assert names == ["part"]
    # PDF/A requires these prefixes as written, not ns0, ns1 ...
    text = xmp_with_pdf_ua(rdf).decode()
    assert "pdfaExtension:schemas" in text and "pdfaSchema:prefix" in text and "pdfaProperty:name" in text


def test_a_bigger_plan_is_pdf_ua_and_pdf_a_too(tmp_path):
    from pipeline.outputs.pdf import render_pdf
    from tests.report.test_layout import _pdm_report

    data = render_pdf(_pdm_report(tmp_path))
    for profile in ("ua1", "3a"):
        report = page.validate_pdf_bytes(data, profile=profile)
        assert report.is_compliant, (profile, [(f.rule_id, f.message) for f in report.failures])


@pytest.mark.parametrize("variant", ["pdf/ua-1", None])
def test_the_finisher_refuses_a_pdf_that_is_not_weasyprints_pdf_a(variant):
    from weasyprint import HTML

    from pipeline.outputs.pdf_ua import finish_pdf_ua

    html = HTML(string='<html lang="es-CO"><title>t</title><p>x</p></html>')
    with pytest.raises(ValueError, match="PDF/A|PDF/UA"):
        html.write_pdf(pdf_variant=variant, finisher=finish_pdf_ua)
