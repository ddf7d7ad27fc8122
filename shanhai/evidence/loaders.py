"""Bytes to text: formats (plain text, HTML, .docx, text-layer PDF), encodings, and refusals.

* The format is sniffed from the bytes (magic numbers), the file name only breaks ties.
* Text encodings: BOMs first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then the best of
  GB18030 (a superset of GBK/GB2312), Big5 and BOM-less UTF-16, scored by how many decoded
  characters are common Chinese characters. An HTML page's own charset declaration wins.
* .docx is read with the standard library (zipfile + ElementTree on word/document.xml): it is a
  zip of XML and needs nothing more. A password-protected .docx is not a zip but an OLE file with
  an EncryptedPackage stream, and is refused as such.
* PDF text comes from pypdf (pure Python, maintained, no system libraries); a PDF whose pages
  carry no text layer (a scan) is refused with a hint to run OCR first.
* HTML: the standard library's HTMLParser; script/style and page furniture elements (nav,
  footer, aside, form) are skipped — not <header>, which often holds the article's title and date —
  and block elements become line breaks. The text cleaner then handles the rest, as for pages
  saved as text.

Every refusal is an `EvidenceError` with a Chinese message naming the problem.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from .errors import EvidenceError
from .normalize import common_chars

MAGIC = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"\x7fELF": "可执行文件",
    b"MZ": "Windows 可执行文件",
    b"\x1f\x8b": "gzip 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
    b"Rar!": "RAR 压缩包",
    b"{\\rtf": "RTF 文档",
}
_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|div|p|table|article)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def read_source(source: str | os.PathLike[str] | bytes, *, max_bytes: int) -> tuple[bytes, str | None]:
    """The bytes of a file (refused before reading when over `max_bytes`) or of a bytes object."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise EvidenceError("too_large", f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {_mb(max_bytes)}")
        return data, None
    path = Path(source)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise EvidenceError("not_found", "文件不存在", source=name) from None
    if path.is_dir():
        raise EvidenceError("unsupported", "这是一个目录，不是文件", source=name)
    if size > max_bytes:
        raise EvidenceError("too_large", f"文件过大（{size / 1048576:.1f} MB），上限为 {_mb(max_bytes)}，未读取",
                            source=name)
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)  # never more than the limit, even if the file grew meanwhile
    if len(data) > max_bytes:
        raise EvidenceError("too_large", f"文件过大，上限为 {_mb(max_bytes)}", source=name)
    return data, name


def _mb(n: int) -> str:
    return f"{n / 1048576:g} MB"


def sniff_format(data: bytes, name: str | None = None) -> str:
    """'text', 'html', 'docx', 'pdf', or raise for what is not supported."""
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            if kind in ("pdf", "zip", "ole"):
                return kind
            raise EvidenceError("unsupported", f"不支持的文件格式：{kind}", source=name)
    ext = Path(name).suffix.lower() if name else ""
    if ext in (".docx", ".pdf", ".doc", ".xlsx", ".xls", ".pptx"):
        # the name promises a binary format the bytes do not have
        raise EvidenceError("corrupt", f"文件扩展名为 {ext}，但内容不是有效的 {ext[1:].upper()} 文件（可能已损坏）",
                            source=name)
    if ext in (".html", ".htm", ".xhtml") or _HTML_SNIFF.search(data[:2048]):
        return "html"
    return "text"


def decode_text(data: bytes, *, name: str | None = None, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) for bytes in any encoding a Chinese page or Windows file may use."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            return _check_text(data[len(bom):].decode(enc.replace("-sig", ""), errors="replace"), name), enc
    if declared:
        try:
            enc = "gb18030" if declared.lower().replace("-", "") in ("gb2312", "gbk", "gb18030") else declared
            return _check_text(data.decode(enc), name), enc
        except (LookupError, UnicodeDecodeError):
            pass
    sample = data[:65536]
    if b"\x00" not in sample:
        try:
            return _check_text(data.decode("utf-8"), name), "utf-8"
        except UnicodeDecodeError as e:
            if e.start >= len(data) - 3:  # a file cut inside its last character
                return _check_text(data.decode("utf-8", errors="replace"), name), "utf-8"
    best: tuple[float, str] = (-9.0, "")
    probe = sample[:8192]  # a few thousand characters tell the encodings apart
    for enc in ("gb18030", "big5", "utf-16-le", "utf-16-be"):
        score = _score(probe.decode(enc, errors="replace"))
        if score > best[0]:
            best = (score, enc)
    if best[0] < 0.3:
        raise EvidenceError("binary", "文件内容不是可读的文本（可能是二进制文件、已损坏，或编码无法识别）", source=name)
    return _check_text(data.decode(best[1], errors="replace"), name), best[1]


def _score(text: str) -> float:
    """Share of common Chinese characters among the CJK ones, minus noise (replacements, controls)."""
    if not text:
        return -9.0
    common = common_chars()
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    bad = text.count("\ufffd") + len(_CONTROL.findall(text))
    printable_ascii = sum(1 for c in text if " " <= c <= "~" or c in "\r\n\t")
    if not cjk:
        return printable_ascii / len(text) - 5 * bad / len(text)
    share = sum(1 for c in cjk if c in common) / len(cjk)
    return share * (len(cjk) + printable_ascii) / len(text) - 5 * bad / len(text)


def _check_text(text: str, name: str | None) -> str:
    if not text.strip():
        raise EvidenceError("empty", "文件没有文字内容（为空）", source=name)
    sample = text[:65536]
    if (len(_CONTROL.findall(sample)) + sample.count("\ufffd")) / len(sample) > 0.05:
        raise EvidenceError("binary", "文件内容不是可读的文本（可能是二进制文件或已损坏）", source=name)
    return text


# --- HTML ---------------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form", "iframe",
         "button", "select", "head"}
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "ul",
          "ol", "dd", "dt", "blockquote", "pre", "hr", "title", "main", "figure", "figcaption", "center"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "param", "source", "track",
         "wbr"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag not in _VOID:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag not in _VOID:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", "\n", text)
    return text.strip("\n")


# --- .docx --------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes, *, name: str | None = None, max_bytes: int) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise EvidenceError("corrupt", "压缩结构损坏，无法作为 .docx 打开", source=name) from None
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            kind = ("Excel 表格（.xlsx）" if "xl/workbook.xml" in names
                    else "PowerPoint 演示文稿（.pptx）" if "ppt/presentation.xml" in names else "zip 压缩包")
            raise EvidenceError("unsupported", f"不支持的文件格式：{kind}；请提供 .docx、PDF、HTML 或文本文件",
                                source=name)
        info = zf.getinfo("word/document.xml")
        if info.file_size > 4 * max_bytes:  # a zip bomb would blow memory up when inflated
            raise EvidenceError("too_large", "文档解压后过大，拒绝读取", source=name)
        try:
            xml = zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError):
            raise EvidenceError("corrupt", ".docx 文件已损坏，无法读取正文", source=name) from None
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:4096]:
        raise EvidenceError("corrupt", ".docx 正文含有不允许的 DTD 声明", source=name)
    import xml.etree.ElementTree as ET  # noqa: N817

    lines: list[str] = []
    buf: list[str] = []
    try:
        # no DTD is allowed (checked above), so entity expansion attacks cannot occur
        for event, el in ET.iterparse(io.BytesIO(xml), events=("end",)):  # noqa: S314
            tag = el.tag
            if tag == f"{_W}t":
                buf.append(el.text or "")
            elif tag == f"{_W}tab":
                buf.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                buf.append("\n")
            elif tag == f"{_W}p":
                lines.append("".join(buf))
                buf = []
                el.clear()
            del event
    except ET.ParseError:
        raise EvidenceError("corrupt", ".docx 正文 XML 已损坏", source=name) from None
    text = "\n".join(lines)
    if not text.strip():
        raise EvidenceError("empty", ".docx 文档没有文字内容", source=name)
    return text


def ole_error(data: bytes, name: str | None) -> EvidenceError:
    """An OLE compound file: an encrypted .docx/.xlsx, or a legacy .doc/.xls."""
    if "EncryptedPackage".encode("utf-16-le") in data or (name or "").lower().endswith((".docx", ".xlsx")):
        return EvidenceError("encrypted", "文档已加密（受密码保护的 Office 文件），请取消密码后重新提交", source=name)
    return EvidenceError("unsupported", "不支持旧版 Office 二进制格式（.doc/.xls），请另存为 .docx 或 PDF 后提交",
                         source=name)


# --- PDF ----------------------------------------------------------------------------------------


def pdf_to_text(data: bytes, *, name: str | None = None) -> str:
    import logging

    try:
        import pypdf
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - pypdf is a declared dependency
        raise EvidenceError("unsupported", "未安装 pypdf，无法读取 PDF", source=name) from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises various types for unsupported crypto
                ok = 0
            if not ok:
                raise EvidenceError("encrypted", "PDF 已加密（需要密码），请取消密码后重新提交", source=name)
        pages = [page.extract_text() or "" for page in reader.pages]
    except EvidenceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise EvidenceError("corrupt", "PDF 文件已损坏，无法读取", source=name) from None
    text = "\n".join(pdf_join_lines(page) for page in pages)
    if len(re.sub(r"\s", "", text)) < 10:
        raise EvidenceError("no_text_layer", "PDF 没有文字层（可能是扫描件或图片），请先做文字识别（OCR）再提交",
                            source=name)
    return text


_SENTENCE_END = tuple("。！？；：!?;:”」』）)")
_PROSE = re.compile(r"[，、；。]")  # a line of running text; a table row (cells, no clause marks) keeps its break
_CJK = re.compile(r"[\u3400-\u9fff\uff08-\uff5e，、。；：“”（）%]")


def pdf_join_lines(page: str) -> str:
    """A PDF's text layer breaks a paragraph at every line end ("深化东西部协\n作"): join a line that fills the
    page's width, reads as running text and does not end a sentence with the next one. Short lines
    (headings, a paragraph's last line) and table rows keep their break, so paragraphs stay paragraphs."""
    lines = page.split("\n")
    widths = sorted(len(re.sub(r"\s", "", line)) for line in lines if line.strip())
    if len(widths) < 3:
        return page
    full = widths[int(len(widths) * 0.75)] * 0.8  # a wrapped line is about as long as most full lines
    out: list[str] = []
    last = ""  # the previous line as the PDF gave it
    for line in lines:
        if out and line.strip() and len(re.sub(r"\s", "", last)) >= full and _PROSE.search(last) \
                and not last.rstrip().endswith(_SENTENCE_END):
            a, b = out[-1].rstrip(), line.lstrip()
            glue = "" if _CJK.match(a[-1:]) or _CJK.match(b[:1]) else " "
            out[-1] = a + glue + b
        else:
            out.append(line)
        last = line
    return "\n".join(out)


# --- entry point --------------------------------------------------------------------------------


def load(source: str | os.PathLike[str] | bytes, *, max_bytes: int, name: str | None = None
         ) -> tuple[str, str, str | None, str | None]:
    """(text, format, encoding, name) of a file path or bytes."""
    data, path_name = read_source(source, max_bytes=max_bytes)
    name = name or path_name
    if not data:
        raise EvidenceError("empty", "文件为空（0 字节）", source=name)
    kind = sniff_format(data, name)
    if kind == "pdf":
        return pdf_to_text(data, name=name), "pdf", None, name
    if kind == "zip":
        return docx_to_text(data, name=name, max_bytes=max_bytes), "docx", None, name
    if kind == "ole":
        raise ole_error(data, name)
    if kind == "html":
        m = _META_CHARSET.search(data[:4096])
        html, enc = decode_text(data, name=name, declared=m.group(1).decode("ascii") if m else None)
        text = html_to_text(html)
        if not text.strip():
            raise EvidenceError("empty", "网页没有正文文字", source=name)
        return text, "html", enc, name
    text, enc = decode_text(data, name=name)
    return text.replace("\r\n", "\n").replace("\r", "\n"), "text", enc, name
