"""Every dialog the app shows, behind one object the window holds as `window.dialogs`, so tests replace it
with a recorder instead of seeing modal boxes."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

PACKAGE_FILTER = "Cerb packages (*.json);;All files (*)"


class Dialogs:
    def error(self, parent: QWidget | None, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
        if details:
            box.setDetailedText(details)
        box.exec()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def unsaved_changes(self, parent: QWidget | None, name: str) -> str:
        """'save', 'discard' or 'cancel'."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        answer = QMessageBox.warning(parent, "Unsaved changes", f"Save the changes to {name} before closing?",
                                     buttons, QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            answer, "cancel")

    def recover(self, parent: QWidget | None, description: str) -> bool:
        answer = QMessageBox.question(parent, "Recover unsaved changes?",
                                      f"Bot Designer did not close properly. Recover unsaved changes?\n\n{description}",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def reload_changed_file(self, parent: QWidget | None, path: str, modified: bool) -> bool:
        extra = "\n\nYour unsaved changes will be lost." if modified else ""
        answer = QMessageBox.question(parent, "File changed on disk",
                                      f"{path} was changed by another program. Reload it?{extra}")
        return answer == QMessageBox.StandardButton.Yes

    def open_file(self, parent: QWidget | None, title: str = "Open package", folder: str = "",
                  filter: str = PACKAGE_FILTER) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, folder, filter)
        return path or None

    def save_file(self, parent: QWidget | None, title: str = "Save package as", suggested: str = "",
                  filter: str = PACKAGE_FILTER) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter)
        return path or None

    def text(self, parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, value)
        return text if ok else None

    def prompts(self, parent: QWidget | None, prompts: list[dict[str, Any]]) -> dict[str, str] | None:
        """Ask the package's configure prompts; None when cancelled."""
        dialog = PromptsDialog(prompts, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class PromptsDialog(QDialog):
    """A simple form for a package's configure prompts (the import wizard replaces it later)."""

    def __init__(self, prompts: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Configure package")
        form = QFormLayout(self)
        form.addRow(QLabel("This package asks for these values:"))
        self._editors: dict[str, Any] = {}
        for prompt in prompts:
            key = str(prompt.get("key", ""))
            params = prompt.get("params") if isinstance(prompt.get("params"), dict) else {}
            if prompt.get("type") == "picklist":
                editor: Any = QComboBox()
                options = params.get("options", [])
                editor.addItems([str(o) for o in (options.values() if isinstance(options, dict) else options)])
                if params.get("default") not in (None, ""):
                    editor.setCurrentText(str(params["default"]))
            else:
                editor = QLineEdit(str(params.get("default", "") or ""))
            editor.setObjectName(f"prompt_{key}")
            self._editors[key] = editor
            form.addRow(str(prompt.get("label") or key), editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        out = {}
        for key, editor in self._editors.items():
            value = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
            if value != "":
                out[key] = value
        return out
