"""What changed between two versions of a record."""

from __future__ import annotations

from workbench.pipeline.compare import changes, compared_record, flatten, summarise


def test_flatten_keys_list_items_by_their_id():
    data = {"risks": [{"id": "R2", "score": 4}, {"id": "R1", "score": 9}], "tags": ["a", "b"]}
    assert flatten(data) == {"risks[R2].id": "R2", "risks[R2].score": 4, "risks[R1].id": "R1",
                             "risks[R1].score": 9, "tags": ["a", "b"]}


def test_inserting_an_item_changes_only_that_item():
    before = {"risks": [{"id": "R1", "score": 4}]}
    after = {"risks": [{"id": "R0", "score": 1}, {"id": "R1", "score": 4}]}
    assert changes(before, after) == [{"field": "risks[R0]", "before": None, "after": "R0", "change": "added"}]


def test_a_removed_item_is_one_change_named_by_its_title():
    before = {"answers": {"risks": [{"id": "R1", "title": "Drift", "controls": [{"id": "A.6.2.6", "note": "x"}]},
                                    {"id": "R3", "title": "Proxy discrimination", "score": 20}]}}
    after = {"answers": {"risks": [{"id": "R1", "title": "Drift", "controls": [{"id": "A.6.2.6", "note": "y"}]}]}}
    assert changes(before, after) == [
        {"field": "answers.risks[R1].controls[A.6.2.6].note", "before": "x", "after": "y", "change": "changed"},
        {"field": "answers.risks[R3]", "before": "Proxy discrimination", "after": None, "change": "removed"}]


def test_changed_and_removed_values_are_listed():
    found = changes({"a": 1, "b": {"c": "x"}, "d": 2}, {"a": 2, "b": {"c": "x"}})
    assert found == [{"field": "a", "before": 1, "after": 2, "change": "changed"},
                     {"field": "d", "before": 2, "after": None, "change": "removed"}]


def test_results_do_not_repeat_the_answered_items_they_embed():
    record = {"answers": {"risks": [{"id": "R1", "title": "old"}]},
              "results": {"risks": [{"risk": {"id": "R1", "title": "old"}, "residual": {"band": "Low"}}]}}
    newer = {"answers": {"risks": [{"id": "R1", "title": "new"}]},
             "results": {"risks": [{"risk": {"id": "R1", "title": "new"}, "residual": {"band": "High"}}]}}
    fields = [c["field"] for c in changes(compared_record(record), compared_record(newer))]
    assert fields == ["answers.risks[R1].title", "results.risks[R1].residual.band"]


def _risk(id: str, impact: int, band: str) -> dict:
    return {"id": id, "title": f"Risk {id}", "inherent_impact": impact}, \
        {"risk": {"id": id}, "residual": {"band": band, "calculation": f"{impact} → {band}"}}


def _record(*risks: tuple) -> dict:
    return {"answers": {"risks": [r[0] for r in risks]}, "results": {"risks": [r[1] for r in risks],
                                                                     "controls": {"A.6.2.4": ["R1"]}}}


def test_the_summary_says_what_changed_in_words():
    before = _record(*(_risk(f"R{n}", 4, "High") for n in range(1, 6)), _risk("R7", 3, "Low"))
    after = _record(_risk("R1", 5, "Medium"), _risk("R5", 4, "High"), _risk("R6", 2, "Low"))
    after["results"]["controls"]["A.6.2.4"] = ["R1", "R6"]
    [risks, controls] = summarise(changes(before, after))
    assert risks == {"group": "Risks", "lines": [
        {"members": "R6", "kind": "added", "names": ["Risk R6"], "fields": []},
        {"members": "R2 to R4, R7", "kind": "removed", "names": ["Risk R2", "Risk R3", "Risk R4", "Risk R7"],
         "fields": []},
        {"members": "R1", "kind": "changed", "names": [],
         "fields": [("inherent impact", "4", "5"), ("residual band", "High", "Medium")]}]}
    assert controls == {"group": "Controls", "lines": [
        {"members": "A.6.2.4", "kind": "changed", "names": [], "fields": [("", "R1", "R1, R6")]}]}


def test_the_summary_names_two_removed_items_each_and_shows_no_none():
    found = changes({"answers": {"risks": [{"id": "R2"}, {"id": "R3"}], "note": "x", "flag": False}},
                    {"answers": {"risks": [], "flag": True}})
    lines = [line for group in summarise(found) for line in group["lines"]]
    assert [line["members"] for line in lines if line["kind"] == "removed"] == ["R2, R3"]
    assert "(none)" not in repr(summarise(found))
    assert {"members": "", "kind": "changed", "names": [], "fields": [("", "no", "yes")]} in lines
