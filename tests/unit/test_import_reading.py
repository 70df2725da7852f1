"""Reading uploaded files: encodings, delimiters, spreadsheets, row numbers, unreadable files."""

from __future__ import annotations

import io
import zipfile

import pytest

from crm_app.services.importing import UnreadableFile, read_table
from crm_app.services.importing.reading import NO_HEADER, NOT_A_TABLE

from .test_import_support import DATA, sample


def test_utf8_with_bom_keeps_the_first_header_clean() -> None:
    table = sample("hubspot_contacts.csv")
    assert table.notes == {"encoding": "utf-8-sig", "delimiter": ","}
    assert table.headers[0] == "Record ID"
    assert table.rows[0][3] == "Anna.Lee@Northwind.example"
    assert table.numbers == [2, 3, 4]


def test_utf16_with_bom_is_decoded() -> None:
    table = sample("google_contacts.csv")
    assert table.notes["encoding"] == "utf-16"
    assert table.headers[:4] == ["Name", "Given Name", "Additional Name", "Family Name"]
    assert table.as_dicts()[1]["E-mail 1 - Value"] == "pekka@sauna.example ::: pekka.v@mail.example"


def test_cp1252_with_semicolons_as_european_excel_saves_it() -> None:
    table = sample("outlook_contacts.csv")
    assert table.notes == {"encoding": "cp1252", "delimiter": ";"}
    first = table.as_dicts()[0]
    assert (first["First Name"], first["Last Name"]) == ("Jürgen", "Müller")
    assert table.as_dicts()[1]["Company"] == "Õun & Poeg"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    lines = [
        ["Name", "Email", "City"],
        ["Ann Lee", "ann@x.example", "Tartu"],
        ["Bo", "bo@x.example", ""],
    ]
    text = "\n".join(delimiter.join(cells) for cells in lines) + "\n"
    table = read_table(text.encode(), "people.csv")
    assert table.notes["delimiter"] == delimiter
    assert table.headers == ["Name", "Email", "City"]
    assert table.rows == [["Ann Lee", "ann@x.example", "Tartu"], ["Bo", "bo@x.example", ""]]


def test_quoted_cells_keep_their_commas_and_line_breaks() -> None:
    text = 'Name,Street,City\n"Lee, Ann","Main St 1\nFlat 2",Tartu\nBo,,Tallinn\n'
    table = read_table(text.encode(), "people.csv")
    assert table.rows[0] == ["Lee, Ann", "Main St 1\nFlat 2", "Tartu"]
    assert table.numbers == [2, 3]  # the line break inside a cell does not make a row


def test_blank_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers() -> None:
    text = "Name,Email\n\nAnn,ann@x.example\n , \nBo,bo@x.example\n"
    table = read_table(text.encode(), "people.csv")
    assert table.numbers == [3, 5]
    assert [r[0] for r in table.rows] == ["Ann", "Bo"]


def test_short_rows_are_padded_and_repeated_or_blank_headers_named() -> None:
    table = read_table(b"Email,Email,,City\nann@x.example\n", "x.csv")
    assert table.headers == ["Email", "Email (2)", "Column 3", "City"]
    assert table.rows == [["ann@x.example", "", "", ""]]


def test_xlsx_first_sheet_with_date_cells_as_iso_text_and_numbers_without_dot_zero() -> None:
    table = sample("spreadsheet.xlsx")
    assert table.headers[:4] == ["Name", "Email Address", "Company", "Tel"]
    assert table.numbers == [2, 4, 5]  # row 3 of the sheet is blank
    maarja, karl, _ = table.as_dicts()
    assert maarja["Tel"] == "37253456789"
    assert maarja["Last contacted"] == "2024-05-17"
    assert karl["Last contacted"] == "2024-06-01 13:45:00"


def test_an_xlsx_is_recognised_by_its_content_whatever_its_name() -> None:
    table = read_table((DATA / "spreadsheet.xlsx").read_bytes(), "upload")
    assert table.headers[0] == "Name"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", NOT_A_TABLE),
        (b"# Notes\n\nSome text\n", "notes.md", NOT_A_TABLE),
        (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "t.csv", NOT_A_TABLE),
        (b'{"contacts": []}', "export.csv", NOT_A_TABLE),
        (b"", "empty.csv", NO_HEADER),
        (b"\n \n,,\n", "blank.csv", NO_HEADER),
    ],
)
def test_files_that_are_not_tables_are_refused_clearly(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_table(data, name)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_a_damaged_spreadsheet_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(UnreadableFile, match="could not be opened"):
        read_table(buffer.getvalue(), "contacts.xlsx")
    with pytest.raises(UnreadableFile):
        read_table((DATA / "spreadsheet.xlsx").read_bytes()[:300], "cut.xlsx")


def test_a_file_without_a_header_row_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="looks like data: ann@x.example"):
        read_table(b"Ann Lee,ann@x.example\nBo,bo@x.example\n", "people.csv")
