"""The simulator dock: what to run (a behavior or the interaction menu), its inputs and the event's
placeholders, live / record / replay, and the conversation (transcript, typing indicator, prompt widgets)."""
from __future__ import annotations

import html
import json
import logging
from datetime import UTC, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from designer.panels.simulation import prompt_widgets
from designer.panels.simulation.controller import SimulationController
from designer.panels.simulation.format import EVENT_PRESETS, merge_event_json
from designer.sim.store import record_type_name

log = logging.getLogger(__name__)
CHAT_EVENTS = ("event.message.chat.worker", "event.message.chat.portal", "event.message.chat.mobile.worker")


class SimulationPanel(QWidget):
    transcriptChanged = Signal()
    promptShown = Signal(object)  # the turn whose prompt is now shown (after the delays)

    def __init__(self, controller: SimulationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SimulationPanel")
        self.controller = controller
        self.delay_scale = 1.0  # tests set 0 to skip Cerb's typing delays
        self._queue: list[Any] = []
        self._pending_turn: Any = None
        self._typing_timer = QTimer(self, singleShot=True)
        self._typing_timer.timeout.connect(self._show_next)
        self._menu: list[Any] = []
        self.prompt_buttons: list[QPushButton] = []
        self.prompt_widgets: list[QWidget] = []  # the date / chooser / file prompt's widgets
        self.prompt_date_edit: Any = None
        self.prompt_chooser: Any = None
        self.prompt_file_button: Any = None

        # -- what to run ----------------------------------------------------------------------------------
        self.source_combo = QComboBox()
        self.source_combo.addItems(["Behavior", "Interaction menu"])
        self.behavior_combo = QComboBox()
        self.behavior_combo.setMinimumContentsLength(14)  # narrow enough to leave the canvas most of the window
        self.menu_combo = QComboBox()
        self.menu_combo.setMinimumContentsLength(10)
        self.point_edit = QLineEdit("global")
        self.load_menu_button = QPushButton("Load menu")
        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["live", "record", "replay"])
        self.cassette_edit = QLineEdit()
        self.cassette_edit.setPlaceholderText("cassette file (record / replay)")
        self.cassette_button = QPushButton("…")
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.behavior_combo.currentIndexChanged.connect(self._fill_inputs)
        self.load_menu_button.clicked.connect(self.load_menu)
        self.cassette_button.clicked.connect(self._choose_cassette)

        # -- controls -------------------------------------------------------------------------------------
        self.run_button = QPushButton("Run")
        self.step_button = QPushButton("Step")
        self.continue_button = QPushButton("Continue")
        self.stop_button = QPushButton("Stop")
        self.restart_button = QPushButton("Restart")
        self.new_user_button = QPushButton("New user")
        self.run_button.setToolTip("Start the conversation (F5)")
        self.step_button.setToolTip("Run one node (F10)")
        self.stop_button.setToolTip("Cancel the running turn / end the conversation (Shift+F5)")
        self.run_button.clicked.connect(self.run)
        self.step_button.clicked.connect(self.step)
        self.continue_button.clicked.connect(self.controller.cont)
        self.stop_button.clicked.connect(self.controller.stop)
        self.restart_button.clicked.connect(lambda: self.restart(new_user=False))
        self.new_user_button.clicked.connect(lambda: self.restart(new_user=True))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)

        # -- inputs ---------------------------------------------------------------------------------------
        self.inputs = QWidget()
        self.inputs_form = QFormLayout(self.inputs)
        self.inputs_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above fields when narrow
        self.variable_edits: dict[str, QWidget] = {}
        self.worker_edit = QLineEdit()
        self.worker_edit.setPlaceholderText("Kina")
        self.event_edit = QPlainTextEdit()
        self.event_edit.setPlaceholderText('other event placeholders as JSON, e.g.\n{"contact": {"phone": "+1…"},'
                                           ' "slots": {"city": "Paris"}}')
        self.event_edit.setMaximumHeight(70)

        # -- conversation ---------------------------------------------------------------------------------
        self.transcript = QTextBrowser()
        self.transcript.setOpenExternalLinks(False)
        self.transcript.setObjectName("transcript")
        self.typing_label = QLabel("Bot is typing…")
        self.typing_label.hide()
        self.skip_button = QPushButton("Skip")
        self.skip_button.setToolTip("Show the bot's pending messages now")
        self.skip_button.hide()
        self.skip_button.clicked.connect(self.skip_delays)
        self.prompt_box = QWidget()
        self.prompt_layout = QHBoxLayout(self.prompt_box)
        self.prompt_layout.setContentsMargins(0, 0, 0, 0)
        self.prompt_label = QLabel("")
        self.message_edit = QLineEdit()
        self.message_edit.setPlaceholderText("Say something…")
        self.send_button = QPushButton("Send")
        self.message_edit.returnPressed.connect(self.send_typed)
        self.send_button.clicked.connect(self.send_typed)

        top = QFormLayout()
        top.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        src = QHBoxLayout()
        src.addWidget(self.source_combo)
        src.addWidget(self.behavior_combo, 1)
        top.addRow("Start:", src)
        menu_row = QHBoxLayout()
        menu_row.addWidget(QLabel("point"))
        menu_row.addWidget(self.point_edit)
        menu_row.addWidget(self.load_menu_button)
        menu_row.addWidget(self.menu_combo, 1)
        top.addRow("Menu:", menu_row)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.mode_combo)
        mode_row.addWidget(self.cassette_edit, 1)
        mode_row.addWidget(self.cassette_button)
        top.addRow("Lambda/HTTP:", mode_row)
        controls = QGridLayout()  # two rows of three: the dock stays narrow
        for i, b in enumerate((self.run_button, self.step_button, self.continue_button, self.stop_button,
                               self.restart_button, self.new_user_button)):
            controls.addWidget(b, i // 3, i % 3)

        chat = QWidget()
        chat_layout = QVBoxLayout(chat)
        chat_layout.setContentsMargins(0, 0, 0, 0)
        chat_layout.addWidget(self.transcript, 1)
        typing = QHBoxLayout()
        typing.addWidget(self.typing_label)
        typing.addWidget(self.skip_button)
        typing.addStretch(1)
        chat_layout.addLayout(typing)
        chat_layout.addWidget(self.prompt_label)
        chat_layout.addWidget(self.prompt_box)
        say = QHBoxLayout()
        say.addWidget(self.message_edit, 1)
        say.addWidget(self.send_button)
        chat_layout.addLayout(say)

        self.tabs = QTabWidget()
        self.tabs.addTab(chat, "Conversation")
        self.tabs.addTab(self.inputs, "Inputs")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(controls)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

        c = self.controller
        c.busyChanged.connect(self._busy)
        c.turnFinished.connect(self._turn)
        c.failed.connect(self._failed)
        c.conversationStarted.connect(self._started)
        c.conversationEnded.connect(self._update_buttons)
        c.conversationEnded.connect(self._ended)
        c.menuReady.connect(self._menu_ready)
        c.packageChanged.connect(self.refresh_behaviors)
        self._source_changed()
        self.refresh_behaviors()
        self._update_buttons()

    # -- choosing -----------------------------------------------------------------------------------------
    def refresh_behaviors(self) -> None:
        if not shiboken6.isValid(self) or not shiboken6.isValid(self.behavior_combo):
            return  # the window is being torn down (the undo stack outlives it)
        pkg = self.controller.window.package
        current = self.behavior_combo.currentData()
        self.behavior_combo.blockSignals(True)
        self.behavior_combo.clear()
        behaviors = list(pkg.all_behaviors()) if pkg is not None else []
        behaviors.sort(key=lambda b: (b.event_key not in CHAT_EVENTS, 0))
        for b in behaviors:
            self.behavior_combo.addItem(b.title or b.uid, b.uid)
        index = self.behavior_combo.findData(current)
        self.behavior_combo.setCurrentIndex(max(index, 0))
        self.behavior_combo.blockSignals(False)
        self._fill_inputs()

    def select_behavior(self, title_or_uid: str) -> None:
        self.source_combo.setCurrentIndex(0)
        i = self.behavior_combo.findData(title_or_uid)
        i = i if i >= 0 else self.behavior_combo.findText(title_or_uid)
        self.behavior_combo.setCurrentIndex(i)

    def selected_behavior(self) -> Any:
        uid = self.behavior_combo.currentData()
        pkg = self.controller.window.package
        if pkg is None or uid is None:
            return None
        return next((b for b in pkg.all_behaviors() if b.uid == uid), None)

    def _source_changed(self) -> None:
        menu = self.source_combo.currentIndex() == 1
        self.behavior_combo.setEnabled(not menu)
        for w in (self.point_edit, self.load_menu_button, self.menu_combo):
            w.setEnabled(menu)

    def _fill_inputs(self) -> None:
        # the worker's name and the event placeholders belong to the run, not the behavior: kept across a switch
        worker, event = self.worker_edit.text(), self.event_edit.toPlainText()
        while self.inputs_form.rowCount():
            self.inputs_form.removeRow(0)
        self.variable_edits = {}
        self.worker_edit = QLineEdit(worker)
        self.worker_edit.setPlaceholderText("Kina")
        self.event_edit = QPlainTextEdit(event)
        self.event_edit.setPlaceholderText('{"contact": {"phone": "+1 555 0100"}, "slots": {"city": "Paris"}}')
        self.event_edit.setMaximumHeight(70)
        b = self.selected_behavior()
        variables = b.variables if b is not None and isinstance(b.variables, dict) else {}
        for key, spec in variables.items():
            if not isinstance(spec, dict) or str(spec.get("is_private", "0")) == "1":
                continue
            params = spec.get("params") if isinstance(spec.get("params"), dict) else {}
            if spec.get("type") == "D":
                combo = QComboBox()
                options = params.get("options", "")
                opts = options.splitlines() if isinstance(options, str) else list(options)
                combo.addItems([o.strip() for o in opts if str(o).strip()])
                widget: QWidget = combo
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(f"{spec.get('type', 'S')} input")
            self.variable_edits[key] = widget
            self.inputs_form.addRow(f"{spec.get('label') or key}:", widget)
        self.preset_combo = QComboBox()
        self.preset_combo.addItems(list(EVENT_PRESETS))
        add = QPushButton("Add")
        add.setToolTip("Add the preset's placeholders to the JSON (keys already there are kept)")
        add.clicked.connect(self.add_event_preset)
        presets = QHBoxLayout()
        presets.addWidget(self.preset_combo, 1)
        presets.addWidget(add)
        self.inputs_form.addRow("Worker first name:", self.worker_edit)
        self.inputs_form.addRow("Event placeholders:", self.event_edit)
        self.inputs_form.addRow("Preset:", presets)

    def add_event_preset(self) -> None:
        preset = EVENT_PRESETS[self.preset_combo.currentText()]()
        try:
            self.event_edit.setPlainText(merge_event_json(self.event_edit.toPlainText(), preset))
        except ValueError as exc:
            self._failed(f"Event placeholders: {exc}")

    def variables(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.variable_edits.items():
            value = w.currentText() if isinstance(w, QComboBox) else w.text()  # type: ignore[attr-defined]
            if value != "":
                out[key] = value
        return out

    def event_values(self) -> dict[str, Any]:
        text = self.event_edit.toPlainText().strip()
        if not text:
            return {}
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("event placeholders must be a JSON object")
        return value

    def _choose_cassette(self) -> None:
        path = self.controller.window.dialogs.save_file(self, "Cassette", self.cassette_edit.text(),
                                                        "Cassettes (*.json *.yaml);;All files (*)")
        if path:
            self.cassette_edit.setText(path)

    def _apply_options(self) -> bool:
        c = self.controller
        c.http_mode = self.mode_combo.currentText()
        c.cassette = self.cassette_edit.text().strip()
        if c.http_mode != "live" and not c.cassette:
            self._failed("Record and replay need a cassette file.")
            return False
        name = self.worker_edit.text().strip()
        c.worker = {**c.worker, "first_name": name} if name else {k: v for k, v in c.worker.items()
                                                                  if k != "first_name"}
        return True

    # -- driving ------------------------------------------------------------------------------------------
    def load_menu(self) -> None:
        if self._apply_options():
            self.controller.load_menu(self.point_edit.text().strip() or "global")

    def _menu_ready(self, items: list[Any]) -> None:
        self._menu = list(items)
        self.menu_combo.clear()
        for m in items:
            self.menu_combo.addItem(f"{m.bot_name} » {m.label}" if m.bot_name else m.label)
        self.status_label.setText(f"{len(items)} interaction(s) at this point." if items
                                  else "No interaction at this point.")

    def run(self) -> None:
        c = self.controller
        if c.conv is not None and c.conv.state == "paused":
            c.cont()
            return
        self.start()

    def step(self) -> None:
        c = self.controller
        if c.conv is not None and c.conv.state in ("paused", "new", "suspended"):
            if c.conv.state == "suspended":
                self._failed("Waiting for your answer: type or click a button.")
                return
            c.step()
            return
        self.start(step=True)

    def start(self, *, step: bool = False) -> bool:
        if self.controller.busy or not self._apply_options():
            return False
        try:
            event_values = self.event_values()
        except ValueError as exc:
            self._failed(f"Event placeholders: {exc}")
            return False
        if self.source_combo.currentIndex() == 1:
            index = self.menu_combo.currentIndex()
            if not 0 <= index < len(self._menu):
                self._failed("Load the interaction menu and choose an interaction first.")
                return False
            return self.controller.start(item=self._menu[index], event_values=event_values, step=step)
        behavior = self.selected_behavior()
        if behavior is None:
            self._failed("Choose a behavior.")
            return False
        return self.controller.start(behavior, variables=self.variables(), event_values=event_values, step=step)

    def restart(self, *, new_user: bool) -> None:
        self._apply_options()
        self.controller.restart(new_user=new_user)

    def send_typed(self) -> None:
        text = self.message_edit.text()
        if self.say(text):
            self.message_edit.clear()

    def say(self, text: str) -> bool:
        if self.controller.conv is None or self.controller.busy:
            return False
        self.skip_delays()
        self._clear_prompt()
        self._append_user(text)
        return self.controller.say(text)

    def click_option(self, label: str) -> bool:
        for b in self.prompt_buttons:
            if b.text() == label:
                b.click()
                return True
        return False

    # -- showing ------------------------------------------------------------------------------------------
    def _started(self, _conv: Any) -> None:
        self.transcript.clear()
        self._queue = []
        self._pending_turn = None
        self._clear_prompt()
        self.status_label.setText("")
        self.tabs.setCurrentIndex(0)
        self._update_buttons()

    def _busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.status_label.setText("Running…")
        self._update_buttons()

    def _update_buttons(self) -> None:
        c = self.controller
        state = c.state
        busy = c.busy
        self.run_button.setEnabled(not busy)
        self.run_button.setText("Continue" if state == "paused" else "Run")
        self.step_button.setEnabled(not busy and state != "suspended")
        self.continue_button.setEnabled(not busy and state == "paused")
        self.stop_button.setEnabled(busy or c.conv is not None)
        self.restart_button.setEnabled(not busy and c.conv is not None)
        self.new_user_button.setEnabled(not busy and c.conv is not None)
        can_say = not busy and c.conv is not None and state in ("suspended", "stopped")
        self.message_edit.setEnabled(can_say)
        self.send_button.setEnabled(can_say)

    def _failed(self, message: str) -> None:
        self.status_label.setText(f"⚠ {message}")

    def _turn(self, turn: Any) -> None:
        texts = {"suspended": "Waiting for your answer.", "paused": "Paused at a breakpoint.",
                 "stopped": f"Stopped ({turn.stop_reason or 'end'}).", "error": f"⚠ Error: {turn.error}"}
        self.status_label.setText(texts.get(turn.state, turn.state))
        self._queue.extend(turn.outputs)
        self._pending_turn = turn
        self._show_next()
        self._update_buttons()

    def skip_delays(self) -> None:
        """Show every pending bot message now (the typing indicator's Skip)."""
        self._typing_timer.stop()
        while self._queue:
            self._render(self._queue.pop(0))
        self._done_showing()

    def _show_next(self) -> None:
        if self._typing_timer.isActive():
            return
        waiting = getattr(self, "_waiting", None)
        if waiting is not None:  # its delay has passed
            self._waiting = None
            self._render(waiting)
        while self._queue:
            out = self._queue[0]
            delay = int(out.delay_ms * self.delay_scale) if out.kind == "message" else 0
            if delay > 0:
                self._queue.pop(0)
                self._waiting = out
                self.typing_label.show()
                self.skip_button.show()
                self._typing_timer.start(min(delay, 10_000))
                return
            self._render(self._queue.pop(0))
        self._done_showing()

    def _done_showing(self) -> None:
        waiting = getattr(self, "_waiting", None)
        if waiting is not None:
            self._waiting = None
            self._render(waiting)
        self.typing_label.hide()
        self.skip_button.hide()
        turn, self._pending_turn = self._pending_turn, None
        if turn is not None:
            self._show_prompt(turn)
            self.promptShown.emit(turn)

    def _render(self, out: Any) -> None:
        kind = out.kind
        if kind == "message":
            body = out.html if out.html else html.escape(out.text).replace("\n", "<br />")
            # one table cell per message: a markdown list cannot swallow the messages after it
            self._append_html(f'<table width="100%" cellspacing="0" cellpadding="2"><tr><td>'
                              f'<b>Bot:</b> {body}</td></tr></table>')
        elif kind == "window_close":
            self._append_html('<div style="color:#888"><i>(the bot closed the chat window)</i></div>')
        elif kind in ("buttons", "text_prompt", "prompt", "wait"):
            pass  # shown as the prompt's widget
        elif kind == "effect":
            self._append_html(f'<div style="color:#777"><i>effect: {html.escape(out.text or str(out.data))}</i></div>')
        else:
            text = out.text or json.dumps(out.data, default=str)[:200]
            self._append_html(f'<div style="color:#777"><i>{html.escape(kind)}: {html.escape(text)}</i></div>')

    def _append_html(self, fragment: str) -> None:
        self.transcript.append(fragment)
        self.transcript.moveCursor(QTextCursor.MoveOperation.End)
        self.transcript.ensureCursorVisible()
        self.transcriptChanged.emit()

    def _append_user(self, text: str) -> None:
        self._append_html(f'<div style="margin:4px 0; color:#1a5fb4" align="right"><b>You:</b> '
                          f'{html.escape(text)}</div>')

    def transcript_text(self) -> str:
        return self.transcript.toPlainText()

    def _ended(self) -> None:
        if shiboken6.isValid(self) and shiboken6.isValid(self.message_edit):  # not while the window is torn down
            self._clear_prompt()  # a stopped conversation cannot take the answer

    def _clear_prompt(self) -> None:
        for w in [*self.prompt_buttons, *self.prompt_widgets]:
            w.hide()  # never setParent(None): that would make it a top-level window until deleted
            w.deleteLater()
        self.prompt_buttons = []
        self.prompt_widgets = []
        self.prompt_date_edit = self.prompt_chooser = self.prompt_file_button = None
        while self.prompt_layout.count():
            self.prompt_layout.takeAt(0)
        self.prompt_label.setText("")
        self.message_edit.setPlaceholderText("Say something…")

    def _add_prompt_widget(self, widget: QWidget, stretch: int = 0) -> QWidget:
        self.prompt_widgets.append(widget)
        self.prompt_layout.addWidget(widget, stretch)
        return widget

    def _show_prompt(self, turn: Any) -> None:
        """The prompt's widget: buttons (and image labels) as push buttons; the text prompt's placeholder and
        default in the input line; a date picker, a record chooser or a file button for the other kinds. The
        input line stays usable for all of them (a typed date, id or attachment id is sent as typed)."""
        self._clear_prompt()
        if turn.state != "suspended":
            return
        prompt = turn.prompt or {}
        kind = str(prompt.get("kind", ""))
        buttons = [o for o in turn.outputs if o.kind == "buttons"]
        options = list(prompt.get("options") or (buttons[-1].options if buttons else []))
        if kind == "images":
            options = [str(x) for x in prompt.get("labels") or []]
        if options and kind in ("buttons", "images", ""):
            for label in options:
                b = QPushButton(str(label))
                b.clicked.connect(lambda _=False, t=str(label): self.say(t))
                self.prompt_buttons.append(b)
                self.prompt_layout.addWidget(b)
            self.prompt_layout.addStretch(1)
            self._update_buttons()
            return
        placeholder = str(prompt.get("placeholder") or "")
        texts = [o for o in turn.outputs if o.kind in ("text_prompt", "prompt")]
        if not placeholder and texts:
            placeholder = texts[-1].placeholder
        if kind == "date":
            self._show_date_prompt()
        elif kind == "chooser":
            self._show_chooser_prompt(prompt)
        elif kind == "file":
            self.prompt_label.setText("The bot asks for a file: choose one (it becomes a simulated attachment), "
                                      "or type an attachment's id.")
            self.prompt_file_button = self._add_prompt_widget(QPushButton("Choose file…"))
            self.prompt_file_button.clicked.connect(self.choose_prompt_file)
            self.prompt_layout.addStretch(1)
        elif kind and kind not in ("text", "text_prompt", "wait"):
            self.prompt_label.setText(f"The bot asks for a {kind}: type the answer.")
        default = str(prompt.get("default") or "")
        if default and not self.message_edit.text():
            self.message_edit.setText(default)
        self.message_edit.setPlaceholderText(placeholder or "Say something…")
        self._update_buttons()
        self.message_edit.setFocus()

    def _show_date_prompt(self) -> None:
        self.prompt_label.setText("The bot asks for a date or time: pick one, or type it (e.g. tomorrow 5pm).")
        conv = self.controller.conv
        now = conv.sim.now().astimezone(conv.sim.engine.timezone) if conv is not None else datetime.now(UTC)
        edit = self.prompt_date_edit = self._add_prompt_widget(prompt_widgets.date_edit(now), 1)
        send = self._add_prompt_widget(QPushButton("Send date"))
        send.clicked.connect(lambda: self.say(prompt_widgets.date_answer(edit)))

    def _show_chooser_prompt(self, prompt: dict[str, Any]) -> None:
        context = str(prompt.get("context") or "")
        candidates = [c for c in prompt.get("candidates") or [] if isinstance(c, dict)]
        query = f", query {prompt.get('query')!r}" if prompt.get("query") else ""
        self.prompt_label.setText(f"The bot asks you to choose a {record_type_name(context)} "
                                  f"({context or 'no context'}{query}): pick a record this conversation "
                                  "created, or type its id.")
        combo = self.prompt_chooser = self._add_prompt_widget(prompt_widgets.chooser_combo(context, candidates), 1)
        send = self._add_prompt_widget(QPushButton("Send id"))

        def send_choice() -> None:
            answer = prompt_widgets.chooser_answer(combo)
            if answer:
                self.say(answer)
            else:
                self._failed("Choose a record or type its id.")
        send.clicked.connect(send_choice)
        combo.lineEdit().returnPressed.connect(send_choice)

    def choose_prompt_file(self) -> bool:
        """The file prompt's button: the window's file dialog (tests replace `window.dialogs`), then the file is
        registered in the conversation's record store as an attachment and its id is sent, as Cerb's upload does."""
        conv = self.controller.conv
        if conv is None or self.controller.busy:
            return False
        path = self.controller.window.dialogs.open_file(self, "Attach a file", filter="All files (*)")
        if not path:
            return False
        try:
            record = conv.sim.store.attach_file(path)
        except OSError as exc:
            self._failed(f"Cannot attach {path}: {exc.strerror or exc}")
            return False
        self._append_html(f'<div style="color:#777"><i>attached {html.escape(record["name"])} '
                          f'({record["size"]} bytes, {html.escape(record["mime_type"])}) as attachment '
                          f'#{record["id"]}</i></div>')
        return self.say(str(record["id"]))

    def prompt_options(self) -> list[str]:
        return [b.text() for b in self.prompt_buttons]
