"""Fixtures for the import/export tests: the 南沙区–紫云自治县 county pairing and file writers."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.factories import PairingFactory, ProgrammeFactory

HEAD = ["东部地区", "西部地区"]
PAIR = ["广州市南沙区", "紫云自治县"]


@pytest.fixture
def pairing(db):
    programme = ProgrammeFactory(name="东西部协作（2021—2025年）")
    return PairingFactory(programme=programme)


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def csv_file(tmp_path):
    def make(rows: list[list[object]], name: str = "data.csv", encoding: str = "utf-8-sig") -> Path:
        return write_csv(tmp_path / name, rows, encoding)

    return make


@pytest.fixture
def xlsx_file(tmp_path):
    def make(rows: list[list[object]], name: str = "data.xlsx") -> Path:
        return write_xlsx(tmp_path / name, rows)

    return make
