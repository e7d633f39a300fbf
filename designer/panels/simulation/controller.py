"""The simulation session behind the panels: configures the window's package, starts conversations, drives
them on a worker thread (BackgroundRunner), maps node ids between the configured copy and the editor, keeps
breakpoints and lights the path on the canvas. No widgets here."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from designer.panels.simulation.runner import BackgroundRunner

log = logging.getLogger(__name__)


class SimulationController(QObject):
    eventsArrived = Signal(list)  # [TraceEvent], GUI thread
    turnFinished = Signal(object)  # Turn
    failed = Signal(str)  # a message for the panel (never a dialog: only app/ shows dialogs)
    busyChanged = Signal(bool)
    conversationStarted = Signal(object)  # Conversation
    conversationEnded = Signal()
    menuReady = Signal(list)  # [MenuItem]
    packageChanged = Signal()  # the document's content was replaced (import, undo of an import)

    def __init__(self, window: Any, local: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.local = local  # LocalLambdaController
        self.runner = BackgroundRunner(self)
        self.runner.events.connect(self._events)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.busyChanged.connect(self.busyChanged)
        self._on_done: Callable[[Any], None] | None = None
        self.prompt_values: dict[str, Any] = {}  # package prompt values (the import wizard stores them here)
        self.http_mode = "live"
        self.cassette = ""
        self.live_everything = False
        self.worker: dict[str, Any] = {}
        self.event_values: dict[str, Any] = {}
        self.breakpoints: set[int] = set()  # editor node ids
        self.sim: Any = None
        self.conv: Any = None
        self.to_editor: dict[int, int] = {}
        self.to_configured: dict[int, int] = {}
        self.path: list[int] = []  # editor node ids entered this turn
        self.last_turn: Any = None
        self._unsubscribe: Callable[[], None] | None = None
        self._last_start: tuple[Any, ...] | None = None
        self._account_refs: tuple[str, ...] = ()  # the connected-account values the configured package uses
        self._region = "us-east-1"
        if hasattr(window, "documentChanged"):
            window.documentChanged.connect(self._document_changed)
        stack = getattr(window, "undo_stack", None)
        if stack is not None:
            stack.indexChanged.connect(self._stack_changed)
        canvas = getattr(window, "canvas", None)
        if canvas is not None and hasattr(canvas, "breakpointToggled"):
            canvas.breakpointToggled.connect(self._canvas_breakpoint)
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.end)  # a running turn is cancelled at exit

    def _document_changed(self, *_args: Any) -> None:
        self.end()
        self.packageChanged.emit()

    def _stack_changed(self, *_args: Any) -> None:
        import shiboken6
        if shiboken6.isValid(self):
            self.packageChanged.emit()

    # -- state ------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner.busy

    @property
    def state(self) -> str:
        return "none" if self.conv is None else str(self.conv.state)

    def editor_node(self, configured_id: int | None) -> Any:
        """(behavior, node) of the window's package for a configured node id, or (None, None)."""
        if configured_id is None or self.window.package is None:
            return None, None
        eid = self.to_editor.get(configured_id, configured_id)
        for b in self.window.package.all_behaviors():
            for n in b.walk():
                if n.id == eid:
                    return b, n
        return None, None

    # -- breakpoints ----------------------------------------------------------------------------------------
    def _canvas_breakpoint(self, node_id: int) -> None:
        canvas = self.window.canvas
        if hasattr(canvas, "breakpoints"):
            self.breakpoints = set(canvas.breakpoints())
        else:
            self.breakpoints ^= {node_id}
        self._push_breakpoints()

    def set_breakpoints(self, ids: set[int]) -> None:
        self.breakpoints = set(ids)
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and hasattr(canvas, "set_breakpoints"):
            canvas.set_breakpoints(set(ids))
        self._push_breakpoints()

    def toggle_breakpoint(self, node_id: int) -> None:
        self.set_breakpoints(self.breakpoints ^ {node_id})

    def _push_breakpoints(self) -> None:
        if self.conv is not None:
            # a new set object: the worker thread reads the attribute, never a set being mutated
            self.conv.breakpoints = {self.to_configured.get(e, e) for e in self.breakpoints}

    # -- building a simulator -------------------------------------------------------------------------------
    def accounts_source(self) -> Any:
        from designer.credentials import AccountChain, AccountStore
        store = AccountStore()
        local = self.local.accounts if self.local is not None and self.local.running else None
        return AccountChain(local, store) if local is not None else store

    def build_simulator(self) -> Any:
        """Configure the window's package (prompt values from the wizard; unset connected-account prompts bound
        to the local Lambda service's throwaway account when it is in use) and make a Simulator."""
        from designer.credentials import account_prompts, bind_prompts
        from designer.io import configure_package
        from designer.sim import SimOptions, map_node_ids

        pkg = self.window.package
        if pkg is None:
            raise ValueError("No package is open.")
        values = {k: v for k, v in self.prompt_values.items()}
        prompt_keys = {str(p.get("key")) for p in pkg.prompts}
        keys = [p["key"] for p in account_prompts(pkg.prompts)]
        unset = [k for k in keys if k not in values]
        region = str(values.get("aws_region") or _default(pkg, "aws_region") or "us-east-1")
        if self.local is not None and self.local.functions_dir is not None:
            self.local.ensure_started(region)
        if unset and self.local is not None and self.local.accounts is not None:
            bound = bind_prompts(pkg.prompts, self.local.accounts, {})
            values.update({k: v for k, v in bound.items() if k in unset})
        self._account_refs = tuple(str(values[k]) for k in keys if values.get(k))
        self._region = region
        configured = configure_package(pkg, {k: str(v) for k, v in values.items() if k in prompt_keys})
        options = SimOptions(http_mode=self.http_mode, cassette=self.cassette or None,  # type: ignore[arg-type]
                             live_everything=self.live_everything, worker=dict(self.worker),
                             event_values=dict(self.event_values))
        self.to_editor = map_node_ids(pkg, configured.package)
        self.to_configured = {e: c for c, e in self.to_editor.items()}
        from designer.sim import Simulator
        return Simulator(configured, accounts=self.accounts_source(), options=options)

    # -- conversations --------------------------------------------------------------------------------------
    def load_menu(self, point: str = "global") -> bool:
        """The interaction menu at `point`, computed off the GUI thread → `menuReady(list)`."""
        try:
            sim = self.build_simulator()
        except Exception as exc:  # noqa: BLE001 - shown in the panel
            self.failed.emit(_message(exc))
            return False
        self.sim = sim
        return self._submit(lambda: sim.interactions(point), self.menuReady.emit)

    def start(self, behavior: Any = None, *, item: Any = None, variables: dict[str, Any] | None = None,
              event_values: dict[str, Any] | None = None, run: bool = True, step: bool = False) -> bool:
        """A new conversation with `behavior` (editor Behavior, uid or title) or a menu `item`; runs its first
        turn (or one step) off the GUI thread."""
        if self.busy:
            return False
        self.end()
        try:
            self.sim = sim = self.build_simulator()
            if item is None:
                ref = getattr(behavior, "uid", behavior)
                conv = sim.start(ref, variables=variables or {}, event_values=event_values or {})
        except Exception as exc:
            log.debug("cannot start the simulation", exc_info=True)
            self.failed.emit(_message(exc))
            return False
        self._last_start = (behavior, item, dict(variables or {}), dict(event_values or {}))
        if item is not None:  # the interaction behavior runs first, and may call Lambda or HTTP: off the GUI thread
            return self._submit(lambda: sim.start_interaction(item, event_values=event_values or {}),
                                lambda started: self._begin(started, run=run, step=step))
        return self._begin(conv, run=run, step=step)

    def _begin(self, conv: Any, *, run: bool, step: bool) -> bool:
        """Show the new conversation `conv`, then run its first turn (or one step) off the GUI thread."""
        self.conv = conv
        self._push_breakpoints()
        self._unsubscribe = conv.subscribe(self._on_trace)
        self.conversationStarted.emit(conv)
        if conv.trace:
            self.eventsArrived.emit(list(conv.trace))  # the interaction behavior's steps, run already
        if step:
            return self.step()
        return self.run() if run else True

    def restart(self, *, new_user: bool = False) -> bool:
        if self._last_start is None:
            return False
        if new_user:
            n = int(self.worker.get("id", 1) or 1) + 1
            self.worker = {**self.worker, "id": n, "first_name": f"User{n}", "full_name": f"User{n} Test",
                           "at_mention_name": f"user{n}"}
        behavior, item, variables, event_values = self._last_start
        # a MenuItem is plain data (behavior uid, interaction, params): it starts in a new simulator too
        return self.start(behavior, item=item, variables=variables, event_values=event_values)

    def run(self) -> bool:
        conv = self.conv
        if conv is None:
            return False
        self.path = []
        return self._submit(conv.run, self._turn)

    def cont(self) -> bool:
        return self.run() if self.conv is not None and self.conv.state in ("paused", "new") else False

    def step(self) -> bool:
        conv = self.conv
        if conv is None:
            return False
        self.path = []
        return self._submit(conv.step, self._turn)

    def say(self, text: str) -> bool:
        conv = self.conv
        if conv is None:
            return False
        if conv.state == "paused":
            self.failed.emit("Paused at a breakpoint: Continue or Step first.")
            return False
        self.path = []
        return self._submit(lambda: conv.say(text), self._turn)

    def _on_trace(self, event: Any) -> None:
        """Worker thread: queue the event for the GUI."""
        self.runner.post(event)

    def stop(self) -> None:
        """Cancel the running turn (thread-safe; it stops before the next node), or end the conversation."""
        if self.busy and self.conv is not None:
            self.conv.cancel()
        else:
            self.end()

    def end(self) -> None:
        if self.conv is not None:
            self.conv.cancel()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.runner.abandon()
        had = self.conv is not None
        self.conv = None
        self.path = []
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and hasattr(canvas, "clear_highlight"):
            canvas.clear_highlight()
        if had:
            self.conversationEnded.emit()

    # -- worker plumbing ----------------------------------------------------------------------------------
    def _submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> bool:
        if self.busy:
            return False
        self._on_done = on_done
        return self.runner.submit(self._with_accounts_ready(fn))

    def _with_accounts_ready(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        """`fn` preceded, on the worker thread, by readying the stored local-service account when the package
        uses it: the service is started if needed (a restart without --local-lambda leaves it stopped) and
        the account re-pointed at it before `fn` reads any credentials (they are read at call time)."""
        local, refs, region = self.local, self._account_refs, self._region
        if local is None or not refs or self.http_mode == "replay":
            return fn

        def ready_then_call() -> Any:
            local.prepare_stored_account(refs, region=region)
            return fn()
        return ready_then_call

    def _finished(self, result: Any) -> None:
        cb, self._on_done = self._on_done, None
        if cb is not None:
            cb(result)

    def _failed(self, message: str, _details: str) -> None:
        self._on_done = None
        self.failed.emit(message)

    def _events(self, events: list[Any]) -> None:
        entered = [self.to_editor.get(e.node_id, e.node_id) for e in events
                   if e.kind == "enter" and e.node_id is not None]
        if entered:
            seen = set(self.path)
            new = [i for i in dict.fromkeys(entered) if i not in seen]
            if new:  # a loop re-entering the same nodes does not re-light the canvas
                self.path.extend(new)
                self._highlight()
        self.eventsArrived.emit(events)

    def _highlight(self) -> None:
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and hasattr(canvas, "highlight_path"):
            canvas.highlight_path(list(self.path))

    def _turn(self, turn: Any) -> None:
        self.last_turn = turn
        if turn.path:
            self.path = list(dict.fromkeys(self.to_editor.get(i, i) for i in turn.path))
        self._highlight()
        if turn.state == "paused" and self.conv is not None:
            self.reveal(self.conv.paused_node)
        self.turnFinished.emit(turn)

    def reveal(self, configured_id: int | None) -> None:
        """Show the node's behavior on the canvas and select the node."""
        behavior, node = self.editor_node(configured_id)
        if node is None:
            return
        w = self.window
        if hasattr(w, "show_behavior"):
            w.show_behavior(behavior)
        elif hasattr(w.canvas, "show_behavior"):
            w.canvas.show_behavior(behavior)
        if hasattr(w.canvas, "select_nodes"):
            w.canvas.select_nodes([node])
        self._highlight()


def _default(pkg: Any, key: str) -> str:
    for p in pkg.prompts:
        if p.get("key") == key and isinstance(p.get("params"), dict):
            return str(p["params"].get("default") or "")
    return ""


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    hint = getattr(exc, "hint", "")
    return f"{text}\n{hint}" if hint else str(text)
