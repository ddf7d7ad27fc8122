"""Helpers for the evidence reader's tests (plain Python: no Django needed)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ARTICLES = HERE / "articles"
CORPUS = HERE / "corpus"
DEV = Path("/work/shared/eval-dev")


def make_docx(paragraphs: list[str]) -> bytes:
    """A minimal real .docx: [Content_Types].xml, the package rels and word/document.xml."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                   '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                   'document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def make_pdf(lines: list[str] | None) -> bytes:
    """A hand-written PDF. With `lines`, one page whose text layer holds them: a Type0 font with
    Identity-H encoding where each glyph id is the character's code point, and a ToUnicode CMap
    saying so (no font program is embedded: enough for a text layer). Without, a page with only a
    drawn rectangle, like a scan without OCR."""
    objs: list[bytes] = []
    if lines:
        chars = sorted({c for line in lines for c in line})
        bf = "".join(f"<{ord(c):04X}> <{ord(c):04X}>\n" for c in chars)
        cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
                "1 begincodespacerange <0000> <FFFF> endcodespacerange "
                f"{len(chars)} beginbfchar\n{bf}endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
        ops = "BT /F1 12 Tf 50 750 Td 14 TL " + " ".join(
            "<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*" for line in lines) + " ET"
        resources = "/Resources << /Font << /F1 5 0 R >> >>"
    else:
        ops = "0.5 g 50 50 200 200 re f"
        resources = "/Resources << >>"
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {resources} /Contents 4 0 R >>".encode())
    objs.append(f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream".encode())
    if lines:
        objs.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
                    b"/DescendantFonts [6 0 R] /ToUnicode 8 0 R >>")
        objs.append(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo "
                    b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>")
        objs.append(b"<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
                    b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
        objs.append(f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    return tmp_path
