"""The canvas and minimap: `designer.canvas` when it is importable, else a placeholder with the same API."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


def load_canvas(parent: QWidget) -> tuple[Any, Any]:
    try:
        from designer.canvas import BehaviorCanvas
    except ImportError as exc:
        log.info("designer.canvas not available (%s): using the placeholder canvas", exc)
        from designer.app.placeholder_canvas import PlaceholderCanvas

        return PlaceholderCanvas(parent), None
    canvas = BehaviorCanvas(parent)
    canvas.setObjectName("canvas")
    minimap = None
    try:
        from designer.canvas import CanvasMinimap

        minimap = CanvasMinimap(canvas)
    except (ImportError, TypeError) as exc:
        log.info("no minimap: %s", exc)
    return canvas, minimap
