"""``workbench audit`` and ``workbench action``, driven in-process with click's CliRunner."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from test_audit import register_run

from keys import record
from workbench.cli import main
from workbench.records.nonconformity import action_history, open_nonconformity

PLAN = ["--id", "ia-2027-q1", "--title", "Risk process", "--objectives", "Check 6.1", "--clause", "6.1",
        "--system", "credit-scoring", "--criteria", "ISO/IEC 42001 6.1", "--start", "2027-01-10",
        "--end", "2027-01-12", "--auditor", "sofia", "--by", "priya"]


@pytest.fixture(autouse=True)
def _no_ambient_workspace(monkeypatch):
    monkeypatch.delenv("WORKBENCH_WORKSPACE", raising=False)
    monkeypatch.delenv("WORKBENCH_REGISTER_URL", raising=False)


def invoke(workspace, *args):
    return CliRunner().invoke(main, [args[0], args[1], "-w", str(workspace.root), *[str(a) for a in args[2:]]])


def test_plan_list_and_checklist(workspace):
    result = invoke(workspace, "audit", "plan", *PLAN)
    assert result.exit_code == 0, result.output
    assert "planned ia-2027-q1: 4 checklist items" in result.output
    assert "ia-2027-q1" in invoke(workspace, "audit", "list").output
    listed = json.loads(invoke(workspace, "audit", "list", "--json").output)
    assert listed[0]["systems"] == ["credit-scoring"] and listed[0]["auditors"] == ["sofia"]
    lines = invoke(workspace, "audit", "checklist", "ia-2027-q1").output.splitlines()
    assert [line.split()[0] for line in lines] == ["6.1.1", "6.1.2", "6.1.3", "6.1.4"]


def test_plan_refuses_an_auditor_who_owns_a_system(workspace):
    cfg = workspace.root / "workbench.yaml"
    cfg.write_text(cfg.read_text().replace("roles:\n  - system_owner\n", "roles:\n  - system_owner\n  - auditor\n", 1))
    record(workspace.root)
    args = [a if a != "sofia" else "lena" for a in PLAN]
    result = invoke(workspace, "audit", "plan", *args)
    assert result.exit_code == 2
    assert ("auditors[0]: impartiality: an auditor may not audit an AI system they own: "
            "lena owns AI system credit-scoring") in result.output
    assert workspace.register.rows("audits") == []


def test_action_list_flags_overdue_and_update_appends(workspace):
    register_run(workspace, "ra-1", "risk-assessment", "credit-scoring", "amara")
    today = date.today()
    late = open_nonconformity(workspace, "review", "credit-scoring", "late", "ra-1",
                              due_date=today - timedelta(days=1), opened_by="priya", opened_on=today - timedelta(days=31))
    open_nonconformity(workspace, "review", "credit-scoring", "on time", "ra-1", due_date=today,
                       opened_by="priya")
    lines = invoke(workspace, "action", "list").output.splitlines()
    assert [(line.split()[0], "OVERDUE" in line) for line in lines] == [(late, True), ("nc-0002", False)]
    overdue = invoke(workspace, "action", "list", "--overdue").output.splitlines()
    assert [line.split()[0] for line in overdue] == [late]
    result = invoke(workspace, "action", "update", late, "--status", "in progress", "--note", "started",
                    "--due", (today + timedelta(days=10)).isoformat(), "--by", "lena")
    assert result.exit_code == 0, result.output
    assert f"{late} update 2: in progress" in result.output
    assert invoke(workspace, "action", "list", "--overdue").output == ""
    assert list(action_history(workspace, late)["note"]) == ["opened", "started"]
    bad = invoke(workspace, "action", "update", late, "--status", "closed", "--by", "lena")
    assert bad.exit_code == 2 and "unknown status; allowed: open, in progress, done, verified effective" in bad.output
    history = invoke(workspace, "action", "history", late).output.splitlines()
    assert [line.split()[0] for line in history] == ["1", "2"]
