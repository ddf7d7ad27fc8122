"""CSV files with bytes their encoding cannot decode, and Traditional Big5 files (issue 17), written as
real bytes: the error names the row as Excel shows it (the first line is row 1), the column and the
encoding tried; a Big5 file is read and converted to Simplified, or gets a hint."""

import pytest

from shanhai.economy.models import Placement
from shanhai.transfer.engine import import_file
from shanhai.transfer.readers import BIG5_HINT, detect_encoding

HEAD = "东部地区,西部地区,年度,月份,就业去向,人数,新增就业,就业单位"
ROW = "广州市南沙区,紫云自治县,2023,{month},到东部就业,5,是,广州电子厂{month}"


def rows(months):
    return "".join(ROW.format(month=m) + "\r\n" for m in months)


def test_bad_bytes_in_a_gbk_file_are_reported_at_their_row_and_column(pairing, tmp_path):
    # Row 4 has a cell over two lines, so line and row numbers differ; thousands of rows follow, so
    # the decoder's read-ahead is far past row 5 when it meets the bytes.
    data = (HEAD + "\r\n" + rows([1, 2]) + '广州市南沙区,紫云自治县,2023,3,到东部就业,5,是,"甲厂\r\n二车间"\r\n').encode("gbk")
    data += "广州市南沙区,紫云自治县,2023,4,到东部就业,5,是,乙".encode("gbk") + b"\xff" + "厂\r\n".encode("gbk")
    data += rows([m % 12 + 1 for m in range(3000)]).encode("gbk")
    f = tmp_path / "劳务.csv"
    f.write_bytes(data)
    result = import_file(f)
    assert not result.ok and not result.committed
    [message] = result.file_errors
    print("\n" + message)
    assert message.startswith("第5行第8列含有无法按 GBK/GB18030 编码解码的字节（FF）")
    assert "另存为“CSV UTF-8（逗号分隔）”" in message
    assert Placement.objects.count() == 0


def test_a_gbk_row_in_a_utf8_file_is_reported_as_not_utf8(pairing, tmp_path):
    # The first 256 KB are UTF-8 (so the file is read as UTF-8); row 4,003 was pasted from a GBK file.
    head = HEAD + "\r\n" + rows([m % 12 + 1 for m in range(4000)])
    assert len(head.encode()) > 256 * 1024
    data = head.encode() + "广州市南沙区,紫云自治县,2023,5,到东部就业,5,是,丙厂\r\n".encode()
    data += "广州市南沙区,紫云自治县,2023,6,到东部就业,5,是,丁厂\r\n".encode("gbk")
    f = tmp_path / "mixed.csv"
    f.write_bytes(data)
    [message] = import_file(f).file_errors
    print("\n" + message)
    assert message.startswith("第4003行第1列含有无法按 UTF-8 编码解码的字节")
    assert Placement.objects.count() == 0


def test_a_big5_file_is_read_and_converted_to_simplified(pairing, tmp_path):
    text = ("東部地區,西部地區,年度,月份,就業去向,人數,新增就業,就業單位\r\n"
            "廣州市南沙區,紫雲自治縣,2023,6,到東部就業,5,是,廣州電子廠\r\n"
            "廣州市南沙區,紫雲自治縣,2023,7,就地就近就業,3,否,紫雲縣農業園區\r\n")
    f = tmp_path / "繁體.csv"
    f.write_bytes(text.encode("big5"))
    result = import_file(f)
    assert result.ok and result.committed, (result.file_errors, result.errors)
    assert sorted(Placement.objects.values_list("employer", flat=True)) == ["广州电子厂", "紫云县农业园区"]
    assert any("Big5" in n and "简体" in n for n in result.notes), result.notes


def test_a_big5_file_with_bytes_big5_cannot_decode_gets_the_hint(pairing, tmp_path):
    # Mostly Big5, but one name was typed in a GBK system (人 as C8 CB, which Big5 does not have):
    # read as GB18030 the Big5 header is gibberish, so the file is refused — with the hint.
    data = "東部地區,西部地區,年度,月份,就業去向,人數,新增就業,就業單位\r\n".encode("big5")
    data += "廣州市南沙區,紫雲自治縣,2023,6,到東部就業,5,是,".encode("big5") + "人".encode("gbk") + "廠\r\n".encode("big5")
    f = tmp_path / "繁體.csv"
    f.write_bytes(data)
    assert detect_encoding(data) == "gb18030"
    result = import_file(f)
    assert not result.ok and Placement.objects.count() == 0
    assert any(BIG5_HINT in n for n in result.notes), result.notes


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_simplified_legacy_files_are_never_taken_for_big5(encoding):
    for text in ("单位名称,所在地区\r\n", "名称,地区\r\n", HEAD + "\r\n" + rows([1, 2])):
        assert detect_encoding(text.encode(encoding)) == "gb18030"
