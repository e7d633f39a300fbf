"""The main window: outline, canvas, properties and problems around one open package, with undo/redo,
atomic save, autosave + crash recovery, external-change detection and find."""
from __future__ import annotations

import hashlib
import logging
import uuid
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QFileSystemWatcher, QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.app import recovery
from designer.app.dialogs import Dialogs
from designer.app.edits import Edits
from designer.app.node_editing import NodeEditing
from designer.app.settings import Settings, recovery_dir
from designer.app.tasks import TaskRunner
from designer.errors import DesignerError
from designer.io import (
    PackageFormatError,
    SaveError,
    configure_package,
    dumps_package,
    load_package,
    read_package_value,
    save_package,
)
from designer.model import Behavior, Bot, Node, Package

if TYPE_CHECKING:
    from designer.panels.find import Match

log = logging.getLogger(__name__)

APP_NAME = "Bot Designer"
DOCK = Qt.DockWidgetArea

MENUS = ("File", "Edit", "View", "Simulate", "Tools")
# Every dock of the window and where it sits by default. The frames exist from the start, so a remembered
# layout puts them in place before (and whether or not) their contents are built.
DOCKS = {"Outline": DOCK.LeftDockWidgetArea, "Minimap": DOCK.LeftDockWidgetArea,
         "Properties": DOCK.RightDockWidgetArea, "Simulator": DOCK.RightDockWidgetArea,
         "Problems": DOCK.BottomDockWidgetArea, "Debugger": DOCK.BottomDockWidgetArea,
         "Local Lambda": DOCK.BottomDockWidgetArea}
TABBED_DOCKS = (("Problems", "Local Lambda"),)  # (shown, behind it)
# Panels that scroll inside their dock rather than hold the window's minimum size above a laptop screen's
# height (the simulator keeps its own: its chat line must stay in view)
SCROLLED_DOCKS = frozenset({"Properties", "Debugger", "Local Lambda"})
BUILD_AT_THE_LATEST_MS = 500  # a staged window builds after its first paint, or after this long without one


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MainWindow(QMainWindow, NodeEditing):
    """Built in two steps: the frame (menu bar, dock frames in their remembered places, status bar), then
    everything inside it. `staged=True` paints the frame first and builds the rest right after the first paint,
    so the window is on screen before the canvas, the panels and the simulator exist (docs/architecture.md)."""

    documentChanged = Signal(object)  # the Package opened, or None when closed
    built = Signal()  # the panels, the canvas and the menus exist

    def __init__(self, *, settings: Settings | None = None, dialogs: Dialogs | None = None,
                 local_lambda_dir: str | Path | None = None, offer_recovery: bool = True,
                 staged: bool = False) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings or Settings()
        self.dialogs = dialogs or Dialogs()
        self.local_lambda_dir = Path(local_lambda_dir) if local_lambda_dir else None
        self.session = uuid.uuid4().hex
        this = weakref.ref(self)
        recovery.register_session(self.session, lambda: (w := this()) is not None and shiboken6.isValid(w))
        self.recovery_folder = recovery_dir()
        self.tasks = TaskRunner(self)
        self.package: Package | None = None
        self.file_path: Path | None = None
        self.undo_stack = QUndoStack()  # no Qt parent: its destructor's clear() must not signal a dying window
        self.edits: Edits | None = None
        self._current_behavior: Behavior | None = None
        self._forced_dirty = False
        self._known_digest: str | None = None
        self._offer_recovery = offer_recovery
        self.is_built = False
        self._closed = False
        self.menus: dict[str, QMenu] = {}
        self.docks: dict[str, QDockWidget] = {}
        self.importer: Callable[[str | Path], bool] | None = None  # File ▸ Import; the import wizard sets it

        for name in MENUS:
            self.menus[name] = self.menuBar().addMenu(f"&{name}")
        self._central_layout = QVBoxLayout(central := QWidget())
        self._central_layout.setContentsMargins(0, 0, 0, 0)
        self._central_layout.setSpacing(0)
        self.setCentralWidget(central)
        for title, area in DOCKS.items():
            self._dock_frame(title, area)
        for first, second in TABBED_DOCKS:
            self.tabifyDockWidget(self.docks[first], self.docks[second])
            self.docks[first].raise_()
        self.status_label = QLabel("")
        self.statusBar().addPermanentWidget(self.status_label)

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self._watch_timer = QTimer(self, singleShot=True, interval=150)
        self._watch_timer.timeout.connect(self.check_external_change)
        self._checking_external = False
        self.autosave_timer = QTimer(self, interval=self.settings.autosave_seconds() * 1000)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()

        self.setAcceptDrops(True)
        room = self.screen().availableGeometry()  # a first start on a small screen: the whole window on it
        self.resize(min(1280, room.width()), min(800, room.height()))
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is None or not self.restoreState(state):
            self._default_layout()
            QTimer.singleShot(0, self, self._default_layout)  # again once shown: dock sizes need a laid-out window
        self._build_after_paint = staged
        if staged:
            QTimer.singleShot(BUILD_AT_THE_LATEST_MS, self, self.build)  # when no paint comes (shown minimised)
        else:
            self.build()

    def _dock_frame(self, title: str, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower().replace(' ', '_')}")
        self.addDockWidget(area, dock)
        self.docks[title] = dock
        if self.is_built:  # an extension's dock; the window's own frames are listed when the menus are built
            self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._build_after_paint:
            self._build_after_paint = False
            QTimer.singleShot(0, self, self.build)  # after this frame has reached the screen

    def build(self) -> None:
        """Build the canvas, the panels, the menus' entries and the simulator into the frame, and open a new
        document (then offer crash recovery, unless told not to). Runs once; `built` is emitted after."""
        if self.is_built or self._closed:
            return  # a window closed before its build (quit at once) starts no panels and no service
        self.is_built = True
        self._build_after_paint = False
        # imported here: the frame paints before these modules (and the Qt types they use) are loaded
        from designer.canvas import BehaviorCanvas, CanvasMinimap
        from designer.panels.find import FindBar
        from designer.panels.outline import OutlinePanel
        from designer.panels.problems import ProblemsPanel
        from designer.panels.properties import PropertiesPanel
        from designer.panels.simulation import install_simulation_docks

        self.canvas = BehaviorCanvas(self)
        self.canvas.setObjectName("canvas")
        self.canvas.setMinimumSize(360, 240)  # a restored dock layout may shrink the docks, never the tree
        self.minimap = CanvasMinimap(self.canvas)
        self.find_bar = FindBar()
        self.find_bar.hide()
        self._central_layout.addWidget(self.find_bar)
        self._central_layout.addWidget(self.canvas, 1)

        self.outline = OutlinePanel()
        self.properties = PropertiesPanel()
        self.problems = ProblemsPanel()
        self.problems.run_in_background = lambda fn, data, on_done: self.tasks.run(fn, data, on_done=on_done)
        self._build_menus()
        self.add_dock("Outline", self.outline)
        self.add_dock("Properties", self.properties)
        self.add_dock("Problems", self.problems)
        dock = self.add_dock("Minimap", self.minimap)
        self.minimap_action.setChecked(not dock.isHidden())
        self.minimap_action.toggled.connect(dock.setVisible)
        dock.visibilityChanged.connect(self.minimap_action.setChecked)

        self.outline.behaviorSelected.connect(self.show_behavior)
        self.outline.objectSelected.connect(self._outline_object)
        self.canvas.selectionChanged.connect(self._canvas_selection)
        self.canvas.followBehavior.connect(lambda behavior, _node: self.reveal(behavior))
        self.canvas.behaviorChanged.connect(self._canvas_behavior_changed)
        self.canvas.editRefused.connect(lambda why: self.statusBar().showMessage(why, 8000))
        self.canvas.nodeActivated.connect(lambda node: self.properties.show_object(node))
        self.problems.problemActivated.connect(lambda _p, target: self.reveal(target))
        self.problems.problemsChanged.connect(self._problems_changed)
        self.find_bar.matchActivated.connect(self._match_activated)
        self.undo_stack.cleanChanged.connect(self._stack_changed)
        self.undo_stack.indexChanged.connect(self._stack_changed)
        install_simulation_docks(self)
        self.new_document(prompt=False)
        if self._offer_recovery:
            self.offer_recovery()
        self.built.emit()

    # ------------------------------------------------------------------------------------------------
    # public API for panels and extensions
    # ------------------------------------------------------------------------------------------------
    def add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea = DOCK.RightDockWidgetArea
                 ) -> QDockWidget:
        """Put `widget` in the dock `title`: the window's own frame for it, or a new dock in `area`."""
        dock = self.docks.get(title) or self._dock_frame(title, area)
        if title in SCROLLED_DOCKS:
            scroller = QScrollArea()
            scroller.setObjectName(f"{dock.objectName()}_scroller")
            scroller.setWidgetResizable(True)  # the panel fills the dock; it scrolls only below its minimum
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(widget)
            # up and down only: the dock keeps the panel's own minimum width
            scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroller.setMinimumWidth(widget.minimumSizeHint().width() + scroller.verticalScrollBar().sizeHint().width())
            dock.setWidget(scroller)
        else:
            dock.setWidget(widget)
        return dock

    def _default_layout(self) -> None:
        if not shiboken6.isValid(self):
            return
        left = [self.docks["Outline"], self.docks["Minimap"]]
        self.resizeDocks(left, [520, 180], Qt.Orientation.Vertical)
        # the simulator's chat needs the height more than the properties form, which scrolls
        self.resizeDocks([self.docks["Properties"], self.docks["Simulator"]], [200, 420], Qt.Orientation.Vertical)
        self.resizeDocks([left[0], self.docks["Properties"]], [240, 340], Qt.Orientation.Horizontal)
        bottom = [d for d in self.docks.values() if self.dockWidgetArea(d) == DOCK.BottomDockWidgetArea]
        self.resizeDocks(bottom, [190] * len(bottom), Qt.Orientation.Vertical)

    def current_behavior(self) -> Behavior | None:
        return self._current_behavior

    def is_modified(self) -> bool:
        return self._forced_dirty or not self.undo_stack.isClean()

    # ------------------------------------------------------------------------------------------------
    # menus
    # ------------------------------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name or "action_" + text.lower().strip(".… ").replace(" ", "_").replace("%", "pct"))
        if shortcut is not None:
            action.setShortcuts(QKeySequence.keyBindings(shortcut) if isinstance(shortcut, QKeySequence.StandardKey)
                                else [QKeySequence(shortcut)])
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        key = QKeySequence.StandardKey
        m = self.menus["File"]
        self._action(m, "&New", lambda: self.new_document(), key.New, "action_new")
        self._action(m, "&Open…", self.open_dialog, key.Open, "action_open")
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addSeparator()
        self._action(m, "&Save", self.save, key.Save, "action_save")
        self._action(m, "Save &As…", self.save_as, key.SaveAs, "action_save_as")
        m.addSeparator()
        self._action(m, "&Import package…", self.import_dialog, None, "action_import")
        self._action(m, "&Export configured…", self.export_dialog, None, "action_export")
        m.addSeparator()
        self._action(m, "&Close", self.close_document, key.Close, "action_close")
        self._action(m, "&Quit", self.close, key.Quit, "action_quit")

        m = self.menus["Edit"]
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.keyBindings(key.Undo))
        undo.setObjectName("action_undo")
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(QKeySequence.keyBindings(key.Redo))
        redo.setObjectName("action_redo")
        m.addActions([undo, redo])
        self.undo_action, self.redo_action = undo, redo
        m.addSeparator()
        # the canvas owns the node edits (it knows the selection and view state); the window-wide copies of its
        # actions give them the menu entries and work while another panel has focus
        for name, text, shortcut in (("cut", "Cu&t", key.Cut), ("copy", "&Copy", key.Copy),
                                     ("paste", "&Paste", key.Paste), ("duplicate", "D&uplicate", "Ctrl+D"),
                                     ("delete", "&Delete", key.Delete)):
            source = self.canvas.actions()[name]
            mirror = self._action(m, text, source.trigger, shortcut, f"action_{name}")
            mirror.setEnabled(source.isEnabled())
            source.enabledChanged.connect(mirror.setEnabled)
        for name in ("add_child", "add_sibling", "rename", "toggle_status", "move_up", "move_down",
                     "toggle_breakpoint"):
            action = self.canvas.actions()[name]
            action.setObjectName(f"canvas_{name}")
            m.addAction(action)
        add = m.addMenu("&Add node")
        for kind, label in (("action", "&Action"), ("switch", "&Decision"), ("outcome", "&Outcome"),
                            ("loop", "&Loop"), ("subroutine", "&Subroutine")):
            self._action(add, label, lambda k=kind: self.add_node(k), None, f"action_add_{kind}")
        m.addSeparator()
        self._action(m, "&Find…", self.find_bar.activate, key.Find, "action_find")
        self._action(m, "Find &Next", self.find_bar.find_next, key.FindNext, "action_find_next")
        self._action(m, "Find Pre&vious", self.find_bar.find_previous, key.FindPrevious, "action_find_previous")

        m = self.menus["View"]
        canvas = self.canvas
        self._action(m, "Zoom &In", canvas.zoom_in, key.ZoomIn, "action_zoom_in")
        self._action(m, "Zoom &Out", canvas.zoom_out, key.ZoomOut, "action_zoom_out")
        self._action(m, "Zoom to &Fit", canvas.zoom_fit, "Ctrl+9", "action_zoom_fit")
        self._action(m, "Zoom &100 %", canvas.zoom_reset, "Ctrl+0", "action_zoom_reset")
        m.addSeparator()
        self._action(m, "&Collapse All", canvas.collapse_all, None, "action_collapse_all")
        self._action(m, "&Expand All", canvas.expand_all, None, "action_expand_all")
        orientation = m.addMenu("&Orientation")
        group = QActionGroup(self)
        for label, value in (("&Top to bottom", "vertical"), ("&Left to right", "horizontal")):
            act = QAction(label, self, checkable=True)
            act.setObjectName(f"action_orientation_{value}")
            act.triggered.connect(lambda _c=False, v=value: self.canvas.set_orientation(v))
            group.addAction(act)
            orientation.addAction(act)
            act.setChecked(value == "vertical")
        self.minimap_action = QAction("&Minimap", self, checkable=True)
        self.minimap_action.setObjectName("action_minimap")
        m.addAction(self.minimap_action)
        self.panels_menu = m.addMenu("&Panels")
        for dock in self.docks.values():
            self.panels_menu.addAction(dock.toggleViewAction())

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files():
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_file(p))
        if not self.settings.recent_files():
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self.settings.clear_recent_files)

    # ------------------------------------------------------------------------------------------------
    # documents
    # ------------------------------------------------------------------------------------------------
    def set_document(self, package: Package | None, path: Path | None, *, modified: bool = False) -> None:
        self.build()  # a document needs the panels: a file dropped before the first paint builds them now
        recovery.remove(self.recovery_folder, self.session)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.package, self.file_path = package, path
        self._forced_dirty = modified
        self.edits = Edits(package, self.undo_stack, self.canvas.view_state) if package is not None else None
        self._current_behavior = None
        self.canvas.set_document(package, self.undo_stack)
        self.outline.set_document(package, self.edits)
        self.properties.set_document(package, self.edits)
        self.problems.set_document(package)
        self.find_bar.set_document(package)
        self._watch(path)
        self._update_title()
        if package is not None:
            first = next(package.all_behaviors(), None)
            if first is not None:
                self.outline.select_object(first)
        self.documentChanged.emit(package)

    def new_document(self, *, prompt: bool = True) -> None:
        if prompt and not self.maybe_save():
            return
        package = Package("New package")
        package.insert_bot(0, Bot(package.fresh_uid("bot"), "New bot"))
        self.set_document(package, None)

    def open_dialog(self) -> None:
        folder = str(self.file_path.parent) if self.file_path else ""
        path = self.dialogs.open_file(self, "Open package", folder)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path, *, prompt: bool = True) -> bool:
        if prompt and not self.maybe_save():
            return False
        path = Path(path)
        try:
            package = load_package(path)
        except PackageFormatError as exc:
            details = "\n".join(str(p) for p in exc.problems)
            self.dialogs.error(self, "Cannot open package", f"{path.name} is not a valid Cerb package.", details)
            return False
        except DesignerError as exc:
            self.dialogs.error(self, "Cannot open package", str(exc))
            return False
        self.set_document(package, path.resolve())
        self.settings.add_recent_file(str(path))
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def import_package(self, path: str | Path) -> bool:
        """Import a package: through the installed importer (the import wizard of the simulation docks), or
        with the plain prompts dialog."""
        if self.importer is not None:
            return bool(self.importer(path))
        return self.import_with_prompts_dialog(path)

    def import_with_prompts_dialog(self, path: str | Path) -> bool:
        """Import a package as Cerb would: ask its configure prompts, then open the configured copy as a new,
        unsaved document."""
        if not self.maybe_save():
            return False
        try:
            package = load_package(path)
        except DesignerError as exc:
            self.dialogs.error(self, "Cannot import package", str(exc))
            return False
        values: dict[str, str] = {}
        if package.prompts:
            answer = self.dialogs.prompts(self, package.prompts)
            if answer is None:
                return False
            values = answer
        try:
            configured = configure_package(package, values)
        except DesignerError as exc:
            self.dialogs.error(self, "Cannot import package", str(exc))
            return False
        self.set_document(configured.package, None, modified=True)
        return True

    def import_dialog(self) -> None:
        path = self.dialogs.open_file(self, "Import package")
        if path:
            self.import_package(path)

    def export_dialog(self) -> bool:
        if self.package is None:
            return False
        values: dict[str, str] = {}
        if self.package.prompts:
            answer = self.dialogs.prompts(self, self.package.prompts)
            if answer is None:
                return False
            values = answer
        try:
            configured = configure_package(self.package, values)
        except DesignerError as exc:
            self.dialogs.error(self, "Cannot export", str(exc))
            return False
        suggested = str(self.file_path.with_name(self.file_path.stem + "-configured.json")) if self.file_path else ""
        path = self.dialogs.save_file(self, "Export configured package", suggested)
        if not path:
            return False
        try:
            save_package(configured.package, path)
        except SaveError as exc:
            self.dialogs.error(self, "Export failed", str(exc))
            return False
        self.statusBar().showMessage(f"Exported {path}", 5000)
        return True

    def save(self) -> bool:
        if self.package is None:
            return False
        if self.file_path is None:
            return self.save_as()
        return self.save_to(self.file_path)

    def save_as(self) -> bool:
        if self.package is None:
            return False
        suggested = str(self.file_path) if self.file_path else f"{self.package.name or 'package'}.json"
        path = self.dialogs.save_file(self, "Save package as", suggested)
        return self.save_to(Path(path)) if path else False

    def save_to(self, path: Path) -> bool:
        assert self.package is not None
        text = dumps_package(self.package)
        try:
            save_package(self.package, path)
        except SaveError as exc:
            self.dialogs.error(self, "Save failed", f"The package was not saved.\n\n{exc}",
                               "The previous file on disk is unchanged; your edits are still open here.")
            return False
        self.file_path = path.resolve()
        self._watch(self.file_path, _digest(text.encode("utf-8")))
        self._forced_dirty = False
        self.undo_stack.setClean()
        recovery.remove(self.recovery_folder, self.session)
        self.settings.add_recent_file(str(path))
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def close_document(self) -> bool:
        if not self.maybe_save():
            return False
        self.new_document(prompt=False)
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to drop the document (saved, discarded, or unmodified)."""
        if self.package is None or not self.is_modified():
            return True
        name = self.file_path.name if self.file_path else (self.package.name or "the package")
        answer = self.dialogs.unsaved_changes(self, name)
        if answer == "save":
            return self.save()
        if answer == "discard":
            recovery.remove(self.recovery_folder, self.session)
            self._forced_dirty = False
            self.undo_stack.setClean()
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.autosave_timer.stop()
        self.tasks.cancel_all()
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        recovery.remove(self.recovery_folder, self.session)
        recovery.unregister_session(self.session)
        self._closed = True
        event.accept()

    def _stack_changed(self, *_args: Any) -> None:
        if not (shiboken6.isValid(self) and shiboken6.isValid(self.undo_stack)):
            return  # the stack's destructor signals while the process shuts down
        self._update_title()

    def _update_title(self) -> None:
        name = self.file_path.name if self.file_path else (self.package.name if self.package else "")
        self.setWindowTitle(f"{name or 'Untitled'}[*] — {APP_NAME}")
        self.setWindowModified(self.is_modified())
        if self.package is not None:
            self.status_label.setText(f"{self.package.node_count()} nodes")

    # ------------------------------------------------------------------------------------------------
    # autosave, recovery, external changes
    # ------------------------------------------------------------------------------------------------
    def autosave_now(self) -> Path | None:
        if self.package is None or not self.is_modified():
            return None
        try:
            return recovery.write(self.recovery_folder, self.session, self.package,
                                  str(self.file_path) if self.file_path else None)
        except DesignerError as exc:
            log.warning("autosave failed: %s", exc)
            self.statusBar().showMessage(f"Autosave failed: {exc}", 10000)
            return None

    def offer_recovery(self) -> bool:
        pending = recovery.pending(self.recovery_folder)
        if not pending:
            return False
        newest = pending[0]
        if not self.dialogs.recover(self, newest.describe()):
            for item in pending:
                item.path.unlink(missing_ok=True)
            return False
        try:
            package, _ = read_package_value(newest.data, source=str(newest.path))
        except DesignerError as exc:
            self.dialogs.error(self, "Cannot recover", str(exc))
            return False
        source = Path(newest.source) if newest.source else None
        self.set_document(package, source, modified=True)
        for item in pending:
            item.path.unlink(missing_ok=True)
        self.autosave_now()  # the recovered edits are this session's now
        return True

    def _watch(self, path: Path | None, digest: str | None = None) -> None:
        """Watch `path`; `digest` is the content we know is there (read from disk when not given)."""
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        self._known_digest = digest
        if path is not None and path.exists():
            self.watcher.addPath(str(path))
            if digest is None:
                try:
                    self._known_digest = _digest(path.read_bytes())
                except OSError:
                    self._known_digest = None

    def _file_changed(self, _path: str) -> None:
        self._watch_timer.start()  # coalesce the bursts an atomic replace makes

    def check_external_change(self) -> bool:
        """Ask to reload when the open file's content changed under us; True when it had."""
        path = self.file_path
        if path is None or self._checking_external:
            return False
        if path.exists() and str(path) not in self.watcher.files():
            self.watcher.addPath(str(path))  # a replaced file drops out of the watch list
        try:
            digest = _digest(path.read_bytes())
        except OSError:
            digest = None
        if digest == self._known_digest:
            return False
        self._checking_external = True
        try:
            self._known_digest = digest
            if digest is not None and self.dialogs.reload_changed_file(self, str(path), self.is_modified()):
                self.open_file(path, prompt=False)
        finally:
            self._checking_external = False
        return True

    # ------------------------------------------------------------------------------------------------
    # selection and navigation
    # ------------------------------------------------------------------------------------------------
    def show_behavior(self, behavior: Behavior | None) -> None:
        self._current_behavior = behavior
        self.canvas.show_behavior(behavior)

    def _canvas_behavior_changed(self, behavior: Behavior | None) -> None:
        """The canvas switched behavior by itself (following a call, undo): keep the outline in step."""
        self._current_behavior = behavior
        if behavior is not None:
            self.outline.select_object(behavior, emit=False)

    def _outline_object(self, obj: Any) -> None:
        if isinstance(obj, (Behavior, Bot, Package)):
            self.properties.show_object(obj)

    def _canvas_selection(self, nodes: list[Any]) -> None:
        if len(nodes) == 1:
            if nodes[0] is not self.properties.target:  # the same node again (undo, a re-select): keep the form
                self.properties.show_object(nodes[0])
        elif not nodes and self._current_behavior is not None:
            self.properties.show_object(self._current_behavior)

    def reveal(self, obj: Any) -> None:
        """Select `obj` (a node, behavior or bot): switch behavior as needed and show it on the canvas."""
        if isinstance(obj, Node):
            behavior = obj.behavior()
            if behavior is not None and behavior is not self._current_behavior \
                    and not self.outline.select_object(behavior):
                self.show_behavior(behavior)
            self.canvas.select_nodes([obj])
            self.canvas.ensure_visible(obj)
            self.properties.show_object(obj)
        elif isinstance(obj, (Behavior, Bot)):
            self.outline.select_object(obj)

    def _match_activated(self, match: Match) -> None:
        self.reveal(match.node)

    def _problems_changed(self, problems: list[Any]) -> None:
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = sum(1 for p in problems if p.severity == "warning")
        dock = self.docks.get("Problems")
        if dock is not None:
            dock.setWindowTitle(f"Problems ({errors} errors, {warnings} warnings)" if problems else "Problems")

    # ------------------------------------------------------------------------------------------------
    # drag and drop a package file
    # ------------------------------------------------------------------------------------------------
    @staticmethod
    def _dropped_file(mime: QMimeData | None) -> Path | None:
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".json"):
                return Path(url.toLocalFile())
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.open_file(path))
