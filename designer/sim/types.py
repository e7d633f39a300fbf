"""Value objects of the simulator: options, trace events, outputs, turns, menu items."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from designer.errors import DesignerError

HttpMode = Literal["live", "record", "replay"]
DEFAULT_WORKER = {
    "id": 1, "first_name": "Kina", "last_name": "Halpue", "full_name": "Kina Halpue", "title": "Support",
    "at_mention_name": "kina", "timezone": "UTC", "language": "en_US", "email_address": "kina@example.com",
}


class SimError(DesignerError):
    """The simulator cannot start or continue (unknown behavior, bad arguments)."""


@dataclass
class SimOptions:
    http_mode: HttpMode = "live"
    cassette: str | None = None  # a cassette file for record/replay
    live_everything: bool = False  # ignore run_in_simulator="0": every HTTP request and _run_behavior runs for real
    step_budget: int = 200_000  # node steps per turn
    loop_cap: int = 10_000  # iterations of one loop per turn
    max_depth: int = 32  # nested _run_behavior / subroutine calls
    time_limit_s: float = 30.0  # wall clock per turn
    now: datetime | None = None  # pin the clock (dates in templates, _day_of_week…)
    worker: dict[str, Any] = field(default_factory=dict)
    event_values: dict[str, Any] = field(default_factory=dict)
    auto_continue: bool = True  # prompt_wait / switch_behavior / return to a caller resume with '' at once
    connect_chain_s: float = 20.0  # Amazon Connect's total for a chain of Lambda calls in one contact (conversation)


@dataclass
class TraceEvent:
    kind: str  # enter, skip, condition, outcome, loop, action, placeholders, call, effect, output, prompt, guard,
    #          suspend, resume, stop, error, switch, breakpoint
    node_id: int | None
    behavior_uid: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "node_id": self.node_id, "behavior_uid": self.behavior_uid,
                "message": self.message, "data": self.data, "at": self.at}


@dataclass
class Output:
    kind: str  # message, buttons, text_prompt, prompt, script, window_close, worklist, effect, wait, switch
    text: str = ""
    html: str | None = None
    format: str = ""
    delay_ms: int = 0
    options: list[str] = field(default_factory=list)
    placeholder: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    behavior_uid: str = ""
    node_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class Turn:
    state: Literal["suspended", "stopped", "paused", "error"]
    outputs: list[Output] = field(default_factory=list)
    error: str | None = None
    prompt: dict[str, Any] | None = None
    stop_reason: str = ""  # "end", "exit", "window_close", "cancelled", "guard: …"
    path: list[int] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [o.text for o in self.outputs if o.kind == "message"]


@dataclass
class MenuItem:
    label: str
    behavior_uid: str
    interaction: str
    params: dict[str, Any]
    bot_name: str
    behavior_id: str = ""
