"""Every template of the 11 real packages, rendered as real Cerb 10.4.10 rendered it (the oracle)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from designer.templates import TemplateEngine, TemplateError

from .conftest import load_oracle

CASES = load_oracle()

# Clock/random cases: the exact text cannot match, so the shape is checked instead.
SHAPES: dict[str, str] = {
    "aws-lambda-bot-010": r"Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\n"
                          r"X-AMZ-Client-Context: e30=\nX-AMZ-Date: \d{8}T\d{6}Z",
    "demo-bot-018": r"(10|[1-9])",
    "prompt-bot-049": r"(Ok! Let's recap\.\.\.|Checking my notes\.\.\.|Let's see\.\.\.)",
}
# Random order: the same items in some order.
PERMUTATIONS = {"demo-bot-019"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_cerb(engine: TemplateEngine, case: dict[str, Any]) -> None:
    template, context = case["template"], case["context"]
    if case.get("cerb_10_4") is None:
        assert case.get("cerb_10_4_error"), "the oracle has neither an output nor an error"
        with pytest.raises(TemplateError):
            engine.render(template, context)
        return
    output = engine.render(template, context)
    expected = case["cerb_10_4"]
    if case["id"] in SHAPES:
        assert re.fullmatch(SHAPES[case["id"]], output), output
    elif case["id"] in PERMUTATIONS:
        assert sorted(output.split("\n")) == sorted(expected.split("\n"))
    else:  # includes volatile cases whose output does not depend on the clock (prompt-bot-041)
        assert output == expected


def test_every_volatile_case_has_a_shape() -> None:
    volatile = {c["id"] for c in CASES if c.get("volatile")}
    assert volatile <= set(SHAPES) | {"prompt-bot-041"}
