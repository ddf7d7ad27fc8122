"""Exports: typed xlsx cells with units and a frozen header, CSV with a BOM, no formula injection."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from shanhai.accounts.models import Scope
from shanhai.economy.models import Placement
from shanhai.regions.lookup import find_region
from shanhai.transfer.engine import import_file
from shanhai.transfer.exports import Column, export_response
from tests.factories import PairingFactory, PlacementFactory, TrainingFactory

COLUMNS = [Column("name", "名称"), Column("amount", "金额", "money"), Column("rate", "完成率", "percent"),
           Column("day", "日期", "date"), Column("n", "人数", "int"), Column("x", "均值", "decimal")]
ROWS = [
    {"name": "=HYPERLINK(\"http://evil\")", "amount": 3_056_500, "rate": Decimal("0.853"), "day": dt.date(2023, 10, 26),
     "n": 1526, "x": Decimal("3.5")},
    {"name": "+1", "amount": None, "rate": None, "day": None, "n": 0, "x": None},
    {"name": "@SUM(A1)", "amount": 1, "rate": 1, "day": dt.date(2024, 1, 1), "n": 2, "x": 1},
    {"name": "-2+3", "amount": 2, "rate": 0, "day": dt.date(2024, 1, 2), "n": 3, "x": 2},
    {"name": "紫云", "amount": 3, "rate": 0, "day": dt.date(2024, 1, 3), "n": 4, "x": 3},
]


def test_xlsx_typed_cells_units_frozen_header_and_no_formulas():
    response = export_response(rows=ROWS, columns=COLUMNS, filename="测试", fmt="xlsx", sheet_title="数据")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%B5%8B%E8%AF%95.xlsx"
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["名称", "金额（元）", "完成率（%）", "日期", "人数", "均值"]
    row = [c for c in ws[2]]
    assert row[0].data_type == "s" and row[0].value == "'=HYPERLINK(\"http://evil\")"
    assert (row[1].value, row[1].data_type, row[1].number_format) == (3_056_500, "n", "#,##0")
    assert (row[2].value, row[2].number_format) == (0.853, "0.0%")
    assert row[3].is_date and row[3].value.date() == dt.date(2023, 10, 26)
    assert [ws.cell(r, 1).value for r in range(3, 7)] == ["'+1", "'@SUM(A1)", "'-2+3", "紫云"]
    assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r)


def test_csv_has_bom_units_and_neutralised_cells():
    response = export_response(rows=ROWS, columns=COLUMNS, filename="测试", fmt="csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "金额（元）", "完成率（%）", "日期", "人数", "均值"]
    assert rows[1] == ["'=HYPERLINK(\"http://evil\")", "3056500", "85.3", "2023-10-26", "1526", "3.5"]
    assert rows[2][:2] == ["'+1", ""]
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows[1:])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_admin_list_exports_only_what_the_user_sees(client, pairing, fmt):
    other = PairingFactory(programme=pairing.programme, east_region=find_region("大连市中山区"),
                           west_region=find_region("水城区"))
    PlacementFactory(pairing=pairing, employer="本县")
    PlacementFactory(pairing=other, employer="外县")
    user = User.objects.create_user("officer", password="pw", is_staff=True)
    user.groups.add(__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.get(name="查看员"))
    Scope.objects.create(user=user, pairing=pairing)
    client.force_login(user)
    response = client.post("/admin/economy/placement/", {
        "action": f"export_{fmt}", "select_across": "1", "index": "0",
        "_selected_action": list(Placement.objects.values_list("pk", flat=True)),
    })
    assert response.status_code == 200
    body = response.content
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(body)).active
        values = [[c.value for c in r] for r in ws.iter_rows()]
        text = str(values)
    else:
        text = body.decode("utf-8-sig")
    assert "本县" in text and "外县" not in text
    assert "就业去向" in text and "到东部就业" in text


def test_export_in_template_columns_imports_back(client, pairing, django_user_model):
    TrainingFactory(pairing=pairing, title="班一", participants=40)
    TrainingFactory(pairing=pairing, title="班二", participants=30, start_date=dt.date(2023, 6, 1), end_date=None)
    admin = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    response = client.get("/data/export/training.xlsx")
    assert response.status_code == 200
    path = __import__("pathlib").Path(__import__("tempfile").mkdtemp()) / "export.xlsx"
    path.write_bytes(response.content)
    result = import_file(path)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("培训人次") + 1, value=45)
    wb.save(path)
    result = import_file(path)
    assert (result.updated, result.unchanged) == (1, 1)


def test_export_filters_by_region_side_and_year(client, pairing, django_user_model):
    PlacementFactory(pairing=pairing, year=2023)
    PlacementFactory(pairing=pairing, year=2022)
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    rows = lambda q: list(csv.reader(io.StringIO(client.get(f"/data/export/placement.csv?{q}").content.decode("utf-8-sig"))))  # noqa: E731
    assert len(rows("year=2023")) == 2
    assert len(rows("region=520425&side=west")) == 3
    assert len(rows("region=520425&side=east")) == 1
    assert client.get("/data/export/placement.csv?region=999999").status_code == 400
