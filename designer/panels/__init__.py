"""Dock panels around the canvas: outline, properties, problems, find (and the simulator's, elsewhere).

Panels never show dialogs and never import `designer.app`; the window hands them what they need
(the package, an `edits` object that pushes undo commands, a background runner)."""
