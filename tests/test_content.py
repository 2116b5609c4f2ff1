"""The content pack: ISO/IEC 42001 clauses, the 38 Annex A controls and the Annex C taxonomy."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from workbench.content import PACKAGE_DIR, ContentPack, load_content
from workbench.exceptions import WorkspaceError

# aims-reference.md section 2, in the standard's order.
ANNEX_A_IDS = [
    "A.2.2", "A.2.3", "A.2.4",
    "A.3.2", "A.3.3",
    "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
    "A.5.2", "A.5.3", "A.5.4", "A.5.5",
    "A.6.1.2", "A.6.1.3",
    "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.6", "A.6.2.7", "A.6.2.8",
    "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6",
    "A.8.2", "A.8.3", "A.8.4", "A.8.5",
    "A.9.2", "A.9.3", "A.9.4",
    "A.10.2", "A.10.3", "A.10.4",
]

AREA_COUNTS = {"A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9, "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3}

# aims-reference.md section 1: the 32 leaf sub-clauses of clauses 4 to 10.
LEAF_CLAUSES = [
    "4.1", "4.2", "4.3", "4.4",
    "5.1", "5.2", "5.3",
    "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2", "6.3",
    "7.1", "7.2", "7.3", "7.4", "7.5.1", "7.5.2", "7.5.3",
    "8.1", "8.2", "8.3", "8.4",
    "9.1", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3",
    "10.1", "10.2",
]

# aims-reference.md section 1, "DI count": the 18 leaf sub-clauses that require documented information.
DOCUMENTED_INFORMATION = [
    "4.3", "4.4", "5.2", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2", "7.2", "7.5.1",
    "8.1", "8.2", "8.3", "8.4", "9.1", "9.2.2", "9.3.3", "10.2",
]


@pytest.fixture
def pack() -> ContentPack:
    return load_content()


def _area_of(control_id: str) -> str:
    return ".".join(control_id.split(".")[:2])


def test_content_pack_loads_and_is_validated(pack):
    assert isinstance(pack, ContentPack)
    assert ContentPack.model_validate(pack.model_dump()) == pack


def test_annex_a_has_exactly_the_38_control_ids_in_order(pack):
    assert pack.control_ids() == ANNEX_A_IDS
    assert len(pack.control_ids()) == 38


@pytest.mark.parametrize("area, count", AREA_COUNTS.items())
def test_annex_a_per_area_count(pack, area, count):
    assert Counter(_area_of(c) for c in pack.control_ids())[area] == count


def test_annex_a_areas_are_a2_to_a10_with_a6_sub_objectives(pack):
    assert [a.id for a in pack.areas if a.parent is None] == list(AREA_COUNTS)
    assert {a.id: a.parent for a in pack.areas if a.parent} == {"A.6.1": "A.6", "A.6.2": "A.6"}


def test_every_control_sits_in_its_own_area(pack):
    for control in pack.controls:
        expected = control.id.rsplit(".", 1)[0]
        assert control.area == expected, control.id


def test_control_lookup_by_id(pack):
    assert pack.control("A.6.2.4").area == "A.6.2"
    with pytest.raises(KeyError):
        pack.control("A.11.1")


def test_top_level_clauses_are_4_to_10(pack):
    assert [c.id for c in pack.clauses if c.parent is None] == ["4", "5", "6", "7", "8", "9", "10"]


def test_clauses_have_the_32_leaf_sub_clauses(pack):
    parents = {c.parent for c in pack.clauses if c.parent}
    leaves = [c.id for c in pack.clauses if c.parent is not None and c.id not in parents]
    assert leaves == LEAF_CLAUSES
    assert len(leaves) == 32


def test_intermediate_clauses_have_their_children(pack):
    children = Counter(c.parent for c in pack.clauses)
    assert {p: children[p] for p in ("6.1", "7.5", "9.2", "9.3")} == {"6.1": 4, "7.5": 3, "9.2": 2, "9.3": 3}


def test_clauses_requiring_documented_information_are_the_18(pack):
    assert [c.id for c in pack.clauses if c.documented_information] == DOCUMENTED_INFORMATION


def test_annex_c_has_11_objectives(pack):
    assert [o.id for o in pack.objectives] == [f"C.2.{n}" for n in range(1, 12)]
    assert pack.objective("C.2.5").title == "Fairness"


def test_annex_c_has_7_risk_sources(pack):
    assert [s.id for s in pack.risk_sources] == [f"C.3.{n}" for n in range(1, 8)]
    assert pack.risk_source("C.3.7").title == "Technology readiness"


# Workspace overrides

def _override(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    raw = yaml.safe_load((PACKAGE_DIR / "annex_a.yaml").read_text(encoding="utf-8"))
    edit(raw)
    (folder / "annex_a.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return folder


def test_override_with_an_added_control_is_used(tmp_path):
    def add(raw):
        raw["controls"].append({"id": "A.10.5", "title": "Our own", "intent": "Something extra.", "area": "A.10"})

    pack = load_content(_override(tmp_path, add))
    assert pack.control_ids() == ANNEX_A_IDS + ["A.10.5"]


def test_override_with_a_duplicate_control_id_is_refused(tmp_path):
    folder = _override(tmp_path, lambda raw: raw["controls"].append(dict(raw["controls"][0])))
    with pytest.raises(WorkspaceError) as err:
        load_content(folder)
    assert "duplicate" in str(err.value)
    assert "A.2.2" in str(err.value)
    assert str(folder / "annex_a.yaml") in str(err.value)


def test_override_with_a_bad_control_id_is_refused(tmp_path):
    def rename(raw):
        raw["controls"][0]["id"] = "A.11.1"

    folder = _override(tmp_path, rename)
    with pytest.raises(WorkspaceError) as err:
        load_content(folder)
    assert "'A.11.1' is not an Annex A control ID" in str(err.value)
    assert str(folder / "annex_a.yaml") in str(err.value)


def test_override_that_is_not_yaml_is_refused(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "annex_a.yaml").write_text("controls: [unclosed\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="not valid YAML") as err:
        load_content(folder)
    assert str(folder / "annex_a.yaml") in str(err.value)


def test_missing_override_folder_falls_back_to_the_packaged_content(tmp_path):
    assert load_content(tmp_path / "no-such-folder").control_ids() == ANNEX_A_IDS


def test_override_with_a_control_missing_a_field_names_file_and_field(tmp_path):
    def drop(raw):
        del raw["controls"][3]["intent"]

    folder = _override(tmp_path, drop)
    with pytest.raises(WorkspaceError) as err:
        load_content(folder)
    assert f"{folder / 'annex_a.yaml'}: controls[3].intent: is required" in str(err.value)
