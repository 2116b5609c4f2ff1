"""What changed between two versions of a record."""

from __future__ import annotations

from workbench.pipeline.compare import changes, compared_record, flatten


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
