"""The simulator: `Simulator` (package-wide: menus, starting behaviors) and `Conversation` (one chat session:
run to the next prompt, say, step, breakpoints, cancel). See docs/simulator.md."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from designer.model import Behavior, Node
from designer.sim import walker
from designer.sim.actions import REGISTRY, ActionContext
from designer.sim.events import event_values
from designer.sim.store import RecordStore
from designer.sim.types import MenuItem, Output, SimError, SimOptions, TraceEvent, Turn
from designer.sim.walker import AGAIN, SUSPEND, Frame, GuardTripped
from designer.templates import TemplateEngine, TemplateError

if TYPE_CHECKING:
    from designer.io import ConfiguredPackage

log = logging.getLogger(__name__)


class Interpreter:
    """What the walker and the action handlers share: rendering, trace, outputs, calls, stores."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.options = sim.options
        self.engine = sim.engine
        self.trace_events: list[TraceEvent] = []
        self.cerb_log: list[str] = []
        self.outputs: list[Output] = []
        self.calls: list[dict[str, Any]] = []
        self.store = sim.store
        # secrets this conversation sent in clear (HTTP-auth account headers): masked in every trace event
        self.secrets: set[str] = set()
        # per-conversation state of the Lambda caller profiles (the Connect contact, Lex sessions), kept here so
        # it survives prompts, switch_behavior and returns (designer.sim.actions.lambda_actions)
        self.profile_state: dict[str, Any] = {}
        self._stack_readers: dict[int, bool] = {}  # node id → its params may read a loop's X__stack
        self._subscribers: list[Callable[[TraceEvent], None]] = []
        self._lock = threading.Lock()

    # -- clock / templates ----------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.sim.now()

    def render(self, fr: Frame, source: Any, *, strict: bool = False) -> str:
        text = "" if source is None else str(source)
        if "{" not in text:
            return text.replace("\r\n", "\n")
        try:
            return self.engine.render(text, fr.values)
        except TemplateError as exc:
            if strict:
                raise
            self.trace("error", None, fr, f"template error: {exc}", {"source": text[:500]})
            return ""

    # -- trace ------------------------------------------------------------------------------------------
    def trace(self, kind: str, node_id: int | None, fr: Frame | None, message: str,
              data: dict[str, Any] | None = None, *, uid: str | None = None) -> TraceEvent:
        if self.secrets:
            from designer.credentials import redact
            message, data = redact(message, self.secrets), redact(data, self.secrets)
        event = TraceEvent(kind, node_id, uid if uid is not None else fr.uid if fr is not None else "", message,
                           data or {})
        self.trace_events.append(event)
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("trace subscriber failed")
        return event

    def reads_stacks(self, n: Node) -> bool:
        known = self._stack_readers.get(n.id)
        if known is None:
            known = self._stack_readers[n.id] = walker.reads_stacks(n)
        return known

    def log(self, fr: Frame, line: str) -> None:
        self.cerb_log.append(line)

    def emit(self, output: Output) -> None:
        self.outputs.append(output)
        self.trace("output", output.node_id, None, f"{output.kind}: {output.text[:200]}",
                   {"output": output.to_json()}, uid=output.behavior_uid)

    # -- actions ----------------------------------------------------------------------------------------
    def run_action(self, fr: Frame, n: Node, action: dict[str, Any]) -> Any:
        key = str(action.get("action", ""))
        handler = REGISTRY.get(key)
        if handler is None and key.startswith("var_"):
            handler = REGISTRY["var_*"]
        ctx = ActionContext(self, fr, n, action, key)
        before = dict(fr.values)
        if handler is None:
            self.trace("action", n.id, fr, f"not simulated: {key}", {"action": key, "params": action})
            return None
        result = handler(ctx, action)
        if hasattr(result, "send"):
            return self._after_generator(result, fr, n, key, before)
        self._diff(fr, n, key, before)
        return None

    def _after_generator(self, gen: Any, fr: Frame, n: Node, key: str, before: dict[str, Any]) -> Any:
        result = yield from gen
        self._diff(fr, n, key, before)
        return result

    def _diff(self, fr: Frame, n: Node, key: str, before: dict[str, Any]) -> None:
        after = fr.values
        shown = {s.key: s.shown for s in fr.stacks}  # a loop's own X__stack update is no action's doing
        changed = {k: walker._jsonable(v) for k, v in after.items()
                   if (k not in before or before[k] is not v) and shown.get(k) is not v}
        removed = [k for k in before if k not in after]
        if changed or removed:
            self.trace("placeholders", n.id, fr, f"{key}: {', '.join(list(changed) + removed)}",
                       {"set": changed, "unset": removed})

    # -- sub-runs -------------------------------------------------------------------------------------------
    def new_frame(self, behavior: Behavior, variables: dict[str, Any], *, live: bool, interactive: bool,
                  depth: int = 0, extra: dict[str, Any] | None = None) -> Frame:
        values = event_values(self.sim, behavior, extra or {})
        values.update(variables)
        return Frame(behavior, values, live=live, interactive=interactive, depth=depth)

    def run_to_end(self, fr: Frame) -> None:
        """A non-interactive run (interaction menus, interaction start): suspends end it."""
        gen = walker.run_tree(self, fr)
        steps, budget = 0, self.options.step_budget
        deadline = time.monotonic() + self.options.time_limit_s
        try:
            item = next(gen)
            while True:
                if item is SUSPEND:
                    gen.close()
                    return
                steps += 1
                if steps > budget or time.monotonic() > deadline:
                    self.trace("guard", None, fr, "step budget or time limit reached")
                    gen.close()
                    return
                item = gen.send(None)
        except StopIteration:
            return
        except GuardTripped as exc:
            self.trace("guard", None, fr, str(exc))


class Conversation:
    """One simulated session. `run()` first (message ''), then `say(text)` per user message."""

    def __init__(self, sim: Simulator, behavior: Behavior, variables: dict[str, Any],
                 event_extra: dict[str, Any], *, dry: bool = False) -> None:
        self.sim = sim
        self.it = Interpreter(sim)
        self.behavior = behavior
        self.breakpoints: set[int] = set()
        self._cancel = threading.Event()
        chat = behavior.event_key in walker.CHAT_EVENTS and not dry
        self._frame = self.it.new_frame(behavior, variables, live=chat, interactive=chat, extra=event_extra)
        if chat:
            self._frame.values.setdefault("message", "")
        self._gen: Any = None
        self._callers: list[tuple[Frame, Any]] = []  # (frame, its suspended generator) for return=1 switches
        self._paused_node: int | None = None
        self._send: Any = None
        self.state = "new"
        self.path: list[int] = []
        self.turns: list[Turn] = []

    # -- public views -----------------------------------------------------------------------------------------
    @property
    def trace(self) -> list[TraceEvent]:
        return self.it.trace_events

    @property
    def dictionary(self) -> dict[str, Any]:
        self._frame.show_stacks()
        return self._frame.values

    @property
    def calls(self) -> list[dict[str, Any]]:
        return self.it.calls

    @property
    def cerb_log(self) -> list[str]:
        return self.it.cerb_log

    @property
    def current_behavior(self) -> Behavior:
        return self._frame.behavior

    def subscribe(self, callback: Callable[[TraceEvent], None]) -> Callable[[], None]:
        self.it._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self.it._subscribers:
                self.it._subscribers.remove(callback)
        return unsubscribe

    def cancel(self) -> None:
        """Thread-safe: the running turn stops at the next node; asked between turns, the next turn stops at
        its first node (a Stop pressed just before a worker thread starts the turn is not lost)."""
        self._cancel.set()

    @property
    def paused_node(self) -> int | None:
        """The id of the node the run is paused before (breakpoint or step), else None."""
        return self._paused_node if self.state == "paused" else None

    # -- driving --------------------------------------------------------------------------------------------------
    def run(self) -> Turn:
        """Until the next prompt, stop, breakpoint or guard. The first call is the '' first turn."""
        return self._drive(step=False)

    def step(self) -> Turn:
        """Run exactly one node (then pause before the next one)."""
        return self._drive(step=True)

    def say(self, text: str) -> Turn:
        """Resume with the user's message (after a prompt, or start again after the behavior stopped)."""
        if self.state == "paused":
            raise SimError("the conversation is paused at a breakpoint", hint="call run() or step() to continue")
        fr = self._frame
        start = len(self.it.outputs)
        fr.values["message"] = text
        self.it.trace("resume", None, fr, f"user says {text!r}", {"message": text})
        if self.state == "suspended" and self._gen is not None:
            self._send = self._apply_prompt(fr, text)
        else:
            self._gen = None  # stopped (or never started): the behavior starts again, the dictionary kept
        return self._drive(step=False, start=start)

    def _apply_prompt(self, fr: Frame, text: str) -> Any:
        prompt, fr.prompt = fr.prompt, None
        fr.exit = None
        if not prompt:
            return None
        var = str(prompt.get("var") or "")
        if var:
            fmt = prompt.get("var_format")
            fr.values[var] = self.it.render(fr, fmt) if fmt else text
            if var.endswith("_id") and prompt.get("kind") in ("chooser", "file"):
                fr.values[var[:-2] + "_context"] = prompt.get("context", "")
        validate = prompt.get("var_validate")
        if validate:
            problem = self.it.render(fr, validate).strip()
            if problem:
                self.it.emit(Output("message", text=problem, delay_ms=1000, behavior_uid=fr.uid))
                self.it.trace("prompt", None, fr, f"validation failed: {problem}", {"validate": problem})
                return AGAIN
        return None

    def _drive(self, *, step: bool, start: int | None = None) -> Turn:
        it, opts = self.it, self.sim.options
        start_outputs = len(it.outputs) if start is None else start
        steps = 0
        deadline = time.monotonic() + opts.time_limit_s
        self.path = []
        turn: Turn | None = None
        first_step = True
        if self._send is _RESUME and self._paused_node is not None:  # the paused node runs now: it is the step
            first_step = False
            self.path.append(self._paused_node)
            steps = 1
            self._paused_node = None  # so a loop bringing it round again pauses there again
        while turn is None:
            fr = self._frame
            if self._gen is None:
                fr.exit, fr.path = None, []
                self._gen = walker.run_tree(it, fr)
                self._send = None
            try:
                item = self._gen.send(self._send) if self._send is not None else next(self._gen)
                self._send = None
            except StopIteration:
                turn = self._finished(fr)
                continue
            except GuardTripped as exc:
                turn = self._guard(fr, str(exc))
                continue
            except Exception as exc:
                log.exception("simulator engine error")
                it.trace("error", None, fr, f"engine error: {type(exc).__name__}: {exc}")
                self._gen = None
                turn = Turn("error", error=f"{type(exc).__name__}: {exc}")
                continue
            if item is SUSPEND:
                turn = self._suspended(fr)
                continue
            # a node is about to run
            n: Node = item
            if self._cancel.is_set():
                self._paused_node = n.id
                it.trace("stop", n.id, fr, "cancelled")
                self._gen.close()
                self._gen = None
                turn = Turn("stopped", stop_reason="cancelled")
                continue
            if (n.id in self.breakpoints and self._paused_node != n.id) or (step and not first_step):
                self._paused_node = n.id
                owner = n.behavior()
                it.trace("breakpoint" if not step else "pause", n.id, fr, f"paused before {n.type} {n.title!r}",
                         uid=owner.uid if owner is not None else fr.uid)
                self._send = _RESUME
                turn = Turn("paused")
                continue
            first_step = False
            self._paused_node = None
            self.path.append(n.id)
            steps += 1
            if steps > opts.step_budget:
                turn = self._guard(fr, f"step budget: more than {opts.step_budget} node steps in one turn")
            elif time.monotonic() > deadline:
                turn = self._guard(fr, f"time limit: the turn ran longer than {opts.time_limit_s} s")
        self._cancel.clear()  # a cancel is consumed by the turn it stopped (or that ended anyway)
        turn.outputs = it.outputs[start_outputs:]
        turn.path = list(self.path)
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def _guard(self, fr: Frame, message: str) -> Turn:
        self.it.trace("guard", None, fr, message)
        if self._gen is not None:
            self._gen.close()
        self._gen = None
        return Turn("stopped", stop_reason=f"guard: {message}", error=None)

    def _suspended(self, fr: Frame) -> Turn | None:
        it, opts = self.it, self.sim.options
        if fr.switch is not None:  # switch_behavior: start the new chat behavior
            switch, fr.switch = fr.switch, None
            target: Behavior = switch["behavior"]
            if switch["return"]:
                self._callers.append((fr, self._gen))
            it.trace("switch", None, fr, f"switch to behavior {target.title!r}" +
                     (" (return)" if switch["return"] else ""), {"behavior_uid": target.uid})
            new = it.new_frame(target, switch["variables"], live=True, interactive=True,
                               extra={"message": "", "interaction_behavior_has_parent": bool(switch["return"])})
            self._frame, self._gen = new, None
            if opts.auto_continue:
                return None
            return Turn("suspended", prompt={"kind": "wait"})
        if fr.prompt and fr.prompt.get("kind") == "wait" and opts.auto_continue:
            fr.prompt, fr.exit = None, None
            fr.values["message"] = ""
            it.trace("resume", None, fr, "prompt_wait: resuming with an empty message")
            return None
        it.trace("suspend", None, fr, "waiting for the user", {"prompt": fr.prompt})
        return Turn("suspended", prompt=fr.prompt)

    def _finished(self, fr: Frame) -> Turn | None:
        it = self.it
        reason = {"exit": "window_close", "stop": "exit"}.get(fr.exit or "", "end")
        it.trace("stop", None, fr, f"behavior {fr.behavior.title!r} ended ({reason})", {"path": fr.path})
        self._gen = None
        if self._callers:
            caller, gen = self._callers.pop()
            caller.values["_behavior"] = {k: v for k, v in fr.values.items()}
            caller.exit, caller.prompt = None, None
            caller.values["message"] = ""
            self._frame, self._gen = caller, gen
            it.trace("switch", None, caller, f"return to behavior {caller.behavior.title!r}")
            return None
        fr.exit = None
        return Turn("stopped", stop_reason=reason)


_RESUME = object()  # sent into the walker after a pause; the node yields only once, so any value works


class Simulator:
    """Runs behaviors of a configured package."""

    def __init__(self, configured: ConfiguredPackage, *, accounts: Any = None,
                 options: SimOptions | None = None) -> None:
        self.configured = configured
        self.package = configured.package
        self.accounts = accounts
        self.options = options or SimOptions()
        self.engine = TemplateEngine(now=self.now)
        self.store = RecordStore()
        self._cassette: Any = None

    def now(self) -> datetime:
        return self.options.now or datetime.now(UTC)

    @property
    def cassette(self) -> Any:
        if self.options.http_mode == "live" or not self.options.cassette:
            return None
        if self._cassette is None:
            from designer.aws.cassette import Cassette
            self._cassette = Cassette(self.options.cassette, self.options.http_mode)
        return self._cassette

    def find_behavior(self, ref: Any) -> Behavior:
        if isinstance(ref, Behavior):
            return ref
        text = str(ref)
        for b in self.package.all_behaviors():
            if b.uid == text:
                return b
        hit = self.configured.behavior_by_id(text) if text.strip().isdigit() else None
        if isinstance(hit, Behavior):
            return hit
        matches = [b for b in self.package.all_behaviors() if b.title == text]
        if not matches:
            matches = [b for b in self.package.all_behaviors() if b.title.lower() == text.lower()]
        if not matches:
            raise SimError(f"no behavior {text!r} in the package",
                           hint="give a behavior title or uid: " + ", ".join(
                               repr(b.title) for b in self.package.all_behaviors()))
        return matches[0]

    def behavior_id(self, behavior: Behavior) -> str:
        found = self.configured.id_of(behavior.uid)
        return str(found) if found is not None else behavior.uid

    def bot_of(self, behavior: Behavior) -> Any:
        return behavior.bot

    def start(self, behavior: Any, variables: dict[str, Any] | None = None,
              event_values: dict[str, Any] | None = None) -> Conversation:
        """A conversation with `behavior` (object, uid, id or title). Nothing runs until `run()`."""
        b = self.find_behavior(behavior)
        from designer.sim.actions.core import format_inputs
        inputs = format_inputs(b, variables or {}, self.now()) if variables else {}
        extra = {**self.options.event_values, **(event_values or {})}
        return Conversation(self, b, inputs, extra)

    def dry_run(self, behavior: Any, variables: dict[str, Any] | None = None,
                event_values: dict[str, Any] | None = None) -> Conversation:
        """Cerb's own one-shot simulator: prompts only describe, nothing suspends, HTTP and `_run_behavior` run
        only with `run_in_simulator`. Call `run()` once; the guards end a `["*"]` loop that never stops."""
        b = self.find_behavior(behavior)
        from designer.sim.actions.core import format_inputs
        extra = {**self.options.event_values, **(event_values or {})}
        return Conversation(self, b, format_inputs(b, variables or {}, self.now()), extra, dry=True)

    def interactions(self, point: str = "global", point_params: dict[str, Any] | None = None) -> list[MenuItem]:
        """The interaction menu at `point`: every get-interactions behavior listening there, in priority order."""
        from designer.sim.events import listens_at
        it = Interpreter(self)
        items: list[MenuItem] = []
        behaviors = [b for b in self.package.all_behaviors()
                     if b.event_key == "event.interactions.get.worker" and not _disabled(b) and listens_at(b, point)]
        behaviors.sort(key=lambda b: _int(b.priority))
        for b in behaviors:
            fr = it.new_frame(b, {}, live=False, interactive=False,
                              extra={"point": point, "point_params": point_params or {}})
            it.run_to_end(fr)
            bot_name = b.bot.name if b.bot is not None else ""
            for entry in fr.menu:
                items.append(MenuItem(entry["name"], entry["behavior"].uid, entry["interaction"], entry["params"],
                                      bot_name, behavior_id=entry["behavior_id"]))
        self.last_menu_trace = it.trace_events
        return items

    def start_interaction(self, item: MenuItem, *, event_values: dict[str, Any] | None = None) -> Conversation:
        """Run the interaction behavior (`interaction` = the item's), then converse with the chat behavior its
        last `switch_behavior` picked."""
        target = self.find_behavior(item.behavior_uid)
        it = Interpreter(self)
        extra = {**self.options.event_values, **(event_values or {}), "interaction": item.interaction,
                 "interaction_params": item.params}
        fr = it.new_frame(target, {}, live=True, interactive=False, extra=extra)
        it.run_to_end(fr)
        if fr.switch is None:
            raise SimError(f"the interaction behavior {target.title!r} did not switch to a chat behavior",
                           hint=f"check its outcomes for interaction {item.interaction!r}")
        chat: Behavior = fr.switch["behavior"]
        conv = Conversation(self, chat, fr.switch["variables"],
                            {**extra, "interaction_bot_name": item.bot_name,
                             "interaction_behavior_id": self.behavior_id(target)})
        conv.it.trace_events[:0] = it.trace_events
        return conv


def _disabled(b: Behavior) -> bool:
    return b.is_disabled in (True, 1, "1", "true") or (b.bot is not None and b.bot.is_disabled in (True, 1, "1"))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 50


def map_node_ids(source: Any, configured: Any) -> dict[int, int]:
    """Configured-package node id → the editor package's node id (configuring re-reads the package, so node ids
    differ; the trees have the same shape). The GUI maps trace events and breakpoints through this."""
    out: dict[int, int] = {}
    for b_src, b_cfg in zip(source.all_behaviors(), configured.all_behaviors(), strict=False):
        for n_src, n_cfg in zip(b_src.walk(), b_cfg.walk(), strict=False):
            out[n_cfg.id] = n_src.id
    return out
