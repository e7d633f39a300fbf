"""Qt-free simulator: runs behaviors exactly as Cerb does, suspends at prompts and resumes (docs/simulator.md).

    from designer.sim import Simulator, SimOptions
    sim = Simulator(configured, accounts=accounts, options=SimOptions())
    conv = sim.start("DNS conversational behavior"); turn = conv.run(); turn = conv.say("Hostname")
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from designer.lazy import lazy_names

# Each public name and the module that defines it. They load on first use (PEP 562): the window's simulator
# panel imports `designer.sim.store` when it is built, and that must not pull in the interpreter and the
# template engine (Jinja2, the PCRE shim: about 90 ms) before the user runs anything.
_HOME = {
    "Conversation": "conversation", "Simulator": "conversation", "map_node_ids": "conversation",
    "MenuItem": "types", "Output": "types", "SimError": "types", "SimOptions": "types", "TraceEvent": "types",
    "Turn": "types",
}


__getattr__ = lazy_names(__name__, _HOME)


if TYPE_CHECKING:
    # `as` marks each name as re-exported: `__all__` below is computed, so the tools cannot read it
    from designer.sim.conversation import Conversation as Conversation
    from designer.sim.conversation import Simulator as Simulator
    from designer.sim.conversation import map_node_ids as map_node_ids
    from designer.sim.types import MenuItem as MenuItem
    from designer.sim.types import Output as Output
    from designer.sim.types import SimError as SimError
    from designer.sim.types import SimOptions as SimOptions
    from designer.sim.types import TraceEvent as TraceEvent
    from designer.sim.types import Turn as Turn

__all__ = sorted(_HOME)
