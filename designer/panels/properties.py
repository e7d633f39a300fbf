"""The properties panel: forms built from the declarative catalogue (resources/catalogue/) through a
field-type → editor factory; every edit is a SetField command (via `edits`), so undo works."""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QRegularExpression, QSignalBlocker, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.errors import DesignerError
from designer.model import ABSENT, Behavior, Bot, ChildRemoved, FieldChanged, Node, Package
from designer.model.catalogue import action_specs
from designer.resources import resource_path


class TwigHighlighter(QSyntaxHighlighter):
    """Twig syntax: {{ output }}, {% tags %}, {# comments #}, strings and placeholders inside them."""

    def __init__(self, document: Any) -> None:
        super().__init__(document)

        def fmt(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
            f = QTextCharFormat()
            f.setForeground(QColor(colour))
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            f.setFontItalic(italic)
            return f

        self.rules = [
            (QRegularExpression(r"\{\{.*?\}\}"), fmt("#1565c0")),
            (QRegularExpression(r"\{%.*?%\}"), fmt("#6a1b9a", bold=True)),
            (QRegularExpression(r"\{\{\{.*?\}\}\}"), fmt("#e65100", bold=True)),
            (QRegularExpression(r"\{#.*?#\}"), fmt("#757575", italic=True)),
        ]
        self.string_rule = (QRegularExpression(r"(\"[^\"]*\"|'[^']*')"), fmt("#2e7d32"))
        self.delims = (QRegularExpression(r"\{\{-?|-?\}\}|\{%-?|-?%\}"), fmt("#d32f2f", bold=True))

    def highlightBlock(self, text: str) -> None:
        for rx, f in self.rules:
            it = rx.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), f)
                inner = self.string_rule[0].globalMatch(m.captured(0))
                while inner.hasNext():
                    s = inner.next()
                    self.setFormat(m.capturedStart() + s.capturedStart(), s.capturedLength(), self.string_rule[1])
        it = self.delims[0].globalMatch(text)
        while it.hasNext():
            m = it.next()
            self.setFormat(m.capturedStart(), m.capturedLength(), self.delims[1])


class FieldEditor(QWidget):
    """One editor: `value()`, `set_value(v)` (no signal), `edited` when the user changes it, `problem()`."""

    edited = Signal()

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"field_{spec.get('key', '')}")
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        if spec.get("help"):
            self.setToolTip(str(spec["help"]))

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def problem(self) -> str | None:
        if self.spec.get("required") and self.value() in ("", None):
            return f"{self.spec.get('label', 'this field')} is required"
        return None


class TextEditor(FieldEditor):
    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.edit = QLineEdit()
        self.layout_.addWidget(self.edit)
        self.edit.textEdited.connect(lambda _t: self.edited.emit())

    def value(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        text = "" if value is None or value is ABSENT else str(value)
        if self.edit.text() != text:
            self.edit.setText(text)


class NumberEditor(TextEditor):
    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._was_number = False

    def set_value(self, value: Any) -> None:
        self._was_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        super().set_value(value)

    def value(self) -> Any:
        text = self.edit.text().strip()
        if self._was_number and re.fullmatch(r"-?\d+", text):
            return int(text)
        return text

    def problem(self) -> str | None:
        text = self.edit.text().strip()
        if text and not re.fullmatch(r"-?\d+(\.\d+)?", text) and "{{" not in text:
            return f"{self.spec.get('label', 'value')} must be a number"
        return super().problem()


class TemplateEdit(QPlainTextEdit):
    """A multi-line Twig template editor: highlighting and placeholder completion (Ctrl+Space or after `{{`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.highlighter = TwigHighlighter(self.document())
        self.completer_model = QStringListModel([])
        self.completer = QCompleter(self.completer_model, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setTabChangesFocus(True)

    def set_placeholders(self, names: list[str]) -> None:
        self.completer_model.setStringList(sorted(set(names)))

    def word_under_cursor(self) -> str:
        cursor = self.textCursor()
        text = cursor.block().text()[: cursor.positionInBlock()]
        m = re.search(r"[A-Za-z0-9_.]*$", text)
        return m.group(0) if m else ""

    def insert_completion(self, completion: str) -> None:
        cursor = self.textCursor()
        prefix = self.word_under_cursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix))
        cursor.insertText(completion)
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape,
                                                 Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            event.ignore()
            return
        forced = event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if not forced:
            super().keyPressEvent(event)
        self.update_completion(bool(forced))

    def update_completion(self, forced: bool = False) -> None:
        prefix = self.word_under_cursor()
        before = self.textCursor().block().text()[: self.textCursor().positionInBlock() - len(prefix)]
        in_tag = bool(re.search(r"(\{\{|\{%)[^}%]*$", before))
        if not forced and (not in_tag or not prefix):
            self.completer.popup().hide()
            return
        self.completer.setCompletionPrefix(prefix)
        if self.completer.completionCount() == 0:
            self.completer.popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(220)
        self.completer.complete(rect)


class TemplateEditor(FieldEditor):
    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.edit = TemplateEdit()
        self.edit.setMaximumHeight(140 if spec.get("type") == "template" else 100)
        self.layout_.addWidget(self.edit)
        self.edit.textChanged.connect(self._changed)
        self._setting = False
        self._crlf = bool(spec.get("crlf"))

    def _changed(self) -> None:
        if not self._setting:
            self.edited.emit()

    def value(self) -> Any:
        text = self.edit.toPlainText()
        return text.replace("\n", "\r\n") if self._crlf else text  # Cerb's lists are CRLF-separated

    def set_value(self, value: Any) -> None:
        text = "" if value is None or value is ABSENT else (value if isinstance(value, str) else json.dumps(value))
        if "\r\n" in text:
            self._crlf = True
            text = text.replace("\r\n", "\n")
        if self.edit.toPlainText() != text:
            self._setting = True
            try:
                self.edit.setPlainText(text)
            finally:
                self._setting = False

    def set_placeholders(self, names: list[str]) -> None:
        self.edit.set_placeholders(names)


class JsonEditor(TemplateEditor):
    """JSON text: the value is the parsed JSON (or the text, for params stored as JSON strings)."""

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._as_string = True
        self._empty: Any = ABSENT

    def set_value(self, value: Any) -> None:
        if value is ABSENT or value is None:
            self._empty, self._as_string = value, False
            super().set_value("")
            return
        self._as_string = isinstance(value, str)
        if self._as_string:
            super().set_value(value or "")
        else:
            current = self._parsed()
            if current is _BAD or current != value:
                super().set_value(json.dumps(value, indent=2))

    def _parsed(self) -> Any:
        text = self.edit.toPlainText()
        try:
            return json.loads(text) if text.strip() else self._empty
        except ValueError:
            return _BAD

    def value(self) -> Any:
        if self._as_string:
            return self.edit.toPlainText()
        return self._parsed()

    def problem(self) -> str | None:
        text = self.edit.toPlainText()
        if not text.strip() or "{{" in text or "{%" in text:
            return None  # templated JSON is only known after rendering
        try:
            json.loads(text)
        except ValueError as exc:
            return f"{self.spec.get('label', 'JSON')}: invalid JSON ({exc})"
        return None


_BAD = object()


class ChoiceEditor(FieldEditor):
    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        self.combo.setEditable(bool(spec.get("editable", False)))
        options = spec.get("options") or []
        self.values: list[Any] = []
        for opt in options:
            if isinstance(opt, dict):
                self.combo.addItem(str(opt.get("label", opt.get("value", ""))), opt.get("value"))
                self.values.append(opt.get("value"))
            else:
                self.combo.addItem(str(opt) if opt != "" else "(none)", opt)
                self.values.append(opt)
        self.layout_.addWidget(self.combo)
        self.combo.activated.connect(lambda _i: self.edited.emit())
        if self.combo.isEditable():
            self.combo.lineEdit().textEdited.connect(lambda _t: self.edited.emit())

    def value(self) -> Any:
        i = self.combo.currentIndex()
        if self.combo.isEditable() and (i < 0 or self.combo.currentText() != self.combo.itemText(i)):
            return self.combo.currentText()
        return self.values[i] if 0 <= i < len(self.values) else ""

    def set_value(self, value: Any) -> None:
        index = next((i for i, v in enumerate(self.values) if v is value or (v == value and type(v) is type(value))), -1)
        if index < 0:
            text = "(not set)" if value is None or value is ABSENT else str(value)
            self.combo.addItem(text if text else "(none)")
            self.values.append(value)
            index = len(self.values) - 1
        if self.combo.currentIndex() != index:
            self.combo.setCurrentIndex(index)


class Bool01Editor(FieldEditor):
    """A checkbox for Cerb's "0"/"1" flags (keeps the value's JSON type: "1", 1 or true)."""

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.box = QCheckBox()
        self.layout_.addWidget(self.box)
        self._kind: Any = str
        self.box.toggled.connect(lambda _b: self.edited.emit())

    def value(self) -> Any:
        on = self.box.isChecked()
        if self._kind is bool:
            return on
        if self._kind is int:
            return int(on)
        return "1" if on else "0"

    def set_value(self, value: Any) -> None:
        self._kind = bool if isinstance(value, bool) else int if isinstance(value, int) else str
        on = value not in (None, "", "0", 0, False)
        if self.box.isChecked() != on:
            self.box.blockSignals(True)
            self.box.setChecked(on)
            self.box.blockSignals(False)


class KeyValueEditor(FieldEditor):
    """A key/value list (a JSON object of strings) as a two-column table."""

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        box = QVBoxLayout()
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Key", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(130)
        add = QPushButton("Add row")
        add.clicked.connect(self._add_row)
        box.addWidget(self.table)
        box.addWidget(add)
        self.layout_.addLayout(box)
        self.table.itemChanged.connect(lambda _i: self.edited.emit())

    def _add_row(self) -> None:
        self.table.insertRow(self.table.rowCount())

    def value(self) -> Any:
        out: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            k, v = self.table.item(row, 0), self.table.item(row, 1)
            if k is not None and k.text():
                out[k.text()] = v.text() if v is not None else ""
        return out

    def set_value(self, value: Any) -> None:
        if self.value() == value:
            return
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for k, v in (value.items() if isinstance(value, dict) else []):
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(str(k)))
            self.table.setItem(row, 1, QTableWidgetItem(v if isinstance(v, str) else json.dumps(v)))
        self.table.blockSignals(False)


VARIABLE_TYPES = [("S", "Text"), ("T", "Multi-line text"), ("U", "URL"), ("D", "Picklist"), ("N", "Number"),
                  ("C", "Yes/No"), ("E", "Date"), ("W", "Worker"), ("contexts", "List of records")]


class VariablesEditor(FieldEditor):
    """A behavior's variables as a table (key, label, type, private); other fields of each entry are kept."""

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._original: Any = ABSENT
        box = QVBoxLayout()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Key", "Label", "Type", "Private"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        buttons = QHBoxLayout()
        self.add_button, self.remove_button = QPushButton("Add"), QPushButton("Remove")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        box.addWidget(self.table)
        box.addLayout(buttons)
        self.layout_.addLayout(box)
        self.table.itemChanged.connect(lambda _i: self.edited.emit())

    def _type_combo(self, code: str) -> QComboBox:
        combo = QComboBox()
        for value, label in VARIABLE_TYPES:
            combo.addItem(f"{label} ({value})", value)
        index = combo.findData(code)
        if index < 0:
            combo.addItem(code, code)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.activated.connect(lambda _i: self.edited.emit())
        return combo

    def _append(self, key: str, entry: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        self.table.setItem(row, 1, QTableWidgetItem(str(entry.get("label", ""))))
        self.table.setCellWidget(row, 2, self._type_combo(str(entry.get("type", "S"))))
        private = QTableWidgetItem()
        private.setFlags(private.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        private.setCheckState(Qt.CheckState.Checked if entry.get("is_private") not in (None, "", "0", 0, False)
                              else Qt.CheckState.Unchecked)
        self.table.setItem(row, 3, private)

    def add_row(self) -> None:
        taken = {self.table.item(r, 0).text() for r in range(self.table.rowCount()) if self.table.item(r, 0)}
        n = 1
        while f"var_new_{n}" in taken:
            n += 1
        self.table.blockSignals(True)
        self._append(f"var_new_{n}", {"label": f"New {n}", "type": "S", "is_private": "0"})
        self.table.blockSignals(False)
        self.edited.emit()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def value(self) -> Any:
        if self.table.rowCount() == 0 and self._original is ABSENT:
            return ABSENT
        original = self._original if isinstance(self._original, dict) else {}
        out: dict[str, Any] = {}
        for row in range(self.table.rowCount()):
            key_item = self.table.item(row, 0)
            key = key_item.text().strip() if key_item is not None else ""
            if not key:
                continue
            old_key = key_item.data(Qt.ItemDataRole.UserRole) or key
            entry = copy.deepcopy(original.get(old_key)) if isinstance(original.get(old_key), dict) else {}
            label = self.table.item(row, 1)
            combo = self.table.cellWidget(row, 2)
            private = self.table.item(row, 3)
            entry["key"] = key
            entry["label"] = label.text() if label is not None else ""
            entry["type"] = combo.currentData() if isinstance(combo, QComboBox) else "S"
            was = entry.get("is_private", "0")
            on = private is not None and private.checkState() == Qt.CheckState.Checked
            entry["is_private"] = (on if isinstance(was, bool) else int(on) if isinstance(was, int)
                                   else ("1" if on else "0"))
            entry.setdefault("params", {})
            out[key] = entry
        return out

    def set_value(self, value: Any) -> None:
        self._original = value
        if self.value() == value:
            return
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for key, entry in (value.items() if isinstance(value, dict) else []):
            self._append(str(key), entry if isinstance(entry, dict) else {})
            self.table.item(self.table.rowCount() - 1, 0).setData(Qt.ItemDataRole.UserRole, str(key))
        self.table.blockSignals(False)

    def problem(self) -> str | None:
        keys = [self.table.item(r, 0).text().strip() for r in range(self.table.rowCount()) if self.table.item(r, 0)]
        if len(keys) != len(set(keys)):
            return "two variables have the same key"
        bad = [k for k in keys if not re.fullmatch(r"var_[a-z0-9_]+", k)]
        if bad:
            return f"variable keys must look like var_name (lower case): {', '.join(bad)}"
        return None


EditorFactory = Callable[[dict[str, Any]], FieldEditor]

EDITOR_FACTORY: dict[str, EditorFactory] = {
    "text": TextEditor,
    "account": TextEditor,
    "number": NumberEditor,
    "template": TemplateEditor,
    "multiline": TemplateEditor,
    "json": JsonEditor,
    "choice": ChoiceEditor,
    "picklist": ChoiceEditor,
    "bool01": Bool01Editor,
    "checkbox": Bool01Editor,
    "keyvalue": KeyValueEditor,
    "variables": VariablesEditor,
    "behavior": lambda spec: ChoiceEditor({**spec, "editable": True}),
    "subroutine": lambda spec: ChoiceEditor({**spec, "editable": True}),
}


def make_editor(spec: dict[str, Any]) -> FieldEditor:
    """The editor for a catalogue param spec; unknown types get a plain text editor."""
    factory = EDITOR_FACTORY.get(str(spec.get("type", "text")), TextEditor)
    return factory(spec)


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
        raw_layout.addWidget(QLabel("Advanced: the raw JSON, including params the catalogue does not know"))
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
                        self._param(node, ("actions", i, extra), self._guess_spec(extra, action[extra]), names, behavior)
        elif node.type == "outcome":
            conds = condition_keys(behavior)
            for gi, group in enumerate(params.get("groups", []) if isinstance(params.get("groups"), list) else []):
                if not isinstance(group, dict):
                    continue
                self._section(f"Condition group {gi + 1}")
                self._field(node, "params", ("groups", gi, "any"),
                            {"key": "any", "type": "bool01", "label": "Any (instead of all)"})
                for ci, cond in enumerate(group.get("conditions", []) if isinstance(group.get("conditions"), list) else []):
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
            current = _BAD
        if current is _BAD or current != value:
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
