"""Loop `X__stack` semantics (cerb-semantics.md §3.2), pinned as they were when every iteration copied
the rest: what `X`, `X__key`, `X__counter` and `X__stack` read inside and after a loop, in the trace and in
the dictionary a conversation hands out, for list and dict stacks, `"*"`, a behavior or a prompt answer
rewriting the stack, early stops, guards, pauses and prompts inside the loop. Most bodies read the stack only
now and then, so the items in between are taken without anything reading them."""
from __future__ import annotations

from typing import Any

from designer.sim import SimOptions, Simulator
from tests.sim.conftest import act, behavior_package, outcome, say, switch
from tests.sim.test_semantics import loop, setvar

SHOW = "{{x}}|{{x__key}}|{{x__counter}}"
STACK = "stack={{x__stack|json_encode}}"


def every(n: int, *nodes: dict[str, Any]) -> dict[str, Any]:
    """A switch whose outcome runs `nodes` on every n-th iteration of the `x` loop."""
    every_n = {"condition": "_custom_script", "tpl": f"{{{{x__counter % {n}}}}}", "oper": "is", "value": "0"}
    return switch("every", outcome(f"every {n}", every_n, nodes=list(nodes)))


def at(counter: int, *nodes: dict[str, Any]) -> dict[str, Any]:
    return switch("at", outcome(f"at {counter}", {"condition": "_custom_script", "tpl": "{{x__counter}}",
                                                  "oper": "is", "value": str(counter)}, nodes=list(nodes)))


def start(nodes: list[dict[str, Any]], *, options: SimOptions | None = None, extra: Any = None) -> Any:
    return Simulator(behavior_package(nodes, extra=extra), options=options or SimOptions()).start("Main")


def loop_trace(conv: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(e.message, e.data) for e in conv.trace if e.kind == "loop"]


def loop_keys(conv: Any) -> dict[str, Any]:
    return {k: v for k, v in conv.dictionary.items() if k == "x" or k.startswith("x__")}


def test_list_stack_read_now_and_then():
    conv = start([loop("L", '["a","b","c","d","e","f","g"]', "x", act("show", say(SHOW)),
                       every(3, act("stack", say(STACK)))),
                  act("after", say("after:" + SHOW + "|{{x__stack is defined ? 'stack' : 'none'}}"))])
    turn = conv.run()
    assert turn.messages == ["a|0|1", "b|0|2", "c|0|3", 'stack=["d","e","f","g"]', "d|0|4", "e|0|5", "f|0|6",
                             'stack=["g"]', "g|0|7", "after:||7|none"]
    assert loop_keys(conv) == {"x__counter": 7}
    assert loop_trace(conv) == [(f"loop 'L' iteration {i}", {"key": 0, "value": v}) for i, v in
                                enumerate("abcdefg", 1)] + [("loop 'L' ends after 7 iteration(s)", {})]


def test_dict_stack_keeps_its_order_and_keys():
    conv = start([loop("O", '{"k3":"c","k1":"a","k2":{"n":2},"k0":"z"}', "x", act("show", say(SHOW)),
                       every(2, act("stack", say(STACK))))])
    turn = conv.run()
    assert turn.messages == ["c|k3|1", "a|k1|2", 'stack={"k2":{"n":2},"k0":"z"}', "Array|k2|3", "z|k0|4",
                             "stack=[]"]
    assert [data for _, data in loop_trace(conv)] == [
        {"key": "k3", "value": "c"}, {"key": "k1", "value": "a"}, {"key": "k2", "value": {"n": 2}},
        {"key": "k0", "value": "z"}, {}]


def test_the_whole_dictionary_reads_the_stack():
    read_all = say("{{placeholders_list()['x_' ~ '_stack']|json_encode}}")  # no `__stack` in the params
    conv = start([loop("L", "[1,2,3,4]", "x", every(2, act("all", read_all)))])
    assert conv.run().messages == ["[3,4]", "[]"]


def test_a_nested_loop_reads_the_outer_stack():
    conv = start([loop("L", "[1,2,3]", "x", loop("inner", "{{x__stack|json_encode}}", "y",
                                                  act("show", say("{{x}}:{{y}}"))))])
    assert conv.run().messages == ["1:2", "1:3", "2:3"]


def test_a_behavior_that_sets_the_stack_changes_what_the_loop_does_next():
    conv = start([loop("L", '["a","b","c","d"]', "x", act("show", say(SHOW)),
                       at(2, act("list", setvar("x__stack", '["p","q"]', "json"))),
                       at(3, act("dict", setvar("x__stack", '{"m":"M","n":"N"}', "json"))),
                       at(4, act("more", say(STACK))))])
    assert conv.run().messages == ["a|0|1", "b|0|2", "p|0|3", "M|m|4", 'stack={"n":"N"}', "N|n|5"]
    placeholders = [e.data["set"] for e in conv.trace if e.kind == "placeholders"]
    assert placeholders == [{"x__stack": ["p", "q"]}, {"x__stack": {"m": "M", "n": "N"}}]


def test_a_string_stack_breaks_the_loop_and_star_is_never_shifted():
    conv = start([loop("L", '["a","*","b"]', "x", act("show", say(SHOW)), every(2, act("stack", say(STACK))),
                       at(5, act("break", setvar("x__stack", "[]")))),
                  act("after", say("after:{{x__counter}}|{{x__stack}}"))])
    assert conv.run().messages == ["a|0|1", "*|0|2", 'stack=["*","b"]', "*|0|3", "*|0|4", 'stack=["*","b"]',
                                   "*|0|5", "after:5|"]


def test_the_same_placeholder_in_an_inner_loop_ends_the_outer_one():
    conv = start([loop("outer", "[1,2,3]", "x", act("o", say("outer {{x}}")),
                       loop("inner", '["a","b"]', "x", act("i", say("inner {{x}} {{x__counter}}"))))])
    assert conv.run().messages == ["outer 1", "inner a 1", "inner b 2"]
    assert loop_keys(conv) == {"x__counter": 2}


def test_an_early_stop_leaves_the_items_left_in_the_dictionary():
    stop = act("stop", {"action": "_exit"})
    conv = start([loop("L", "[1,2,3,4,5]", "x", act("show", say(SHOW)), at(2, stop))])
    turn = conv.run()
    assert turn.messages == ["1|0|1", "2|0|2"] and turn.state == "stopped"
    assert loop_keys(conv) == {"x__stack": [3, 4, 5], "x__counter": 2, "x__key": 0, "x": 2}


def test_the_loop_cap_leaves_the_items_left_in_the_dictionary():
    conv = start([loop("L", "[1,2,3,4,5,6]", "x", act("show", say(SHOW)))], options=SimOptions(loop_cap=3))
    turn = conv.run()
    assert turn.messages == ["1|0|1", "2|0|2", "3|0|3"] and turn.stop_reason.startswith("guard: loop cap")
    assert loop_keys(conv) == {"x__stack": [5, 6], "x__counter": 4, "x__key": 0, "x": 4}


def test_a_sub_behavior_stopped_inside_a_loop_returns_its_items_left():
    macro = {"uid": "behavior_2", "title": "Macro", "is_disabled": False, "is_private": True, "priority": 50,
             "event": {"key": "event.macro.bot"},
             "nodes": [loop("L", '{"a":1,"b":2,"c":3}', "x", at(2, act("stop", {"action": "_exit"})))]}
    call = {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_2}}}", "var": "_behavior"}
    conv = start([act("call", call),
                  act("show", say("{{_behavior.x__stack|json_encode}} {{_behavior.x}}"))], extra=[macro])
    assert conv.run().messages == ['{"c":3} 2']


def test_breakpoints_inside_the_loop_see_the_items_left():
    conv = start([loop("L", '["a","b","c"]', "x", act("show", say(SHOW)), act("tick", setvar("t", "{{x}}")))])
    show = conv.current_behavior.children[0].children[0]
    conv.breakpoints = {show.id}
    seen = []
    while (turn := conv.run()).state == "paused":
        seen.append(dict(loop_keys(conv)))
    assert seen == [{"x__stack": ["b", "c"], "x__counter": 1, "x__key": 0, "x": "a"},
                    {"x__stack": ["c"], "x__counter": 2, "x__key": 0, "x": "b"},
                    {"x__stack": [], "x__counter": 3, "x__key": 0, "x": "c"}]
    assert turn.messages == ["c|0|3"] and loop_keys(conv) == {"x__counter": 3}


def test_a_prompt_inside_the_loop_suspends_and_resumes_with_the_stack():
    conv = start([loop("L", '{"q1":"Name?","q2":"Age?","q3":"City?"}', "x",
                       act("ask", say("{{x}}"), {"action": "prompt_text", "var": "answer_{{x__key}}"}),
                       act("echo", say("{{x__key}}={{message}}")))])
    turn = conv.run()
    dictionaries = [dict(loop_keys(conv))]
    for answer in ("Kina", "42"):
        turn = conv.say(answer)
        dictionaries.append(dict(loop_keys(conv)))
    assert turn.messages == ["q2=42", "City?"] and turn.state == "suspended"
    assert [d["x__stack"] for d in dictionaries] == [{"q2": "Age?", "q3": "City?"}, {"q3": "City?"}, {}]
    assert [d["x__counter"] for d in dictionaries] == [1, 2, 3]
    turn = conv.say("Rome")
    assert turn.messages == ["q3=Rome"] and turn.state == "stopped" and loop_keys(conv) == {"x__counter": 3}


def test_a_prompt_answer_written_to_the_stack_ends_the_loop():
    ask = act("ask", say("{{x}}"), {"action": "prompt_text", "var": "x__stack"})
    conv = start([loop("L", "[1,2,3,4]", "x", ask),
                  act("after", say("after {{x__counter}}"))])
    assert conv.run().messages == ["1"]
    assert conv.say("[9]").messages == ["after 1"]


def test_reading_the_dictionary_while_paused_in_a_sub_behavior_changes_no_trace():
    macro = {"uid": "behavior_2", "title": "Macro", "is_disabled": False, "is_private": True, "priority": 50,
             "event": {"key": "event.macro.bot"}, "nodes": [act("work", setvar("done", "yes"))]}
    call = {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_2}}}", "var": "out"}
    conv = start([loop("L", "[1,2,3]", "x", act("call", call))], extra=[macro])
    conv.breakpoints = {conv.sim.find_behavior("Macro").children[0].id}
    stacks = []
    while conv.run().state == "paused":
        stacks.append(conv.dictionary["x__stack"])
    assert stacks == [[2, 3], [3], []]
    assert [sorted(e.data["set"]) for e in conv.trace if e.kind == "placeholders"] == [["done"], ["out"]] * 3


def test_integer_keys_are_renumbered_by_each_shift_as_php_does():
    """PHP's array_shift renumbers integer keys from 0 and keeps string keys: `{"5":…,"x":…,"7":…,"9":…}`
    (json_decode makes "5", "7", "9" integer keys) reads keys 5, x, 0, 0, and the stack left after the first
    item is {"x":…,"0":…,"1":…}; once only integer keys are left it is a list."""
    conv = start([loop("N", '{"5":"a","x":"b","7":"c","9":"d"}', "x", act("show", say(SHOW)),
                       act("stack", say(STACK)))])
    turn = conv.run()
    assert turn.messages == ["a|5|1", 'stack={"x":"b","0":"c","1":"d"}', "b|x|2", 'stack=["c","d"]',
                             "c|0|3", 'stack=["d"]', "d|0|4", "stack=[]"]
    assert [data["key"] for _, data in loop_trace(conv)[:-1]] == [5, "x", 0, 0]


def test_integer_keys_read_the_same_when_nothing_reads_the_stack():
    """The lazy path (no node reads `x__stack`) gives the keys and the final stack the eager one does."""
    conv = start([loop("N", '{"5":"a","x":"b","7":"c"}', "x", act("show", say(SHOW)))],
                 options=SimOptions())
    turn = conv.run()
    assert turn.messages == ["a|5|1", "b|x|2", "c|0|3"]


def test_a_breakpoint_on_the_only_node_of_a_loop_body_pauses_at_every_iteration():
    conv = start([loop("L", "[1,2,3]", "x", act("show", say("{{x}}")))])
    show = conv.current_behavior.children[0].children[0]
    conv.breakpoints = {show.id}
    paused_at = []
    while (turn := conv.run()).state == "paused":
        paused_at.append((conv.paused_node, conv.dictionary["x"]))
    assert paused_at == [(show.id, 1), (show.id, 2), (show.id, 3)]
    assert turn.state == "stopped" and turn.messages == ["3"]


def test_stepping_through_a_one_node_loop_body_stops_before_each_run_of_it():
    conv = start([loop("L", "[1,2]", "x", act("show", say("{{x}}")))])
    show = conv.current_behavior.children[0].children[0]
    before_show = []
    turn = conv.step()
    while turn.state == "paused":
        if conv.paused_node == show.id:
            before_show.append(conv.dictionary["x"])
        turn = conv.step()
    assert before_show == [1, 2]
