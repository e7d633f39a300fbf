"""Qt-free simulator: runs behaviors exactly as Cerb does, suspends at prompts and resumes (docs/simulator.md).

    from designer.sim import Simulator, SimOptions
    sim = Simulator(configured, accounts=accounts, options=SimOptions())
    conv = sim.start("DNS conversational behavior"); turn = conv.run(); turn = conv.say("Hostname")
"""
from __future__ import annotations

from designer.sim.conversation import Conversation, Simulator, map_node_ids
from designer.sim.types import MenuItem, Output, SimError, SimOptions, TraceEvent, Turn

__all__ = ["Conversation", "MenuItem", "Output", "SimError", "SimOptions", "Simulator", "TraceEvent", "Turn",
           "map_node_ids"]
