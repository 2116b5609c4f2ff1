"""The process contract, checked the same way over every installed process, and the plug-ins that
break it refused by name while the others keep working.

The example plug-in under ``tests/plugins/`` joins the installed processes here as pip would lay it
out (its package and a ``.dist-info`` with its entry point on ``sys.path``); ``tests/test_plugin.py``
installs it for real into a fresh virtual environment.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat
import papermill
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from keys import PUBLIC
from workbench.cli import main
from workbench.config import configuration_model, default_configuration
from workbench.processes import ENTRY_POINT_GROUP, discover, get_process, processes, refused
from workbench.register import Base, table
from workbench.ui.form import ProcessForm, process_form
from workbench.ui.notebook import start
from workbench.exceptions import InputError
from workbench.workspace import init_workspace

EXAMPLE = Path(__file__).parent / "plugins" / "aims-vendor-questionnaire"
EXAMPLE_NAME = "vendor-questionnaire"
PARAMETERS = ["workspace", "system_id", "answers", "period", "assessor", "effective_date", "run_id"]
BUILT_IN = ["ai-policy", "context", "data-quality", "explainability", "fundamental-rights-impact", "gap-analysis", "impact-assessment", "incident-report", "internal-audit", "management-review", "model-release", "monitoring", "objectives", "risk-assessment", "soa", "supplier-assessment", "system-card"]


def lay_out(site: Path, dist: str, entries: dict[str, str], modules: dict[str, str]) -> None:
    """Lay out a distribution in ``site`` as pip installs it: its modules and a ``.dist-info`` naming
    its ``workbench.processes`` entry points."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n" + "".join(f"{name} = {value}\n" for name, value in entries.items()))
    for path, source in modules.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(textwrap.dedent(source))


def rediscover() -> None:
    discover.cache_clear()
    configuration_model.cache_clear()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Every installed process, the example plug-in among them (laid out here unless pip installed it)."""
    with pytest.MonkeyPatch.context() as patch:
        if EXAMPLE_NAME not in processes():
            site = tmp_path_factory.mktemp("site")
            lay_out(site, "aims-vendor-questionnaire", {EXAMPLE_NAME: "aims_vendor_questionnaire:PROCESS"}, {})
            patch.syspath_prepend(str(site))
            patch.syspath_prepend(str(EXAMPLE))
            rediscover()
        yield processes()
    rediscover()


@pytest.fixture
def subject(installed, workspace):
    """The workspace with two suppliers of credit-scoring: the subjects of a process about items."""
    for item_id, name in (("bureau-data", "Bureau Data Ltd"), ("cloudml", "CloudML")):
        workspace.add_item("credit-scoring", {"id": item_id, "kind": "supplier", "name": name})
    return workspace


NAMES = sorted({*processes(), EXAMPLE_NAME})


def template_cells(process) -> list:
    return nbformat.reads(process.template.read_text(encoding="utf-8"), as_version=4).cells


# the contract, over every installed process


@pytest.mark.parametrize("name", NAMES)
def test_template_is_found_and_its_parameters_are_the_runs(installed, name):
    process = installed[name]
    expected = PARAMETERS + (["item_id"] if process.subject == "item" else [])
    found = papermill.inspect_notebook(str(process.template))
    assert sorted(found) == sorted(expected)
    assert all(p["inferred_type_name"] == "str" and p["default"] == '""' for p in found.values()), found
    cells = template_cells(process)
    assert all(not c.get("outputs") for c in cells if c.cell_type == "code"), "committed with outputs"
    starts = [c.source for c in cells if "start(" in c.source]
    assert len(starts) == 1 and f'start("{name}"' in starts[0]
    assert all(f"{p}={p}" in starts[0] for p in expected), "a parameter the run never receives"
    results = [c.source for c in cells if "workbench-results" in c.metadata.get("tags", [])]
    assert results == ["run.record()"]


@pytest.mark.parametrize("name", NAMES)
def test_every_section_the_template_shows_is_in_its_report(installed, name):
    process = installed[name]
    shown = [m for c in template_cells(process) for m in re.findall(r'run\.show\("([\w]+)"\)', c.source)]
    report = process.load(process.report)
    assert shown, "the template shows no evidence section"
    assert [s for s in shown if not callable(getattr(report, s, None))] == []


@pytest.mark.parametrize("name", NAMES)
def test_tables_are_registered_and_created(installed, workspace, name):
    process = installed[name]
    created = set(inspect(workspace.register.engine).get_table_names())
    for model in process.tables:
        columns = list(model.__table__.columns.keys())
        assert table(model.__tablename__) is model and issubclass(model, Base)
        if "run_id" in columns:  # a table a run adds rows to (not, say, the audit programme)
            assert "system_id" in columns and (process.subject != "item" or "item_id" in columns)
        assert model.__tablename__ in created
        assert list(workspace.frame(model.__tablename__).columns) == columns


@pytest.mark.parametrize("name", NAMES)
def test_form_builds(installed, subject, name):
    process = installed[name]
    item_id = "cloudml" if process.subject == "item" else ""
    form = process_form(subject, name, system_id="credit-scoring", item_id=item_id)
    assert form.process == name and form.widget.children
    assert isinstance(form, process.load(process.form) if process.form else ProcessForm)
    if process.subject == "item":  # the items of its kind: the fixture's suppliers, no dataset
        options = [value for _label, value in form.header["item"].widget.options]
        assert options == ([None, "bureau-data", "cloudml"] if process.item_kind == "supplier" else [None])


@pytest.mark.parametrize("name", NAMES)
def test_settings_have_defaults(installed, name):
    process = installed[name]
    if process.settings is None:
        return
    section, model = process.settings
    assert default_configuration("Acme")[section] == model().model_dump(mode="json")
    configuration_model().model_validate(default_configuration("Acme"))


# the generated form of the example plug-in, as a person fills it


def test_generated_form_submits_answers_about_the_chosen_supplier(installed, subject):
    form = process_form(subject, EXAMPLE_NAME, system_id="credit-scoring", item_id="bureau-data", assessor="amara")
    fields = form.body.fields
    assert form.validate() == 0 and fields["scope"].text == "is required"  # nothing typed yet: known, not shown
    fields["supplies"].value, fields["scope"].value = "data", "Credit bureau records for <b>scoring</b>"
    for criterion in ("data_protection", "quality", "transparency", "security", "continuity"):
        fields[criterion].value = 4
    fields["due_diligence"].value, fields["next_review"].value = ["DPA signed 2026-01"], "2027-06-30"
    assert form.validate() == 0
    assert (subject.drafts_dir / EXAMPLE_NAME / "credit-scoring" / "bureau-data.json").is_file()
    # the other supplier has its own draft: choosing it empties the answers
    form.header["item"].value = "cloudml"
    assert fields["scope"].value == "" and form.draft_key == "credit-scoring/cloudml"
    form.header["item"].value = "bureau-data"
    assert fields["scope"].value == "Credit bureau records for <b>scoring</b>"


# refusals: plug-ins that break the contract, written as the attack


BROKEN = {
    "no-template": ({"vendor-copy": "no_template:PROCESS"}, {"no_template/__init__.py": """
        from aims_vendor_questionnaire import PROCESS as EXAMPLE
        from dataclasses import replace
        PROCESS = replace(EXAMPLE, name="vendor-copy", code="vqcopy", package=__name__, tables=())
        """}, "its template template.ipynb is missing from package 'no_template'"),
    "answers-not-a-model": ({"loose": "loose_answers:PROCESS"}, {"loose_answers/__init__.py": """
        from dataclasses import replace
        from workbench.processes.soa import PROCESS as SOA
        PROCESS = replace(SOA, name="loose", code="loose", answers=dict, tables=())
        """}, "answers is not a pydantic model class"),
    "name-of-a-built-in": ({"soa": "fake_soa:PROCESS"}, {"fake_soa/__init__.py": """
        from dataclasses import replace
        from workbench.processes.soa import PROCESS as SOA
        PROCESS = replace(SOA, code="fsoa", tables=())
        """}, "the name 'soa' is taken by package 'aims-workbench'"),
    "run-id-code-of-a-built-in": ({"risky": "risky:PROCESS"}, {"risky/__init__.py": """
        from dataclasses import replace
        from workbench.processes.soa import PROCESS as SOA
        PROCESS = replace(SOA, name="risky", code="ra", tables=())
        """}, "the run-id code 'ra' is taken by package 'aims-workbench'"),
    "table-of-a-built-in": ({"risk-copy": "risk_copy:PROCESS"}, {"risk_copy/__init__.py": """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import Mapped, mapped_column
        from workbench.register import Base

        class RiskCopyRow(Base):
            __tablename__ = "risks"
            run_id: Mapped[str] = mapped_column(ForeignKey("evidence.run_id"), primary_key=True)
        """}, "cannot be imported (InvalidRequestError: Table 'risks' is already defined"),
    "core-table": ({"shadow": "shadow:PROCESS"}, {"shadow/__init__.py": """
        from dataclasses import replace
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from workbench.processes.soa import PROCESS as SOA

        class Own(DeclarativeBase):
            pass

        class ShadowEvidence(Own):
            __tablename__ = "evidence"
            run_id: Mapped[str] = mapped_column(String(80), primary_key=True)

        PROCESS = replace(SOA, name="shadow", code="shadow", tables=(ShadowEvidence,))
        """}, "the table 'evidence' is taken by the core register"),
    "settings-of-a-built-in": ({"criteria": "criteria:PROCESS"}, {"criteria/__init__.py": """
        from dataclasses import replace
        from pydantic import BaseModel
        from workbench.processes.soa import PROCESS as SOA

        class Loose(BaseModel):
            appetite: int = 99

        PROCESS = replace(SOA, name="criteria", code="crit", tables=(), settings=("risk_criteria", Loose))
        """}, "the settings section 'risk_criteria' is taken by package 'aims-workbench'"),
    "settings-over-the-configuration": ({"people": "people_settings:PROCESS"}, {"people_settings/__init__.py": """
        from dataclasses import replace
        from pydantic import BaseModel
        from workbench.processes.soa import PROCESS as SOA

        class Anyone(BaseModel):
            admin: str = "mallory"

        PROCESS = replace(SOA, name="people", code="ppl", tables=(), settings=("person", Anyone))
        """}, "the settings section 'person' is taken by the core configuration"),
    "register-measure-of-a-built-in": ({"overdue": "overdue:PROCESS"}, {"overdue/__init__.py": """
        from dataclasses import replace
        from workbench.processes.soa import PROCESS as SOA
        PROCESS = replace(SOA, name="overdue", code="ovd", tables=(),
                          measures={"overdue-actions": ("None overdue", "count", lambda workspace, on: (0, "none"))})
        """}, "the register measure 'overdue-actions' is taken by package 'aims-workbench'"),
    "import-raises": ({"boom": "boom:PROCESS"}, {"boom/__init__.py": """
        raise RuntimeError("no licence key")
        """}, "cannot be imported (RuntimeError: no licence key)"),
    "name-escapes-the-evidence-folder": ({"../../etc": "escape:PROCESS"}, {"escape/__init__.py": """
        from dataclasses import replace
        from workbench.processes.soa import PROCESS as SOA
        PROCESS = replace(SOA, name="../../etc", code="esc", tables=())
        """}, "its name '../../etc' is not a safe slug"),
    "code-escapes-the-evidence-folder": ({"dots": "dots:PROCESS"}, {"dots/__init__.py": """
        from dataclasses import replace
        from workbench.processes.soa import PROCESS as SOA
        PROCESS = replace(SOA, name="dots", code="../x", tables=())
        """}, "its run-id code '../x' is not 1 to 8 lowercase letters"),
}


@pytest.fixture
def broken_site(installed, tmp_path, monkeypatch):
    """A folder on ``sys.path`` to lay out broken plug-ins in; discovery starts afresh before and after."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    yield site
    monkeypatch.undo()
    rediscover()


@pytest.mark.parametrize("attack", list(BROKEN))
def test_a_plugin_that_breaks_the_contract_is_refused_by_package(broken_site, attack):
    entries, modules, reason = BROKEN[attack]
    package = f"evil-{attack}"
    lay_out(broken_site, package, entries, modules)
    rediscover()
    errors = [err for err in refused() if err.package == package]
    assert len(errors) == 1 and reason in str(errors[0]), [str(e) for e in refused()]
    assert f"from package {package!r} is refused" in str(errors[0])
    # the others keep working: every built-in and the example plug-in, their tables and the configuration
    assert set(BUILT_IN + [EXAMPLE_NAME]) <= set(processes())
    assert get_process("soa").code == "soa" and table("risks") is get_process("risk-assessment").tables[0]
    init_workspace(broken_site.parent / "ws", config=default_configuration("Acme", [PUBLIC["priya"]]))
    name = next(iter(entries))
    if name not in BUILT_IN:  # asked for by name, it is refused with the same reason
        with pytest.raises(InputError, match=re.escape(package)):
            get_process(name)


def test_process_list_names_the_refused_package_and_exits_1(broken_site):
    entries, modules, _reason = BROKEN["import-raises"]
    lay_out(broken_site, "evil-boom", entries, modules)
    rediscover()
    result = CliRunner().invoke(main, ["process", "list"])
    assert result.exit_code == 1
    assert "refused: process 'boom' from package 'evil-boom' is refused: cannot be imported" in result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == sorted(BUILT_IN + [EXAMPLE_NAME])
    assert CliRunner().invoke(main, ["schema", "risk-assessment"]).exit_code == 0


def test_a_refused_plugins_table_never_reaches_the_register(broken_site, tmp_path):
    # its table refers to a table that does not exist: created, it would break every workspace
    lay_out(broken_site, "evil-ghost", {"soa": "ghost:PROCESS"}, {"ghost/__init__.py": """
        from dataclasses import replace
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import Mapped, mapped_column
        from workbench.processes.soa import PROCESS as SOA
        from workbench.register import Base

        class GhostRow(Base):
            __tablename__ = "ghost_rows"
            run_id: Mapped[str] = mapped_column(ForeignKey("nowhere.run_id"), primary_key=True)
            system_id: Mapped[str] = mapped_column(String(64))

        PROCESS = replace(SOA, code="ghost", tables=(GhostRow,))
        """})
    rediscover()
    assert [err.package for err in refused()] == ["evil-ghost"]
    ws = init_workspace(tmp_path / "ws", config=default_configuration("Acme", [PUBLIC["priya"]]))
    assert "ghost_rows" not in inspect(ws.register.engine).get_table_names()
    with pytest.raises(InputError, match="unknown table"):
        table("ghost_rows")


def test_an_item_process_is_refused_without_its_item(installed, subject):
    with pytest.raises(InputError, match="name one; registered for credit-scoring: bureau-data, cloudml"):
        start(EXAMPLE_NAME, workspace=str(subject.root), system_id="credit-scoring", answers='{"supplies": "data"}')
