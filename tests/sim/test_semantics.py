"""Tree-walk semantics (cerb-semantics.md §3, §5): loops, subroutines, exit, placeholders, prompts, switching,
_run_behavior, statuses, stepping, breakpoints, cancel and guards."""
from __future__ import annotations

import threading

from designer.sim import SimOptions, Simulator
from tests.sim.conftest import act, behavior_package, outcome, say, switch


def run(nodes, *, event="event.message.chat.worker", variables=None, extra=None, options=None, **start):
    sim = Simulator(behavior_package(nodes, event=event, variables=variables, extra=extra),
                    options=options or SimOptions())
    conv = sim.start("Main", **start)
    return conv, conv.run()


def setvar(var, value, fmt=""):
    return {"action": "_set_custom_var", "var": var, "value": value, "format": fmt, "is_simulator_only": "0"}


def loop(title, source, as_, *nodes):
    return {"type": "loop", "title": title, "status": "live",
            "params": {"foreach_json": source, "as_placeholder": as_}, "nodes": list(nodes)}


def test_loop_over_list_and_object_keys_counter_and_cleanup():
    conv, turn = run([
        loop("L", '["a","b"]', "x", act("m", say("{{x__key}}:{{x}}:{{x__counter}}"))),
        loop("O", '{"k1":"v1","k2":"v2"}', "y", act("m2", say("{{y__key}}={{y}}"))),
        act("after", say("[{{x}}][{{x__counter}}]")),
    ])
    assert turn.messages == ["0:a:1", "0:b:2", "k1=v1", "k2=v2", "[][2]"]
    assert "x__stack" not in conv.dictionary


def test_empty_or_invalid_loop_source_skips_the_loop():
    _, turn = run([loop("L", "[]", "x", act("m", say("no"))), loop("B", "{{nothing}}", "x", act("m", say("no"))),
                   loop("S", '"scalar"', "x", act("m", say("no"))), act("end", say("end"))])
    assert turn.messages == ["end"]


def test_infinite_loop_broken_by_stack_overwrite():
    _, turn = run([loop("L", '["*"]', "i", act("m", say("{{i}}{{i__counter}}")), switch(
        "enough?", outcome("yes", {"condition": "_custom_script", "tpl": "{{i__counter}}", "oper": "is",
                                   "value": "3"}, nodes=[act("break", setvar("i__stack", "[]"))]))),
                   act("done", say("done"))])
    assert turn.messages == ["*1", "*2", "*3", "done"]


def test_infinite_loop_without_break_ends_by_the_loop_cap():
    conv, turn = run([loop("L", '["*"]', "i", act("m", setvar("n", "{{i__counter}}")))],
                     options=SimOptions(loop_cap=50))
    assert turn.state == "stopped" and turn.stop_reason.startswith("guard: loop cap")
    assert conv.dictionary["n"] == "50"


def test_step_budget_and_time_limit_guards():
    _, turn = run([loop("L", '["*"]', "i", act("m", setvar("n", "1")))],
                  options=SimOptions(loop_cap=10**9, step_budget=500))
    assert turn.stop_reason.startswith("guard: step budget")
    _, turn = run([loop("L", '["*"]', "i", act("m", setvar("n", "1")))],
                  options=SimOptions(loop_cap=10**9, step_budget=10**9, time_limit_s=0.2))
    assert turn.stop_reason.startswith("guard: time limit")


def test_subroutine_drops_rest_of_node_then_runs_following_siblings():
    sub = {"type": "subroutine", "title": "sub()", "status": "live", "nodes": [act("s", say("in sub"))]}
    _, turn = run([act("call", say("before"), {"action": "_run_subroutine", "subroutine": "sub()"}, say("dropped")),
                   act("next", say("sibling")), sub,
                   act("bad", {"action": "_run_subroutine", "subroutine": "nope"}, say("kept"))])
    assert turn.messages == ["before", "in sub", "sibling", "kept"]


def test_exit_stop_and_suspend():
    conv, turn = run([act("a", say("one"), {"action": "_exit", "mode": "suspend"}, say("dropped")),
                      act("b", say("two"), {"action": "_exit"}), act("c", say("never"))])
    assert turn.state == "suspended" and turn.messages == ["one"]
    turn = conv.say("x")
    assert turn.state == "stopped" and turn.messages == ["two"]


def test_set_custom_var_php_empty_raw_value_and_json():
    conv, _ = run([act("s", setvar("a", "0"), setvar("b", ""), setvar("c", "{{zero}}"), setvar("", "x"),
                       setvar("j", '{"k":[1,2]}', "json"), setvar("bad", "{nope", "json"),
                       setvar("jt", "{{ {'a':1}|json_encode }}", "json"))],
                  variables={}, event_values={"zero": "0"})
    d = conv.dictionary
    assert "a" not in d and "b" not in d
    assert d["c"] == "0"  # the RAW template is not empty; its result may be
    assert d["j"] == {"k": [1, 2]} and d["bad"] is None and d["jt"] == {"a": 1}


def test_disabled_nodes_never_run_and_simulator_only_nodes_do():
    _, turn = run([act("d", say("disabled"), status="disabled"), act("s", say("sim only"), status="simulator"),
                   switch("sw", {**outcome("off"), "status": "disabled"}, outcome("else", nodes=[act("e", say("e"))]))])
    assert turn.messages == ["sim only", "e"]


def test_switch_takes_first_passing_outcome_only():
    _, turn = run([switch("sw", outcome("no", {"condition": "message", "oper": "is", "value": "x"},
                                        nodes=[act("1", say("1"))]),
                          outcome("yes", nodes=[act("2", say("2"))]), outcome("also", nodes=[act("3", say("3"))]))])
    assert turn.messages == ["2"]


def test_prompt_suspends_and_resume_continues_after_the_node():
    conv, turn = run([act("hello", say("hello {{message}}"), {"action": "prompt_text", "placeholder": "name?"},
                          say("never")),
                      act("echo", say("got {{message}}")), act("p2", {"action": "prompt_buttons", "options": "a\nb"}),
                      act("echo2", say("then {{message}}"))])
    assert turn.messages == ["hello "] and turn.prompt["placeholder"] == "name?"
    turn = conv.say("Kina")
    assert turn.messages == ["got Kina"] and turn.prompt["options"] == ["a", "b"]
    turn = conv.say("b")
    assert turn.messages == ["then b"] and turn.state == "stopped"
    turn = conv.say("again")  # a stopped behavior starts over, its dictionary kept
    assert turn.messages == ["hello again"]


def test_prompt_var_format_and_validate():
    conv, turn = run([act("ask", say("age?"), {"action": "prompt_text", "var": "age", "var_format": "{{message}}y",
                                               "var_validate": "{% if message matches '/^\\\\d+$/' %}{% else %}"
                                                               "Digits please{% endif %}"}),
                      act("ok", say("age={{age}}"))])
    assert turn.messages == ["age?"]
    turn = conv.say("ten")
    assert turn.messages == ["Digits please", "age?"] and turn.state == "suspended"
    turn = conv.say("10")
    assert turn.messages == ["age=10y"]


def test_markdown_html_and_empty_messages():
    _, turn = run([act("m", say("* a\n* b", "markdown"), say("", ""), say("{{nothing}}", "markdown"),
                       say("<b>x</b>", "html"), say("a<b\nc"))])
    assert [o.html for o in turn.outputs] == ["<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "<b>x</b>", "a&lt;b<br />\nc"]


MACRO = {"uid": "behavior_2", "title": "Macro", "is_disabled": False, "is_private": True, "priority": 50,
         "event": {"key": "event.macro.bot"},
         "variables": {"var_mode": {"key": "var_mode", "label": "Mode", "type": "D", "is_private": "0",
                                    "params": {"options": "resolve\r\nmx"}},
                       "var_n": {"key": "var_n", "label": "N", "type": "N", "is_private": "0", "params": {}},
                       "var_yes": {"key": "var_yes", "label": "Y", "type": "C", "is_private": "0", "params": {}}},
         "nodes": [act("work", setvar("out", "{{var_mode}}-{{var_n}}-{{var_yes}}-{{message}}"))]}


def test_run_behavior_new_dictionary_formatted_inputs_and_var():
    conv, turn = run([act("call", {"action": "_run_behavior", "on": "_trigger_va_id",
                                   "behavior_id": "{{{uid.behavior_2}}}", "var_mode": "MX!", "var_n": "42abc",
                                   "var_yes": "0", "var": "_behavior", "run_in_simulator": "0"}),
                      act("show", say("{{_behavior.out}}|{{_behavior.var_mode}}"))], extra=[MACRO])
    assert turn.messages == ["-42-0-|"]  # bad picklist value dropped; N intval; C 0/1; a new dictionary
    assert "out" not in conv.dictionary


def test_run_behavior_in_a_dry_run_only_with_run_in_simulator():
    sim = Simulator(behavior_package([act("call", {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_2}}}",
                                                   "var_mode": "mx", "var": "r", "run_in_simulator": "0"})],
                                     extra=[MACRO]))
    conv = sim.dry_run("Main")
    conv.run()
    assert "r" not in conv.dictionary


CHILD = {"uid": "behavior_3", "title": "Child", "is_disabled": False, "is_private": False, "priority": 50,
         "event": {"key": "event.message.chat.worker"},
         "variables": {"var_who": {"key": "var_who", "type": "S", "label": "who", "is_private": "0", "params": {}}},
         "nodes": [act("hi", say("child hi {{var_who}} [{{message}}]"), {"action": "prompt_text"}),
                   act("bye", say("child got {{message}}"), setvar("answer", "{{message}}"))]}


def test_switch_behavior_with_return():
    conv, turn = run([act("go", say("parent"), {"action": "switch_behavior", "behavior_id": "{{{uid.behavior_3}}}",
                                                "return": "1", "var_who": "Kina"}),
                      act("back", say("back: {{_behavior.answer}}"))], extra=[CHILD])
    assert turn.messages == ["parent", "child hi Kina []"] and turn.state == "suspended"
    assert conv.current_behavior.title == "Child"
    turn = conv.say("42")
    assert turn.messages == ["child got 42", "back: 42"] and turn.state == "stopped"
    assert conv.current_behavior.title == "Main"


def test_switch_behavior_without_return_replaces_the_behavior():
    conv, turn = run([act("go", {"action": "switch_behavior", "behavior_id": "{{{uid.behavior_3}}}", "return": "0"}),
                      act("never", say("never"))], extra=[CHILD])
    turn = conv.say("x")
    assert turn.messages == ["child got x"] and turn.state == "stopped"
    assert conv.current_behavior.title == "Child"


def test_side_effects_are_simulated_and_unknown_actions_traced():
    conv, turn = run([act("mail", {"action": "send_email", "to": "a@example.com", "subject": "Hi {{worker_first_name}}",
                                   "content": "x"},
                          {"action": "core.bot.action.record.create", "context": "task",
                           "changeset_json": '{"title":"T"}', "object_placeholder": "rec"},
                          {"action": "core.bot.action.record.retrieve", "context": "task", "id": "{{rec.id}}",
                           "object_placeholder": "again"},
                          {"action": "_set_key", "key": "k", "value": "v"}, {"action": "_get_key", "key": "k",
                                                                             "var": "kv"},
                          {"action": "no.such.action"}, say("{{again.title}} {{kv}}"))])
    assert turn.messages == ["T v"]
    effects = [o for o in turn.outputs if o.kind == "effect"]
    assert effects[0].text == "would send mail to a@example.com: 'Hi Kina'"
    assert any(e.message == "not simulated: no.such.action" for e in conv.trace)


def test_step_breakpoints_and_trace_ids():
    nodes = [act("a", say("a")), act("b", say("b")), act("c", say("c"))]
    sim = Simulator(behavior_package(nodes))
    conv = sim.start("Main")
    ids = [n.id for n in conv.current_behavior.children]
    conv.breakpoints = {ids[1]}
    turn = conv.run()
    assert turn.state == "paused" and turn.messages == ["a"]
    turn = conv.step()
    assert turn.state == "paused" and turn.messages == ["b"]
    turn = conv.run()
    assert turn.state == "stopped" and turn.messages == ["c"]
    entered = [e.node_id for e in conv.trace if e.kind == "enter"]
    assert entered == ids and all(e.behavior_uid == "behavior_1" for e in conv.trace if e.kind == "enter")


def test_cancel_from_another_thread_and_subscribe():
    sim = Simulator(behavior_package([loop("L", '["*"]', "i", act("m", setvar("n", "1")))]),
                    options=SimOptions(loop_cap=10**9, step_budget=10**9, time_limit_s=60))
    conv = sim.start("Main")
    seen = []
    unsubscribe = conv.subscribe(lambda e: (seen.append(e.kind), len(seen) == 1000 and conv.cancel()))
    turn = conv.run()
    unsubscribe()
    assert turn.state == "stopped" and turn.stop_reason == "cancelled"
    worker = threading.Thread(target=conv.cancel)
    worker.start()
    worker.join()


def test_throughput_is_reasonable():
    import time
    sim = Simulator(behavior_package([loop("L", '["*"]', "i", act("m", setvar("n", "1")))]),
                    options=SimOptions(loop_cap=20_000, step_budget=10**9, time_limit_s=60))
    conv = sim.start("Main")
    started = time.perf_counter()
    conv.run()
    steps = sum(1 for e in conv.trace if e.kind == "enter")
    assert steps >= 20_000
    print(f"{steps / (time.perf_counter() - started):.0f} steps/s")


def test_current_time_placeholder_overrides_the_clock():
    sunday = "1767528000"  # 2026-01-04 12:00 UTC, a Sunday
    _, turn = run([switch("day", outcome("sun", {"condition": "_day_of_week", "oper": "is", "day": ["7"]},
                                         nodes=[act("s", say("sunday"))]),
                          outcome("other", nodes=[act("o", say("other"))]))],
                  event_values={"_current_time": sunday})
    assert turn.messages == ["sunday"]


def test_recursive_subroutine_ends_by_the_depth_guard():
    sub = {"type": "subroutine", "title": "again()", "status": "live",
           "nodes": [act("recurse", {"action": "_run_subroutine", "subroutine": "again()"})]}
    _, turn = run([act("go", {"action": "_run_subroutine", "subroutine": "again()"}), sub],
                  options=SimOptions(max_depth=5))
    assert turn.state == "stopped" and turn.stop_reason.startswith("guard: call depth")


def test_run_behavior_does_not_recurse_into_a_running_behavior():
    selfcall = {**MACRO, "nodes": [act("again", {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_2}}}",
                                                 "var": "inner"}, setvar("ran", "yes"))]}
    conv, turn = run([act("call", {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_2}}}", "var": "r"}),
                      act("show", say("{{r.ran}} [{{r.inner}}]"))], extra=[selfcall])
    assert turn.messages == ["yes []"]
    assert any("already running" in e.message for e in conv.trace)


def test_interaction_start_runs_the_interaction_behavior_and_switches():
    interaction = {"uid": "behavior_2", "title": "Interaction", "is_disabled": False, "is_private": False,
                   "priority": 50, "event": {"key": "event.interaction.chat.worker"},
                   "nodes": [switch("which", outcome("x", {"condition": "interaction", "oper": "is", "value": "go"},
                                                     nodes=[act("sw", {"action": "switch_behavior",
                                                                       "behavior_id": "{{{uid.behavior_3}}}",
                                                                       "var_who": "{{interaction_params.who}}"})]))]}
    menu = {"uid": "behavior_4", "title": "Menu", "is_disabled": False, "is_private": False, "priority": 50,
            "event": {"key": "event.interactions.get.worker", "params": {"listen_points": "mail.*\r\nglobal"}},
            "nodes": [act("ret", {"action": "return_interaction", "behavior_id": "{{{uid.behavior_2}}}",
                                  "name": "Go {{point}}", "interaction": "go",
                                  "interaction_params_json": '{"who":" Kina ","bad key!":"x"}'})]}
    sim = Simulator(behavior_package([], extra=[interaction, CHILD, menu]))
    assert [m.label for m in sim.interactions("mail.compose")] == ["Go mail.compose"]
    assert sim.interactions("record:ticket") == []
    item = sim.interactions("global")[0]
    assert item.params == {"who": "Kina", "badkey": "x"}
    conv = sim.start_interaction(item)
    turn = conv.run()
    assert turn.messages == ["child hi Kina []"]
    assert conv.dictionary["interaction"] == "go"


def test_breakpoint_inside_a_run_behavior_sub_behavior():
    sim = Simulator(behavior_package([act("call", {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_2}}}",
                                                   "var_mode": "mx", "var": "r"}),
                                      act("show", say("{{r.out}}"))], extra=[MACRO]))
    conv = sim.start("Main")
    macro = sim.find_behavior("Macro")
    conv.breakpoints = {macro.children[0].id}
    turn = conv.run()
    assert turn.state == "paused"
    assert conv.trace[-1].behavior_uid == "behavior_2" and conv.trace[-1].node_id == macro.children[0].id
    turn = conv.run()
    assert turn.state == "stopped" and turn.messages == ["mx---"]  # inputs not passed stay unset


def test_prompt_wait_resumes_at_once_with_an_empty_message():
    conv, turn = run([act("w", say("working"), {"action": "prompt_wait"}), act("after", say("[{{message}}] done"))],
                     event_values={"message": "ignored"})
    assert turn.messages == ["working", "[] done"] and turn.state == "stopped"
    sim = Simulator(behavior_package([act("w", {"action": "prompt_wait"}), act("a", say("later"))]),
                    options=SimOptions(auto_continue=False))
    conv = sim.start("Main")
    turn = conv.run()
    assert turn.state == "suspended" and turn.prompt["kind"] == "wait"
    assert conv.say("").messages == ["later"]


def test_switch_behavior_only_to_chat_behaviors():
    conv, turn = run([act("go", {"action": "switch_behavior", "behavior_id": "{{{uid.behavior_2}}}"}),
                      act("next", say("still here"))], extra=[MACRO])
    assert turn.messages == ["still here"]
    assert any("not a chat behavior" in e.message for e in conv.trace)


def test_date_inputs_are_formatted_against_the_simulators_clock():
    """formatVariable's strtotime for a date (E) variable uses the simulator's (pinned) clock, not the machine's."""
    from datetime import UTC, datetime
    now = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    variables = {"var_when": {"key": "var_when", "label": "When", "type": "E", "is_private": False, "params": {}}}
    sim = Simulator(behavior_package([act("set", {"action": "var_when", "value": "+2 days"})],
                                     variables=variables), options=SimOptions(now=now))
    started = sim.start("Main", variables={"var_when": "tomorrow"})
    assert started.dictionary["var_when"] == int(datetime(2030, 6, 2, tzinfo=UTC).timestamp())
    started.run()
    assert started.dictionary["var_when"] == int(datetime(2030, 6, 3, 12, 0, tzinfo=UTC).timestamp())
