"""The import wizard: the package's prompts as a form (connected-account choosers pre-selected by their query,
text prompts with defaults, picklists), a preview of what will be imported and what links to what, then the
import as ONE undoable step (ImportPackageCommand replaces the document's content in place).

What is imported is the package as a template — prompts stay prompts, `{{{key}}}` and `{{{uid.x}}}` stay in
place — so saving or exporting it later writes placeholders, never this machine's account ids. The values
chosen in the wizard go to the simulator, which configures the package with them at each run."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

log = logging.getLogger(__name__)
CONNECTED_ACCOUNT = "cerberusweb.contexts.connected_account"


class ImportPackageCommand(QUndoCommand):
    """Replace the content of `package` (bots, top-level behaviors, header, other records) with `source`'s,
    through the model's own insert/remove operations (so every view follows), as one undo step."""

    def __init__(self, package: Any, source: Any, text: str = "") -> None:
        super().__init__(text or f"Import package “{source.name}”")
        self.package, self.source = package, source
        self.old_bots = list(package.bots)
        self.old_behaviors = list(package.behaviors)
        self.old_header, self.old_extra = package.header, dict(package.extra)
        self.new_bots = list(source.bots)
        self.new_behaviors = list(source.behaviors)
        self.new_header, self.new_extra = source.header, dict(source.extra)

    def _swap(self, remove_bots: list[Any], remove_behaviors: list[Any], add_bots: list[Any],
              add_behaviors: list[Any], header: dict[str, Any], extra: dict[str, Any]) -> None:
        p = self.package
        for b in reversed(remove_behaviors):
            if b in p.behaviors:
                p.remove_behavior(b)
        for bot in reversed(remove_bots):
            if bot in p.bots:
                p.remove_bot(bot)
        p.header = header
        p.extra.clear()
        p.extra.update(extra)
        for i, bot in enumerate(add_bots):
            p.insert_bot(i, bot)
        for i, b in enumerate(add_behaviors):
            p.insert_behavior(None, i, b)

    def redo(self) -> None:
        self._swap(self.old_bots, self.old_behaviors, self.new_bots, self.new_behaviors, self.new_header,
                   self.new_extra)

    def undo(self) -> None:
        self._swap(self.new_bots, self.new_behaviors, self.old_bots, self.old_behaviors, self.old_header,
                   self.old_extra)


def account_sources(local: Any) -> Any:
    """The accounts a chooser can offer: the local Lambda service's throwaway account (when running) and the
    stored accounts."""
    from designer.credentials import AccountChain, AccountStore
    store = AccountStore()
    if local is not None and local.accounts is not None:
        return AccountChain(local.accounts, store)
    return store


class PromptsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Configure the package")
        self.setSubTitle("Cerb asks these when the package is imported.")
        self.form = QFormLayout(self)
        self.widgets: dict[str, QWidget] = {}
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c01c28")

    def initializePage(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets = {}
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c01c28")
        pkg = self.w.source_package
        if not pkg.prompts:
            self.form.addRow(QLabel("This package has no prompts."))
        for prompt in pkg.prompts:
            key = str(prompt.get("key", ""))
            label = str(prompt.get("label") or key)
            params = prompt.get("params") if isinstance(prompt.get("params"), dict) else {}
            kind = prompt.get("type")
            if kind == "chooser" and params.get("context") == CONNECTED_ACCOUNT:
                widget: QWidget = self._account_chooser(str(params.get("query") or ""))
            elif kind == "picklist":
                combo = QComboBox()
                options = params.get("options", [])
                opts = list(options.values()) if isinstance(options, dict) else list(options)
                combo.addItems([str(o) for o in opts])
                default = params.get("default")
                if default not in (None, ""):
                    combo.setCurrentIndex(max(0, combo.findText(str(default))))
                widget = combo
            else:
                edit = QLineEdit(str(self.w.values.get(key) or params.get("default") or ""))
                edit.setPlaceholderText(str(params.get("placeholder") or ""))
                widget = edit
            widget.setObjectName(f"prompt_{key}")
            self.widgets[key] = widget
            self.form.addRow(label, widget)
        self.form.addRow(self.error_label)

    def _account_chooser(self, query: str) -> QComboBox:
        """The accounts matching the prompt's chooser query, best match first and pre-selected; below a
        separator the other accounts (Cerb's chooser would let the user widen the query to reach them)."""
        combo = QComboBox()
        combo.addItem("(choose an account)", "")
        try:
            accounts = self.w.accounts.list()
            matches = self.w.accounts.match_prompt(query) if query else list(accounts)
        except Exception as exc:  # noqa: BLE001 - shown on the page
            accounts, matches = [], []
            self.error_label.setText(str(exc))
        matched = {a.id for a in matches}
        for a in matches:
            combo.addItem(f"{a.name} ({a.provider})", a.id)
        others = [a for a in accounts if a.id not in matched]
        if others:
            combo.insertSeparator(combo.count())
            for a in others:
                combo.addItem(f"{a.name} ({a.provider}) — does not match the query", a.id)
        if matches:
            combo.setCurrentIndex(1)
        combo.setToolTip(f"Accounts matching {query!r} are listed first; the best match is pre-selected"
                         if query else "")
        return combo

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, w in self.widgets.items():
            if isinstance(w, QComboBox):
                data = w.currentData()
                value = str(data) if data is not None else w.currentText()
            else:
                value = w.text()  # type: ignore[attr-defined]
            if value != "":
                out[key] = value
        return out

    def validatePage(self) -> bool:
        from designer.io import ConfigureError, configure_package
        values = self.values()
        try:
            configured = configure_package(self.w.source_package, values)
        except ConfigureError as exc:
            self.error_label.setText(str(exc.message if hasattr(exc, "message") else exc))
            return False
        except Exception as exc:  # noqa: BLE001 - shown on the page
            self.error_label.setText(f"{type(exc).__name__}: {exc}")
            return False
        self.w.values = values
        self.w.configured = configured
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("What will be imported")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Item", "Details"])
        self.tree.setColumnWidth(0, 300)
        self.links = QTreeWidget()
        self.links.setHeaderLabels(["From", "Links to", "How"])
        self.links.setColumnWidth(0, 220)
        self.links.setColumnWidth(1, 220)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 2)
        layout.addWidget(QLabel("What links to what:"))
        layout.addWidget(self.links, 1)

    def initializePage(self) -> None:
        from designer.analysis import behavior_graph
        pkg = self.w.configured.package if self.w.configured is not None else self.w.source_package
        self.tree.clear()
        self.links.clear()
        for bot in pkg.bots:
            item = QTreeWidgetItem([f"Bot: {bot.name}", bot.uid])
            for b in bot.behaviors:
                item.addChild(QTreeWidgetItem([f"Behavior: {b.title}", b.event_key]))
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
        for b in pkg.behaviors:
            self.tree.addTopLevelItem(QTreeWidgetItem([f"Behavior: {b.title}", b.event_key]))
        for key, value in pkg.extra.items():
            count = len(value) if isinstance(value, (list, dict)) else 1
            self.tree.addTopLevelItem(QTreeWidgetItem([f"Records: {key}", f"{count}"]))
        source = self.w.source_package  # links are package tags: read them from the unconfigured package
        graph = behavior_graph(source)
        titles = {n: (d.get("obj").title if d.get("kind") == "behavior" and d.get("obj") is not None else
                      getattr(d.get("obj"), "name", n)) for n, d in graph.nodes(data=True)}
        for a, b, data in graph.edges(data=True):
            dangling = " (missing!)" if data.get("dangling") else ""
            self.links.addTopLevelItem(QTreeWidgetItem([str(titles.get(a, a)), str(titles.get(b, b)) + dangling,
                                                        str(data.get("kind", ""))]))

    def item_texts(self) -> list[str]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out.append(top.text(0))
            out += [top.child(j).text(0) for j in range(top.childCount())]
        return out

    def link_texts(self) -> list[tuple[str, str, str]]:
        return [(self.links.topLevelItem(i).text(0), self.links.topLevelItem(i).text(1),
                 self.links.topLevelItem(i).text(2)) for i in range(self.links.topLevelItemCount())]


class ImportWizard(QWizard):
    """`ImportWizard(path, window=..., local=...)`; `exec()` / `accept()` imports into the window (one undo step).
    Without a window, `configured` and `values` are the result."""

    def __init__(self, path: str | Path, *, window: Any = None, local: Any = None, controller: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        from designer.io import load_package
        self.setWindowTitle("Import package")
        self.setObjectName("ImportWizard")
        self.path = Path(path)
        self.window_, self.local, self.controller = window, local, controller
        self.source_package = load_package(self.path)
        self.values: dict[str, str] = {}
        self.configured: Any = None
        self.accounts = account_sources(local)
        self.prompts_page = PromptsPage(self)
        self.preview_page = PreviewPage(self)
        self.addPage(self.prompts_page)
        self.addPage(self.preview_page)
        self.resize(640, 520)

    def accept(self) -> None:
        if self.configured is None and not self.prompts_page.validatePage():
            return
        if self.window_ is not None:
            import_into(self.window_, self.source_package, self.values, controller=self.controller)
        super().accept()


def import_into(window: Any, template: Any, values: dict[str, str], *, controller: Any = None) -> None:
    """Push the import of `template` (the unconfigured package) onto the window's undo stack, hand the prompt
    `values` to the simulator's controller, and show the first behavior."""
    if window.package is None:
        window.set_document(template, None, modified=True)
    else:
        window.undo_stack.push(ImportPackageCommand(window.package, template))
    if controller is not None:
        controller.end()
        controller.prompt_values = dict(values)
        controller.packageChanged.emit()
    first = next(window.package.all_behaviors(), None)
    if first is not None and hasattr(window, "show_behavior"):
        window.show_behavior(first)
