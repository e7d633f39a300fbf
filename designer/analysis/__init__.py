"""Analysis over the model: call graphs (networkx) and lint rules."""
from designer.analysis.graph import behavior_graph, call_cycles, subroutine_graph
from designer.analysis.lint import lint

__all__ = ["behavior_graph", "call_cycles", "lint", "subroutine_graph"]
