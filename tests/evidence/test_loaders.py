import io
import zipfile
from pathlib import Path

import pytest
from conftest import make_docx, make_pdf

from shanhai.evidence import EvidenceError, Options, read_document
from shanhai.evidence.loaders import decode_text

TEXT = "发布时间：2023-10-26\n今年南沙区选派5名挂职干部到紫云县开展帮扶工作，投入帮扶资金1000万元。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings(encoding: str) -> None:
    doc = read_document(TEXT.encode(encoding))
    assert doc.text.endswith("投入帮扶资金1000万元。")
    assert doc.published.isoformat() == "2023-10-26"


def test_big5() -> None:
    trad = "今年龍崗區選派黨政掛職幹部8名到田林縣開展幫扶工作，實施協作項目312個。"
    text, enc = decode_text(trad.encode("big5"))
    assert (text, enc) == (trad, "big5")


def test_windows_line_endings() -> None:
    doc = read_document(TEXT.replace("\n", "\r\n").encode("gbk"))
    assert "\r" not in doc.text


def test_html_with_declared_charset(tmp: Path) -> None:
    html = ('<html><head><meta charset="gb2312"><script>var x="选派99名";</script></head><body>'
            '<nav>首页 | 新闻</nav><div class="content"><p>今年南沙区选派5名挂职干部。</p><p>投入资金1000万元。</p></div>'
            '<footer>版权所有</footer></body></html>')
    p = tmp / "page.html"
    p.write_bytes(html.encode("gb2312"))
    doc = read_document(p)
    assert doc.format == "html"
    assert doc.text == "今年南沙区选派5名挂职干部。\n投入资金1000万元。"


def test_docx(tmp: Path) -> None:
    p = tmp / "r.docx"
    p.write_bytes(make_docx(["工作总结", "今年选派5名挂职干部。"]))
    doc = read_document(p)
    assert (doc.format, doc.text) == ("docx", "工作总结\n今年选派5名挂职干部。")


def test_pdf_text_layer() -> None:
    doc = read_document(make_pdf(["今年南沙区选派5名挂职干部到紫云县。", "投入帮扶资金1000万元。"]))
    assert doc.format == "pdf"
    assert "选派5名挂职干部" in doc.text


def refused(data_or_path, **kw) -> EvidenceError:
    with pytest.raises(EvidenceError) as e:
        read_document(data_or_path, **kw)
    assert any("\u4e00" <= c <= "\u9fff" for c in str(e.value))  # a Chinese message
    return e.value


def test_empty(tmp: Path) -> None:
    (tmp / "e.txt").write_bytes(b"")
    assert refused(tmp / "e.txt").code == "empty"
    assert refused(b"   \n\n ").code == "empty"


def test_binary_garbage() -> None:
    import random

    rnd = random.Random(7)
    assert refused(bytes(rnd.randrange(256) for _ in range(4000))).code == "binary"


def test_too_large_refused_before_reading(tmp: Path) -> None:
    p = tmp / "big.txt"
    with p.open("wb") as fh:  # a sparse 60 MB file: refusing it must not read it
        fh.seek(60 * 1024 * 1024)
        fh.write(b"x")
    e = refused(p)
    assert e.code == "too_large" and "50 MB" in str(e)
    assert refused(b"a" * 2048, options=Options(max_bytes=1024)).code == "too_large"


def test_pdf_without_text_layer() -> None:
    assert refused(make_pdf(None)).code == "no_text_layer"


def test_encrypted_docx() -> None:
    # what Word writes for a password-protected .docx: an OLE compound file with an EncryptedPackage stream
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 300
    assert refused(ole).code == "encrypted"


def test_legacy_doc_unsupported(tmp: Path) -> None:
    p = tmp / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert refused(p).code == "unsupported"


def test_unsupported_formats(tmp: Path) -> None:
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100).code == "unsupported"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    e = refused(buf.getvalue())
    assert e.code == "unsupported" and "xlsx" in str(e)


def test_corrupt_and_missing(tmp: Path) -> None:
    p = tmp / "fake.docx"
    p.write_text("这不是 docx", encoding="utf-8")
    assert refused(p).code == "corrupt"
    assert refused(b"PK\x03\x04garbage").code == "corrupt"
    assert refused(tmp / "nope.txt").code == "not_found"


def test_pdf_wrapped_lines_are_joined_but_headings_and_table_rows_keep_their_break() -> None:
    from shanhai.evidence.loaders import pdf_join_lines

    page = "\n".join([
        "一、资金与项目",
        "2023年，南沙区与紫云县深化东西部协作，投入财政帮扶资金",
        "3000万元，完成年度目标的107.5%；实施帮扶项目46个，带动脱",
        "贫人口增收。",
        "二、干部人才",
        "指标 数值 完成率 审定 来源 东部选派挂职干部 12 名 已审定",
        "东部选派专业技术人才 96 名 已审定 填报：2023年工作报告",
    ])
    assert pdf_join_lines(page).split("\n") == [
        "一、资金与项目",
        "2023年，南沙区与紫云县深化东西部协作，投入财政帮扶资金3000万元，完成年度目标的107.5%；实施帮扶项目46个，"
        "带动脱贫人口增收。",
        "二、干部人才",
        "指标 数值 完成率 审定 来源 东部选派挂职干部 12 名 已审定",
        "东部选派专业技术人才 96 名 已审定 填报：2023年工作报告",
    ]
