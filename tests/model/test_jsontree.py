"""JSON walks without recursion (designer/model/jsontree.py): the paths find reports, at any depth."""
from __future__ import annotations

from designer.model.jsontree import iter_string_paths, iter_strings


def test_string_paths_name_keys_list_items_and_nested_objects_in_document_order():
    value = {"a": ["x", {"b": "y"}, [["q"]]], "c": 1, "d": "z"}
    assert list(iter_string_paths(value)) == [
        ("a", "a"), ("a[0]", "x"), ("a[1].b", "b"), ("a[1].b", "y"), ("a[2][0][0]", "q"), ("c", "c"),
        ("d", "d"), ("d", "z")]
    assert [text for _, text in iter_string_paths(value)] == list(iter_strings(value))


def test_string_paths_of_params_nested_5000_levels_deep():
    deep: object = "end"
    for _ in range(5000):
        deep = {"k": [deep]}
    found = list(iter_string_paths(deep))
    assert len(found) == 5001 and found[-1] == ("k[0]" + ".k[0]" * 4999, "end")
