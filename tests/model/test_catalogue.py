"""The declarative catalogue (resources/catalogue/): every param an author edits has a type, a label and help,
and the Lambda actions declare exactly the params the simulator reads."""
from __future__ import annotations

import ast
import inspect
import json

import pytest

from designer.model.catalogue import action_specs
from designer.resources import resource_path
from designer.sim.actions import lambda_actions

CONDITIONS = json.loads(resource_path("catalogue", "conditions.json").read_text(encoding="utf-8"))
EVENTS = json.loads(resource_path("catalogue", "events.json").read_text(encoding="utf-8"))["events"]

# (key, type) in form order, as the Lambda caller profiles define them.
LAMBDA_PARAMS = {
    "aws.lambda.connect_invoke": [
        ("account_id", "account"), ("function", "template"), ("qualifier", "template"), ("parameters", "json"),
        ("timeout", "number"), ("response_validation", "choice"), ("save_as_attributes", "template"),
        ("run_in_simulator", "bool01"), ("var", "text")],
    "aws.lambda.lex_codehook": [
        ("account_id", "account"), ("function", "template"), ("qualifier", "template"),
        ("intent_name", "template"), ("invocation_source", "choice"), ("slots", "json"),
        ("input_transcript", "template"), ("user_id", "template"), ("bot_name", "template"),
        ("bot_alias", "template"), ("bot_version", "template"), ("confirmation_status", "choice"),
        ("output_dialog_mode", "choice"), ("session_attributes", "json"), ("request_attributes", "json"),
        ("timeout", "number"), ("run_in_simulator", "bool01"), ("var", "text")],
    "aws.lambda.invoke": [
        ("account_id", "account"), ("function", "template"), ("qualifier", "template"),
        ("invocation_type", "choice"), ("payload", "template"), ("client_context", "json"), ("timeout", "number"),
        ("run_in_simulator", "bool01"), ("var", "text")],
    "aws.lambda.custom_code": [
        ("account_id", "account"), ("function_name", "template"), ("runtime", "choice"), ("handler_name", "text"),
        ("code", "multiline"), ("role_arn", "template"), ("description", "template"), ("tags", "template"),
        ("payload", "template"), ("delete_after", "bool01"), ("function_timeout", "number"),
        ("memory_size", "number"), ("timeout", "number"), ("run_in_simulator", "bool01"), ("var", "text")],
}
LAMBDA_OPTIONS = {
    ("aws.lambda.connect_invoke", "response_validation"): ["STRING_MAP", "JSON"],
    ("aws.lambda.lex_codehook", "invocation_source"): ["FulfillmentCodeHook", "DialogCodeHook"],
    ("aws.lambda.lex_codehook", "confirmation_status"): ["None", "Confirmed", "Denied"],
    ("aws.lambda.lex_codehook", "output_dialog_mode"): ["Text", "Voice"],
    ("aws.lambda.invoke", "invocation_type"): ["RequestResponse", "Event"],
    ("aws.lambda.custom_code", "runtime"): ["python3.12", "python3.11", "nodejs20.x", "ruby3.3"],
}
# Keys the simulator reads only as fallbacks for other spellings (payload_json ~ payload, an http-style account).
LAMBDA_FALLBACK_KEYS = {"payload_json", "auth_connected_account_id"}


def _all_param_specs():
    for key, spec in action_specs().items():
        for p in spec.params:
            yield f"action {key}", p
    for key, cond in CONDITIONS["conditions"].items():
        for p in cond.get("params", []):
            yield f"condition {key}", p
    for key, event in EVENTS.items():
        for p in event.get("params", []):
            yield f"event {key}", p


def test_every_param_has_a_key_type_label_and_help():
    specs = list(_all_param_specs())
    assert len(specs) > 200  # actions, conditions and event params are all covered
    for where, p in specs:
        for field in ("key", "type", "label", "help"):
            assert isinstance(p.get(field), str) and p[field].strip(), (where, p.get("key"), field)
        assert p["help"].rstrip().endswith((".", ")")), (where, p["key"], "help is one sentence")
        assert p["help"].strip().lower() != p["label"].strip().lower(), (where, p["key"], "help repeats the label")


def test_param_keys_are_unique_per_action():
    for key, spec in action_specs().items():
        keys = [p["key"] for p in spec.params]
        assert len(keys) == len(set(keys)), key


def test_every_choice_param_has_options():
    for where, p in _all_param_specs():
        if p["type"] in ("choice", "picklist"):
            assert isinstance(p.get("options"), list) and p["options"], (where, p["key"])
            values = [o["value"] if isinstance(o, dict) else o for o in p["options"]]
            assert len(values) == len(set(values)), (where, p["key"])


def test_prompt_var_format_is_a_template():
    # Cerb renders var_format as a template over the answer ("{{message|date('U')}}" in the prompt fixture);
    # a picklist of ""/"json" could not show such a value.
    found = [(key, p["type"]) for key, spec in action_specs().items() for p in spec.params if p["key"] == "var_format"]
    assert len(found) == 6
    assert {t for _, t in found} == {"template"}


@pytest.mark.parametrize("key", sorted(LAMBDA_PARAMS))
def test_lambda_actions_declare_the_profile_params(key):
    params = action_specs()[key].params
    assert [(p["key"], p["type"]) for p in params] == LAMBDA_PARAMS[key]
    for p in params:
        if p["type"] == "choice":
            assert p["options"] == LAMBDA_OPTIONS[(key, p["key"])]
    assert {(key, p["key"]) for p in params if p["type"] == "choice"} == {k for k in LAMBDA_OPTIONS if k[0] == key}


def _keys_read_by_the_simulator() -> set[str]:
    """Every string literal `x` in `params.get("x")`, `params["x"]` or `a.get("x")` of lambda_actions.py."""
    tree = ast.parse(inspect.getsource(lambda_actions))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("params", "a") and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            keys.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "params" \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            keys.add(node.slice.value)
    return keys


def test_lambda_params_are_exactly_what_the_simulator_reads():
    read = _keys_read_by_the_simulator()
    assert {"account_id", "function", "save_as_attributes", "intent_name", "memory_size", "var"} <= read  # sanity
    declared = {p["key"] for key in LAMBDA_PARAMS for p in action_specs()[key].params}
    assert sorted(declared - read) == []  # nothing in the form that the simulator ignores
    assert sorted(read - declared - LAMBDA_FALLBACK_KEYS) == []  # nothing the simulator reads that has no editor


def test_lambda_help_states_the_limits():
    def help_of(action: str, key: str) -> str:
        return next(p["help"] for p in action_specs()[action].params if p["key"] == key)

    assert "8" in help_of("aws.lambda.connect_invoke", "timeout")
    assert "20 s" in help_of("aws.lambda.connect_invoke", "timeout")
    assert "30" in help_of("aws.lambda.lex_codehook", "timeout")
    assert "MB" in help_of("aws.lambda.custom_code", "memory_size")
    assert "_lambda" in help_of("aws.lambda.invoke", "var")
