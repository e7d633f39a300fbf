"""The properties panel: forms built from the declarative catalogue (resources/catalogue/) through a
field-type → editor factory; every edit is a SetField command (via `edits`), so undo works."""
from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.errors import DesignerError
from designer.model import ABSENT, Behavior, Bot, ChildRemoved, FieldChanged, Node, Package
from designer.model.catalogue import action_specs
from designer.panels.editors import INVALID_JSON, FieldEditor, TemplateEdit, make_editor
from designer.resources import resource_path


# ------------------------------------------------------------------------------------------------------
# The catalogue (actions come from designer.model.catalogue; conditions and events are read here)
# ------------------------------------------------------------------------------------------------------
@cache
def condition_catalogue() -> dict[str, Any]:
    return json.loads(resource_path("catalogue", "conditions.json").read_text(encoding="utf-8"))


@cache
def event_catalogue() -> dict[str, Any]:
    return json.loads(resource_path("catalogue", "events.json").read_text(encoding="utf-8"))["events"]


def condition_keys(behavior: Behavior | None) -> dict[str, str]:
    """Condition key → value type, for the behavior's event and its variables."""
    cat = condition_catalogue()
    event = behavior.event_key if behavior is not None else ""
    out = {k: v["type"] for k, v in cat["conditions"].items() if v.get("events") == "*" or event in v.get("events", [])}
    var_types = cat["var_types"]
    for key, var in (behavior.variable_defs.items() if behavior is not None else []):
        code = str(var.get("type", "S"))
        out[key] = var_types.get(code) or ("records" if code.startswith("ctx_") else "text")
    return out


def operators_for(value_type: str) -> list[dict[str, str]]:
    return list(condition_catalogue()["operators"].get(value_type, condition_catalogue()["operators"]["text"]))


def placeholders_for(behavior: Behavior | None, node: Node | None = None) -> list[str]:
    """Event placeholders + behavior variables + placeholders set earlier (custom vars, prompts, loops)."""
    if behavior is None:
        return []
    names = list(event_catalogue().get(behavior.event_key, {}).get("placeholders", []))
    names += list(behavior.variable_defs)
    for other in behavior.walk():
        if isinstance(other.params, dict) and other.type == "loop" and other.params.get("as_placeholder") \
                and (node is None or other.is_ancestor_of(node)):
            names.append(str(other.params["as_placeholder"]))
        for action in other.actions:
            var = action.get("var")
            if isinstance(var, str) and var:
                names.append(var)
        if other is node:
            break
    return sorted(set(names))


# ------------------------------------------------------------------------------------------------------
# Bindings: a model value at a path ↔ one editor
# ------------------------------------------------------------------------------------------------------
def get_path(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def set_path(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A deep copy of `value` with `new` at `path` (dicts created as needed)."""
    root = copy.deepcopy(value) if isinstance(value, (dict, list)) else {}
    cur = root
    for step in path[:-1]:
        if isinstance(cur, dict) and not isinstance(cur.get(step), (dict, list)):
            cur[step] = {}
        cur = cur[step]
    cur[path[-1]] = new
    return root


class Binding:
    def __init__(self, target: Any, field: str, path: tuple[Any, ...], editor: FieldEditor, label: str) -> None:
        self.target, self.field, self.path, self.editor, self.label = target, field, path, editor, label

    def model_value(self, package: Package) -> Any:
        base = package.header.get(self.field) if self.target is package else getattr(self.target, self.field)
        return get_path(base, self.path) if self.path else base

    def new_field_value(self, package: Package, value: Any) -> Any:
        base = package.header.get(self.field) if self.target is package else getattr(self.target, self.field)
        return set_path(base, self.path, value) if self.path else value


class PropertiesPanel(QWidget):
    """Shows and edits the selected node, behavior, bot or package."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("properties")
        self.package: Package | None = None
        self.edits: Any = None
        self.target: Any = None
        self.bindings: list[Binding] = []
        self._signature: Any = None
        self._unsubscribe: Any = None
        self.heading = QLabel("Nothing selected")
        self.heading.setObjectName("propertiesHeading")
        self.heading.setWordWrap(True)
        self.tabs = QTabWidget()
        self.form_host = QScrollArea()
        self.form_host.setWidgetResizable(True)
        self.tabs.addTab(self.form_host, "Form")
        raw = QWidget()
        raw_layout = QVBoxLayout(raw)
        self.raw_edit = TemplateEdit()
        self.raw_edit.setObjectName("rawJson")
        self.raw_status = QLabel("")
        self.raw_apply = QPushButton("Apply")
        self.raw_apply.setObjectName("rawApply")
        self.raw_apply.clicked.connect(self.apply_raw)
        note = QLabel("Advanced: the raw JSON, including params the catalogue does not know")
        note.setWordWrap(True)
        raw_layout.addWidget(note)
        raw_layout.addWidget(self.raw_edit)
        raw_layout.addWidget(self.raw_status)
        raw_layout.addWidget(self.raw_apply)
        self.tabs.addTab(raw, "Raw JSON")
        self.problem_label = QLabel("")
        self.problem_label.setObjectName("validation")
        self.problem_label.setStyleSheet("color: #c62828")
        self.problem_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs)
        layout.addWidget(self.problem_label)
        self.show_object(None)

    # -- document -----------------------------------------------------------------------------------
    def set_document(self, package: Package | None, edits: Any) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.package, self.edits = package, edits
        if package is not None:
            self._unsubscribe = package.events.subscribe(self._on_model_event)
        self.show_object(None)

    def _on_model_event(self, event: Any) -> None:
        if isinstance(event, FieldChanged) and event.target is self.target:
            if self._structure(self.target) != self._signature:
                self.show_object(self.target)
            else:
                self.sync()
        elif isinstance(event, ChildRemoved) and event.child is self.target:
            self.show_object(None)

    def sync(self) -> None:
        """Model → widgets: only values that differ, with the editors' signals blocked."""
        if self.package is None:
            return
        for b in self.bindings:
            value = b.model_value(self.package)
            if b.editor.value() != value:
                blocker = QSignalBlocker(b.editor)
                b.editor.set_value(value)
                del blocker
        self._fill_raw()
        self.validate()

    # -- building forms -----------------------------------------------------------------------------
    def _structure(self, obj: Any) -> Any:
        if isinstance(obj, Node):
            params = obj.params if isinstance(obj.params, dict) else {}
            acts = tuple((a.get("action"), tuple(sorted(a))) for a in obj.actions)
            conds = tuple(tuple((c.get("condition"), tuple(sorted(c))) for c in g.get("conditions", [])
                                if isinstance(c, dict)) for g in obj.groups)
            return ("node", obj.type, acts, conds, tuple(sorted(params)))
        if isinstance(obj, Behavior):
            return ("behavior", obj.event_key, tuple(sorted(obj.event_params)))
        if isinstance(obj, Bot):
            return ("bot",)
        return (type(obj).__name__,)

    def show_object(self, obj: Any) -> None:
        self.target = obj
        self.bindings = []
        self._signature = self._structure(obj)
        page = QWidget()
        self.form = QFormLayout(page)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if obj is None or self.package is None:
            self.heading.setText("Nothing selected")
        elif isinstance(obj, Node):
            self._node_form(obj)
        elif isinstance(obj, Behavior):
            self._behavior_form(obj)
        elif isinstance(obj, Bot):
            self.heading.setText(f"Bot — {obj.name}")
            self._field(obj, "name", (), {"key": "name", "type": "text", "label": "Name", "required": True})
            self._field(obj, "is_disabled", (), {"key": "is_disabled", "type": "bool01", "label": "Disabled"})
        elif isinstance(obj, Package):
            self.heading.setText(f"Package — {obj.name}")
            self._field(obj, "name", (), {"key": "name", "type": "text", "label": "Name", "required": True})
            self._field(obj, "revision", (), {"key": "revision", "type": "number", "label": "Revision"})
        self.form_host.setWidget(page)
        self.raw_edit.setEnabled(isinstance(obj, (Node, Behavior, Bot)))
        self.raw_apply.setEnabled(isinstance(obj, (Node, Behavior, Bot)))
        self._fill_raw()
        self.validate()

    def _field(self, target: Any, field: str, path: tuple[Any, ...], spec: dict[str, Any],
               placeholders: list[str] | None = None) -> FieldEditor:
        editor = make_editor(spec)
        binding = Binding(target, field, path, editor, str(spec.get("label") or spec.get("key")))
        assert self.package is not None
        editor.set_value(binding.model_value(self.package))
        if placeholders is not None and hasattr(editor, "set_placeholders"):
            editor.set_placeholders(placeholders)
        editor.edited.connect(lambda b=binding: self._edited(b))
        self.bindings.append(binding)
        self.form.addRow(binding.label, editor)
        return editor

    def _section(self, text: str) -> None:
        label = QLabel(f"<b>{text}</b>")
        self.form.addRow(label)

    def _node_form(self, node: Node) -> None:
        behavior = node.behavior()
        names = placeholders_for(behavior, node)
        self.heading.setText(f"{node.type.capitalize()} — {node.title}")
        self._field(node, "title", (), {"key": "title", "type": "text", "label": "Title", "required": True})
        self._field(node, "status", (), {"key": "status", "type": "choice", "label": "Status",
                                         "options": ["live", "disabled", "simulator"]})
        params = node.params if isinstance(node.params, dict) else {}
        if node.type == "action":
            specs = action_specs()
            for i, action in enumerate(params.get("actions", []) if isinstance(params.get("actions"), list) else []):
                if not isinstance(action, dict):
                    continue
                key = str(action.get("action", ""))
                spec = specs.get(key)
                self._section(f"Action {i + 1}: {spec.label if spec else key}")
                known = set()
                for pspec in (spec.params if spec else ()):
                    known.add(pspec["key"])
                    self._param(node, ("actions", i, pspec["key"]), pspec, names, behavior)
                for extra in action:
                    if extra not in known and extra != "action":
                        self._param(node, ("actions", i, extra), self._guess_spec(extra, action[extra]), names,
                                    behavior)
        elif node.type == "outcome":
            conds = condition_keys(behavior)
            for gi, group in enumerate(params.get("groups", []) if isinstance(params.get("groups"), list) else []):
                if not isinstance(group, dict):
                    continue
                self._section(f"Condition group {gi + 1}")
                self._field(node, "params", ("groups", gi, "any"),
                            {"key": "any", "type": "bool01", "label": "Any (instead of all)"})
                conditions = group.get("conditions")
                for ci, cond in enumerate(conditions if isinstance(conditions, list) else []):
                    if not isinstance(cond, dict):
                        continue
                    ckey = str(cond.get("condition", ""))
                    path = ("groups", gi, "conditions", ci)
                    self._field(node, "params", (*path, "condition"),
                                {"key": "condition", "type": "choice", "label": f"Condition {ci + 1}",
                                 "options": sorted(conds)})
                    opers = [{"value": o["oper"], "label": o["label"]} for o in operators_for(conds.get(ckey, "text"))]
                    if opers or "oper" in cond:
                        self._field(node, "params", (*path, "oper"),
                                    {"key": "oper", "type": "choice", "label": "Operator", "options": opers})
                    cat = condition_catalogue()["conditions"].get(ckey, {})
                    known = {"condition", "oper"}
                    for pspec in cat.get("params", []):
                        known.add(pspec["key"])
                        self._param(node, (*path, pspec["key"]), pspec, names, behavior)
                    for extra in cond:
                        if extra not in known:
                            self._param(node, (*path, extra), self._guess_spec(extra, cond[extra]), names, behavior)
        elif node.type == "loop":
            self._param(node, ("foreach_json",), {"key": "foreach_json", "type": "template",
                                                  "label": "For each (JSON)"}, names, behavior)
            self._param(node, ("as_placeholder",), {"key": "as_placeholder", "type": "text",
                                                    "label": "As placeholder"}, names, behavior)

    def _param(self, node: Node, path: tuple[Any, ...], spec: dict[str, Any], names: list[str],
               behavior: Behavior | None) -> None:
        kind = spec.get("type")
        if kind == "behavior" and self.package is not None:
            spec = {**spec, "options": ["", *(f"{{{{{{uid.{b.uid}}}}}}}" for b in self.package.all_behaviors())]}
        elif kind == "subroutine" and behavior is not None:
            spec = {**spec, "options": ["", *behavior.subroutines()]}
        self._field(node, "params", path, spec, names)

    @staticmethod
    def _guess_spec(key: str, value: Any) -> dict[str, Any]:
        if isinstance(value, (dict, list)):
            return {"key": key, "type": "json", "label": key}
        if isinstance(value, str) and ("\n" in value or "{{" in value or "{%" in value):
            return {"key": key, "type": "template", "label": key}
        return {"key": key, "type": "number" if isinstance(value, (int, float)) and not isinstance(value, bool)
                else "text", "label": key}

    def _behavior_form(self, behavior: Behavior) -> None:
        self.heading.setText(f"Behavior — {behavior.title}")
        self._field(behavior, "title", (), {"key": "title", "type": "text", "label": "Title", "required": True})
        self.form.addRow("uid", QLabel(behavior.uid))
        event = event_catalogue().get(behavior.event_key, {})
        self.form.addRow("Event", QLabel(f"{event.get('label', '')} ({behavior.event_key})"))
        self._field(behavior, "priority", (), {"key": "priority", "type": "number", "label": "Priority"})
        self._field(behavior, "is_disabled", (), {"key": "is_disabled", "type": "bool01", "label": "Disabled"})
        self._field(behavior, "is_private", (), {"key": "is_private", "type": "bool01", "label": "Private"})
        specs = list(event.get("params", []))
        known = {s["key"] for s in specs}
        specs += [self._guess_spec(k, v) for k, v in behavior.event_params.items() if k not in known]
        if specs:
            self._section("Event parameters")
            for spec in specs:
                self._field(behavior, "event", ("params", spec["key"]), spec, placeholders_for(behavior))
        self._section("Variables")
        self._field(behavior, "variables", (), {"key": "variables", "type": "variables", "label": "Variables"})
        add = QPushButton("Add variable")
        add.setObjectName("addVariable")
        add.clicked.connect(lambda: self.add_variable(behavior))
        self.form.addRow("", add)

    def add_variable(self, behavior: Behavior, label: str = "New variable", type_code: str = "S") -> str:
        existing = behavior.variable_defs
        base = "var_" + re.sub(r"[^a-z0-9_]+", "_", label.lower()).strip("_")
        key, n = base, 1
        while key in existing:
            n += 1
            key = f"{base}_{n}"
        variables = copy.deepcopy(behavior.variables) if isinstance(behavior.variables, dict) else {}
        variables[key] = {"key": key, "label": label, "type": type_code, "is_private": "0", "params": {}}
        if self.edits is not None:
            self.edits.set_field(behavior, "variables", variables, "Add variable")
        return key

    # -- widget → model -----------------------------------------------------------------------------
    def _edited(self, binding: Binding) -> None:
        problem = binding.editor.problem()
        self.validate()
        if problem or self.package is None or self.edits is None:
            return
        value = binding.editor.value()
        if value == binding.model_value(self.package) and type(value) is type(binding.model_value(self.package)):
            return
        new = binding.new_field_value(self.package, value)
        try:
            self.edits.set_field(binding.target, binding.field, new, f"Edit {binding.label}")
        except DesignerError as exc:
            self.problem_label.setText(str(exc))

    def validate(self) -> list[str]:
        problems = []
        for b in self.bindings:
            problem = b.editor.problem()
            b.editor.setStyleSheet("QLineEdit, QPlainTextEdit { border: 1px solid #c62828; }" if problem else "")
            if problem:
                problems.append(problem)
        self.problem_label.setText("\n".join(problems))
        return problems

    # -- raw JSON -----------------------------------------------------------------------------------
    def _raw_value(self) -> Any:
        obj = self.target
        if isinstance(obj, Node):
            return obj.params if obj.params is not ABSENT else {}
        if isinstance(obj, Behavior):
            out = {"event": obj.event}
            if obj.variables is not ABSENT:
                out["variables"] = obj.variables
            return out
        if isinstance(obj, Bot):
            return obj.params
        return None

    def _fill_raw(self) -> None:
        value = self._raw_value()
        text = json.dumps(value, indent=2, ensure_ascii=False) if value is not None else ""
        try:
            current = json.loads(self.raw_edit.toPlainText()) if self.raw_edit.toPlainText().strip() else None
        except ValueError:
            current = INVALID_JSON
        if current is INVALID_JSON or current != value:
            self.raw_edit.setPlainText(text)
        self.raw_status.setText("")

    def apply_raw(self) -> bool:
        obj = self.target
        if self.edits is None or obj is None:
            return False
        try:
            value = json.loads(self.raw_edit.toPlainText())
        except ValueError as exc:
            self.raw_status.setText(f"Invalid JSON: {exc}")
            self.raw_status.setStyleSheet("color: #c62828")
            return False
        if isinstance(obj, Node):
            self.edits.set_field(obj, "params", value, "Edit params (JSON)")
        elif isinstance(obj, Behavior):
            if not isinstance(value, dict) or not isinstance(value.get("event"), dict):
                self.raw_status.setText('Expected {"event": {...}, "variables": {...}}')
                return False
            with self.edits.macro("Edit behavior (JSON)"):
                self.edits.set_field(obj, "event", value["event"])
                self.edits.set_field(obj, "variables", value.get("variables", ABSENT))
        elif isinstance(obj, Bot):
            self.edits.set_field(obj, "params", value, "Edit bot params (JSON)")
        self.raw_status.setText("Applied")
        self.raw_status.setStyleSheet("color: #2e7d32")
        return True
