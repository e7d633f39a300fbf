"""Field editors for the properties panel: one widget class per catalogue field type, and the factory that
maps a field spec to its editor (text, number, Twig template with highlighting and completion, JSON, choice,
"0"/"1" checkbox, key/value list, behavior variables)."""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRegularExpression, QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.model import ABSENT


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
            if current is INVALID_JSON or current != value:
                super().set_value(json.dumps(value, indent=2))

    def _parsed(self) -> Any:
        text = self.edit.toPlainText()
        try:
            return json.loads(text) if text.strip() else self._empty
        except ValueError:
            return INVALID_JSON

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


INVALID_JSON = object()


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
        index = next((i for i, v in enumerate(self.values)
                      if v is value or (v == value and type(v) is type(value))), -1)
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
        if value is None or value is ABSENT:  # not in the JSON: show what the simulator will assume
            value = self.spec.get("default", value)
        self._kind = bool if isinstance(value, bool) else int if isinstance(value, int) else str
        on = value not in (None, ABSENT, "", "0", 0, False)
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
