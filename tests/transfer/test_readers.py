"""Files as they come from offices, and files that must be refused without exhausting memory."""

import io
import zipfile

import pytest

from shanhai.economy.models import Placement
from shanhai.transfer.engine import import_file
from shanhai.transfer.readers import Limits, ReaderError, open_book
from tests.transfer.conftest import HEAD, PAIR, write_xlsx

PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]


def rows_of(path):
    with open_book(path) as book:
        return [(s.name, list(s.rows)) for s in book.sheets]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(pairing, csv_file, encoding):
    f = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "5", "是", "广州𠀾电子厂" if encoding in ("gb18030", "utf-8", "utf-8-sig", "utf-16") else "广州电子厂"]],
                 encoding=encoding)
    result = import_file(f)
    assert result.ok, result.errors
    assert Placement.objects.get().employer.startswith("广州")


def test_title_rows_total_rows_blank_rows_and_footer(pairing, csv_file):
    f = csv_file([
        ["2023年南沙区对口帮扶紫云县劳务协作情况表"],
        ["填报单位：南沙区协作办", "", "", "", "单位：人"],
        PLACEMENT_HEAD,
        PAIR + ["2023", "6", "到东部就业", "5", "是", "甲厂"],
        [""] * 8,
        PAIR + ["2023", "7", "就地就近就业", "3", "否", "乙厂"],
        ["合计", "", "", "", "", "8", "", ""],
        ["填表人：张三", "", "联系电话：020-12345678"],
    ])
    result = import_file(f)
    assert result.ok, result.errors
    assert result.created == 2 and result.skipped == 3
    assert sorted(Placement.objects.values_list("count", flat=True)) == [3, 5]
    assert any("合计行" in n for n in result.notes)


def test_merged_two_row_header_and_merged_data_cells(pairing, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["劳务协作情况表"])
    ws.merge_cells("A1:H1")
    ws.append(["结对关系", None, "年度", "月份", "就业去向", "人数", "新增就业", "就业单位"])
    ws.append(["东部地区", "西部地区", None, None, None, None, None, None])
    ws.merge_cells("A2:B2")
    for col in "CDEFGH":
        ws.merge_cells(f"{col}2:{col}3")  # single headers merged down over the two header rows
    ws.append(["广州市南沙区", "紫云自治县", 2023, 6, "到东部就业", 5, "是", "甲厂"])
    ws.append([None, None, 2023, 7, "到东部就业", 4, "否", "乙厂"])
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")  # the pairing written once for both rows
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    result = import_file(path)
    assert result.ok, result.errors
    assert Placement.objects.count() == 2


def _with_cached_values(path, cached: dict[str, str]):
    """Rewrite the sheet XML so formula cells carry cached values, as Excel saves them."""
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in cached.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start)
                    # openpyxl writes the empty value as <v /> (ElementTree) or <v></v> (with lxml installed)
                    head = text[:end].replace("<v />", "").replace("<v/>", "").replace("<v></v>", "")
                    text = head + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            dst.writestr(item, data)
    path.write_bytes(out.getvalue())
    return path


def test_formula_cells_read_their_cached_values(pairing, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [PLACEMENT_HEAD, PAIR + [2023, 6, "到东部就业", "=2+3", "是", "甲厂"]])
    _with_cached_values(path, {"F2": "5"})
    result = import_file(path)
    assert result.ok, result.errors
    assert Placement.objects.get().count == 5


def test_formula_without_cached_value_is_refused(pairing, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [PLACEMENT_HEAD, PAIR + [2023, 6, "到东部就业", "=2+3", "是", "甲厂"]])
    result = import_file(path)
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column) == (2, "人数")
    assert "没有计算结果" in error.reason
    assert Placement.objects.count() == 0


def test_excel_dates_and_error_values(pairing, tmp_path):
    import datetime as dt

    from shanhai.activities.models import Training

    head = HEAD + ["培训类别", "培训名称", "开始日期", "结束日期", "培训人次"]
    path = write_xlsx(tmp_path / "t.xlsx", [
        head,
        PAIR + ["专业技术人才培训", "班一", dt.datetime(2023, 5, 8), "2023年5月12日", 40],
        PAIR + ["专业技术人才培训", "班二", 45225, "2023.10.27", "#DIV/0!"],
    ])
    result = import_file(path)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "培训人次", "#DIV/0!")]
    assert "错误值" in result.errors[0].reason
    assert Training.objects.count() == 0


def test_old_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReaderError, match="另存为"):
        open_book(path)


def test_malformed_xlsx_is_refused(tmp_path, db):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    result = import_file(path)
    assert result.file_errors and "不是有效的 .xlsx" in result.file_errors[0]
    path.write_bytes(b"not a workbook at all, but named .xlsx")
    result = import_file(path)
    assert "不是有效的 Excel 工作簿" in result.file_errors[0]
    # A real zip that is not a workbook.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    path.write_bytes(buffer.getvalue())
    assert "不是 Excel 工作簿" in import_file(path).file_errors[0]


def test_zip_bomb_is_refused_before_inflating(tmp_path, db):
    import tracemalloc

    path = write_xlsx(tmp_path / "bomb.xlsx", [PLACEMENT_HEAD])
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        # 400 MB of zeros compress to ~400 KB: ratio ≈ 1000.
        with dst.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(400):
                member.write(chunk)
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    result = import_file(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.file_errors and "压缩炸弹" in result.file_errors[0]
    assert peak < 50 * 1024 * 1024


def test_limits_are_refused_clearly(pairing, csv_file, tmp_path):
    rows = [PLACEMENT_HEAD] + [PAIR + ["2023", "6", "到东部就业", "1", "是", f"厂{i}"] for i in range(30)]
    f = csv_file(rows)
    result = import_file(f, limits=Limits(max_rows=10))
    assert "10行的上限" in result.file_errors[0]
    result = import_file(f, limits=Limits(max_file_bytes=500))
    assert "超过上限" in result.file_errors[0] and "MB" in result.file_errors[0]
    long = csv_file([PLACEMENT_HEAD, PAIR + ["2023", "6", "到东部就业", "1", "是", "厂" * 300]], name="long.csv")
    result = import_file(long, limits=Limits(max_cell_chars=100))
    assert "100个字符的上限" in result.file_errors[0]
    # The model's own length: 就业单位 holds 128 characters.
    result = import_file(long)
    assert result.errors[0].column == "就业单位" and "超过上限128" in result.errors[0].reason
    assert Placement.objects.count() == 0


def test_binary_garbage_is_not_read_as_csv(tmp_path, db):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(256)) * 10)
    assert "不是 CSV 文本" in import_file(path).file_errors[0]


def _varied_workbooks(tmp_path):
    """Workbooks as openpyxl and XlsxWriter write them: every kind of cell value, gaps, merges, formulas."""
    import datetime as dt

    import xlsxwriter
    from openpyxl import Workbook

    values = ["文字", "a & b < c > \"d\" 'e'", " 前后空格 ", 0, -3, 1526, 3.89, 1e-7, 12345678901234, True, False,
              dt.date(2023, 10, 26), dt.datetime(2024, 2, 29, 13, 45), dt.time(8, 30), "=1+1", "2023-10-26",
              "_x000D_换行\n第二行", "", None, "#N/A"]
    first = tmp_path / "openpyxl.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["表头一", "表头二", "表头三"])
    for i, v in enumerate(values):
        ws.append([v, f"行{i}", None if i % 3 else i])
    ws.append([])
    ws.cell(row=30, column=5, value="远处")
    ws.merge_cells("A25:C26")
    ws["A25"] = "合并"
    wb.create_sheet("空表")
    wb.save(first)
    second = tmp_path / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(str(second))
    sheet = book.add_worksheet("数据")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["名称", "数值", "日期", "公式", "布尔"])
    for r in range(1, 60):
        sheet.write_string(r, 0, f"名称{r}&<{r}>")
        sheet.write_number(r, 1, r * 1.5 if r % 2 else r)
        sheet.write_datetime(r, 2, dt.datetime(2020, 1, 1) + dt.timedelta(days=r * 17), dates)
        sheet.write_formula(r, 3, f"=B{r + 1}*2", None, r * 3)
        sheet.write_boolean(r, 4, bool(r % 2))
    sheet.write_formula(61, 3, '="文"&"字"', None, "文字")
    sheet.write_blank(62, 1, None, dates)
    sheet.merge_range("A64:B64", "合并单元格")
    book.close()
    return [first, second]


@pytest.mark.parametrize("chunk", [4 * 1024 * 1024, 97])
def test_fast_sheet_reader_matches_openpyxl(tmp_path, monkeypatch, chunk):
    """The regular-XML reader gives exactly openpyxl's `iter_rows(values_only=True)`, cell for cell
    (also when the XML arrives in small pieces)."""
    from openpyxl import load_workbook

    from shanhai.transfer import readers
    from shanhai.transfer.readers import _plain_sheet_values, _sheet_xml_is_plain

    monkeypatch.setattr(readers, "_READ_CHUNK", chunk)

    for path in _varied_workbooks(tmp_path):
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                assert _sheet_xml_is_plain(ws)
                assert list(_plain_sheet_values(ws)) == list(ws.iter_rows(values_only=True)), (path.name, ws.title)
        finally:
            wb.close()


def test_shared_strings_read_as_openpyxl_reads_them(tmp_path):
    """Plain, rich-text, phonetic, escaped and blank shared strings: the same list as openpyxl's reader."""
    import io
    import zipfile

    import xlsxwriter
    from openpyxl.reader.strings import read_string_table

    from shanhai.transfer.readers import read_shared_strings

    path = tmp_path / "strings.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    texts = ["紫云自治县", " 前后空格 ", "a & b <c> \"d\"", "第一行\r\n第二行\r第三行", "_x000D_", "x005F_x000D_", "12", "\t"]
    for r, text in enumerate(texts):
        sheet.write_string(r, 0, text)
    sheet.write_rich_string(len(texts), 0, "普通", bold, "加粗", "结尾")
    sheet.write_rich_string(len(texts) + 1, 0, bold, "只有加粗", " 和空格")
    book.close()
    with zipfile.ZipFile(path) as archive:
        data = archive.read("xl/sharedStrings.xml")
    phonetic = data.replace(b"<si><t>12</t></si>", b"<si><t>12</t><rPh sb=\"0\" eb=\"1\"><t>yi</t></rPh></si><si/>")
    assert phonetic != data
    for xml in (data, phonetic):
        assert read_shared_strings(io.BytesIO(xml)) == read_string_table(io.BytesIO(xml))
