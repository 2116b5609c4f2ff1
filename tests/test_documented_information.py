"""The register of documented information and competence records: required items, flags at the
boundaries, locations that must resolve, the ledger, the CLI and the portfolio section."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from workbench.pipeline.archive import ledger_entries
from workbench.cli import main
from workbench.content import load_content
from workbench.records.documented_information import (
    NAMED, add_competence, add_document, documents, flags, import_documents, required_items, status)
from workbench.exceptions import InputError
from workbench.pipeline.portfolio import build_index

TODAY = date(2026, 11, 27)


def test_required_items_cover_every_clause_that_requires_documented_information():
    content = load_content()
    items = required_items(content)
    di_clauses = {c.id for c in content.clauses if c.documented_information}
    assert {i.clause for i in items} == di_clauses and len(di_clauses) == 18
    keys = [i.key for i in items]
    assert len(keys) == len(set(keys)) == 18
    assert {k for k, _, _ in NAMED} <= set(keys) and "clause-4-4" in keys and "clause-8-1" in keys
    assert keys[0] == "aims-scope" and keys[-1] == "nonconformities"


@pytest.fixture
def policy_file(workspace):
    folder = workspace.root / "documents"
    folder.mkdir()
    path = folder / "ai-policy.md"
    path.write_text("# AI policy\n")
    return path


def entry(next_review: date, location: str = "documents/ai-policy.md", **extra) -> dict:
    return {"id": "ai-policy", "title": "AI policy", "requirement": "ai-policy", "owner": "david", "version": "1",
            "location": location, "last_review": (next_review - timedelta(days=365)).isoformat(),
            "next_review": next_review.isoformat(), **extra}


def kinds(workspace, key: str, today: date = TODAY) -> list[str]:
    return [f.kind for f in flags(workspace, today) if f.key == key]


def test_an_empty_register_flags_every_required_item_missing(workspace):
    found = flags(workspace, TODAY)
    assert [f.kind for f in found] == ["missing"] * 18
    assert found[0].clause == "4.3" and "required by clause 4.3" in found[0].message


@pytest.mark.parametrize("days, overdue", [(-1, True), (0, False), (1, False)])
def test_overdue_only_after_the_next_review_date(workspace, policy_file, days, overdue):
    add_document(workspace, entry(TODAY + timedelta(days=days)), recorded_by="priya")
    assert kinds(workspace, "ai-policy") == (["overdue"] if overdue else [])
    assert "ai-policy" not in [f.key for f in flags(workspace, TODAY) if f.kind == "missing"]


def test_a_new_version_supersedes_and_keeps_the_history(workspace, policy_file):
    add_document(workspace, entry(TODAY - timedelta(days=10)), recorded_by="priya")
    assert kinds(workspace, "ai-policy") == ["overdue"]
    row = add_document(workspace, entry(TODAY + timedelta(days=365), version="2"), recorded_by="david")
    assert row["seq"] == 2 and kinds(workspace, "ai-policy") == []
    assert [(d["doc_id"], d["version"]) for d in documents(workspace)] == [("ai-policy", "2")]
    assert len(workspace.register.rows("documented_information")) == 2
    ledger = [e for e in ledger_entries(workspace.evidence_dir) if e["kind"] == "documented-information"]
    assert [e["doc_seq"] for e in ledger] == [1, 2] and ledger[1]["version"] == "2" and ledger[1]["recorded_by"] == "david"


def test_a_changed_or_removed_file_is_flagged(workspace, policy_file):
    add_document(workspace, entry(TODAY + timedelta(days=30)), recorded_by="priya")
    policy_file.write_text("# AI policy, edited without a new version\n")
    assert kinds(workspace, "ai-policy") == ["changed"]
    policy_file.unlink()
    assert kinds(workspace, "ai-policy") == ["unresolved"]


def test_locations_must_resolve(workspace, policy_file, tmp_path):
    with pytest.raises(InputError, match="location: is neither an archived evidence id nor a file"):
        add_document(workspace, entry(TODAY, location="ra-20990101T000000Z-000000"), recorded_by="priya")
    with pytest.raises(InputError, match="no such file in the workspace"):
        add_document(workspace, entry(TODAY, location="documents/nope.md"), recorded_by="priya")
    (tmp_path / "outside.md").write_text("x")
    with pytest.raises(InputError, match="must stay inside the workspace"):
        add_document(workspace, entry(TODAY, location="../outside.md"), recorded_by="priya")
    assert workspace.register.rows("documented_information") == []


@pytest.mark.parametrize("change, message", [
    ({"owner": "mallory"}, "owner: unknown person"),
    ({"requirement": "ai-polcy"}, "requirement: unknown required item; allowed: aims-scope"),
    ({"id": "AI Policy"}, "id: must be a safe slug"),
    ({"last_review": "2027-01-01"}, "must come after last_review"),
    ({"next_review": "soon"}, "next_review: must be a date written YYYY-MM-DD"),
    ({"last_review": "9999-01-01", "next_review": "9999-12-31"}, "last_review: is in the future"),
    ({"next_review": "9999-12-31"}, r"next_review: must be at most 5 years after 2025-11-27, or its reminder stays "
                                    r"silent: 2030-11-27 or earlier \(got '9999-12-31'\)"),
])
def test_bad_entries_name_the_field(workspace, policy_file, change, message):
    with pytest.raises(InputError, match=message):
        add_document(workspace, {**entry(TODAY), **change}, recorded_by="priya")


def test_import_checks_every_entry_before_adding_any(workspace, policy_file, tmp_path):
    good = entry(TODAY + timedelta(days=30))
    bad = {**entry(TODAY), "id": "scope", "requirement": "aims-scope", "location": "documents/missing.md"}
    path = tmp_path / "docs.yaml"
    path.write_text(yaml.safe_dump({"documents": [good, bad]}))
    with pytest.raises(InputError, match=r"documents\[1\]\.location: no such file"):
        import_documents(workspace, path, recorded_by="priya")
    assert documents(workspace) == []
    path.write_text(yaml.safe_dump({"documents": [good]}))
    assert [r["doc_id"] for r in import_documents(workspace, path, recorded_by="priya")] == ["ai-policy"]


@pytest.mark.parametrize("days, expired", [(-1, True), (0, False)])
def test_competence_records_expire_and_cover_the_requirement(workspace, policy_file, days, expired):
    assert "competence-records" in [f.key for f in flags(workspace, TODAY)]
    row = add_competence(workspace, {"person": "sofia", "role": "auditor", "competence": "ISO 19011 auditing",
                                     "evidence": "documents/ai-policy.md",
                                     "expires": (TODAY + timedelta(days=days)).isoformat()}, recorded_by="priya")
    assert row["id"] == "comp-0001" and row["evidence_sha256"]
    assert "competence-records" not in [f.key for f in flags(workspace, TODAY)]
    assert kinds(workspace, "comp-0001") == (["expired"] if expired else [])
    with pytest.raises(InputError, match="person: unknown person"):
        add_competence(workspace, {"person": "nobody", "role": "auditor", "competence": "x",
                                   "evidence": "documents/ai-policy.md"}, recorded_by="priya")


def test_status_lists_required_items_then_entries(workspace, policy_file):
    add_document(workspace, entry(TODAY - timedelta(days=1)), recorded_by="priya")
    rows = status(workspace, TODAY)
    policy = next(r for r in rows if r["key"] == "ai-policy" and r["required"])
    assert policy["entries"] == ["ai-policy"] and policy["flags"][0].startswith("overdue: review was due")
    assert rows[-1]["required"] is False and rows[-1]["key"] == "ai-policy"


def test_portfolio_index_shows_the_flags(workspace, policy_file):
    add_document(workspace, entry(date.today() - timedelta(days=3), title="<script>alert(1)</script>"),
                 recorded_by="priya")
    html = (workspace.evidence_dir / "index.html").read_text() if build_index(workspace) else ""
    assert 'id="documents"' in html and "s-overdue" in html and "s-missing" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the reviewer reads every flagged item on the page itself, by title, not a command to run
    section = BeautifulSoup(html, "html.parser").find("section", attrs={"aria-labelledby": "documents"})
    assert "workbench docs" not in section.get_text()
    rows = [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")] for tr in section.tbody.find_all("tr")]
    assert len(rows) == len(flags(workspace)) == 18  # 17 required items missing, the policy overdue
    assert ["missing", "AI objectives and plans to reach them ai-objectives", "6.2",
            "required by clause 6.2 and not in the register"] in rows
    assert ["overdue", "<script>alert(1)</script> ai-policy", "5.2", "review was due "
            f"{(date.today() - timedelta(days=3)).isoformat()} (3 days ago)"] in rows


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_flags_exit_non_zero_for_cron(workspace, policy_file):
    ws = str(workspace.root)
    result = cli("docs", "list", "--flagged", "-w", ws)
    assert result.exit_code == 1 and "18 flag(s)" in result.output
    added = cli("docs", "add", "-w", ws, "--id", "ai-policy", "--title", "AI policy", "--requirement", "ai-policy",
                "--owner", "david", "--version", "3", "--location", "documents/ai-policy.md",
                "--last-review", "2026-01-01", "--next-review", "2026-02-01", "--by", "priya")
    assert added.exit_code == 0 and "recorded ai-policy version 3 (entry 1)" in added.output
    flagged = cli("docs", "list", "--flagged", "-w", ws)
    assert "overdue     5.2     ai-policy" in flagged.output and "missing     5.2" not in flagged.output
    assert flagged.exit_code == 1 and "18 flag(s)" in flagged.output
    bad = cli("docs", "add", "-w", ws, "--id", "x", "--title", "X", "--owner", "nobody", "--version", "1",
              "--location", "documents/ai-policy.md", "--last-review", "2026-01-01", "--next-review", "2027-01-01")
    assert bad.exit_code == 2 and "owner: unknown person" in bad.output
    assert "aims-scope" in cli("docs", "required", "-w", ws).output


def test_cli_flagged_exits_zero_when_nothing_is_flagged(workspace, policy_file):
    for item in required_items(workspace.content):
        if item.key != "competence-records":
            add_document(workspace, {**entry(date.today() + timedelta(days=30)), "id": item.key,
                                     "requirement": item.key}, recorded_by="priya")
    added = cli("competence", "add", "-w", str(workspace.root), "--person", "tomas", "--role", "assessor",
                "--competence", "risk method", "--evidence", "documents/ai-policy.md", "--by", "priya")
    assert added.exit_code == 0 and "comp-0001: tomas as assessor" in added.output
    result = cli("docs", "list", "--flagged", "-w", str(workspace.root))
    assert result.exit_code == 0 and "0 flag(s)" in result.output
    assert "tomas" in cli("competence", "list", "-w", str(workspace.root)).output
