"""Simulator throughput (node steps per second: simple steps, and a generated behavior with conditions, loops
and placeholder sets) and template render rate with the compile cache, each next to a bare-Python baseline of
the same size; and a loop over 10,000 items next to the same loop over 1,000 (per step: 1× for O(n) loops)."""
from __future__ import annotations

import time
from collections.abc import Callable

from bench.common import Figure, measure, measure_alternating, row
from designer.io import configure_package, read_package_value
from designer.sim import SimOptions, Simulator
from designer.templates import TemplateEngine


def busy_package(iterations: int) -> dict:
    """A behavior that loops `iterations` times through a switch (conditions), outcomes and placeholder sets."""
    def outcome(i: int) -> dict:
        return {"type": "outcome", "title": f"mod {i}", "status": "live",
                "params": {"groups": [{"any": 0, "conditions": [
                    {"condition": "_custom_script", "tpl": "{{item % 3}}", "oper": "is", "value": str(i)}]}]},
                "nodes": [{"type": "action", "title": f"set {i}", "status": "live", "params": {"actions": [
                    {"action": "_set_custom_var", "var": f"hits_{i}", "value": "{{item}}", "format": ""}]}}]}
    loop = {"type": "loop", "title": "each", "status": "live",
            "params": {"foreach_json": "[" + ",".join(map(str, range(iterations))) + "]", "as_placeholder": "item"},
            "nodes": [{"type": "action", "title": "count", "status": "live", "params": {"actions": [
                {"action": "_set_custom_var", "var": "total", "value": "{{total + item}}", "format": ""}]}},
                {"type": "switch", "title": "which", "status": "live", "nodes": [outcome(i) for i in range(3)]}]}
    return {"package": {"name": "bench", "configure": {"prompts": [], "placeholders": []}},
            "bots": [{"uid": "bot_1", "name": "Bench", "owner": {}, "is_disabled": False, "params": {},
                      "behaviors": [{"uid": "behavior_1", "title": "Busy", "is_disabled": False, "is_private": False,
                                     "priority": 50, "event": {"key": "event.macro.bot"}, "nodes": [loop]}]}]}


def simple_package(iterations: int) -> dict:
    """The same loop with simple steps: each iteration enters five action nodes that each set a literal."""
    package = busy_package(iterations)
    loop = package["bots"][0]["behaviors"][0]["nodes"][0]
    loop["nodes"] = [{"type": "action", "title": f"mark {i}", "status": "live", "params": {"actions": [
        {"action": "_set_custom_var", "var": f"seen_{i}", "value": "yes", "format": ""}]}} for i in range(5)]
    return package


def long_loop_package(items: int) -> dict:
    """A loop over `items` items whose body is one action setting a literal: the loop's own cost per item."""
    package = simple_package(items)
    loop = package["bots"][0]["behaviors"][0]["nodes"][0]
    loop["nodes"] = loop["nodes"][:1]
    return package


def simulation(package_json: dict, iterations: int) -> tuple[Callable[[], None], dict[str, int]]:
    """A function running the package's first behavior to its end, and where it leaves the step count."""
    package, _ = read_package_value(package_json)
    configured = configure_package(package)
    sim = Simulator(configured, options=SimOptions(step_budget=10_000_000, loop_cap=10 * iterations,
                                                   time_limit_s=600))
    behavior = configured.package.bots[0].behaviors[0]
    steps = {"n": 0}

    def simulate() -> None:
        conv = sim.start(behavior.uid)
        conv.run()
        steps["n"] = sum(1 for e in conv.trace if e.kind == "enter")

    return simulate, steps


def per_step(label: str, fig: Figure, steps: int) -> Figure:
    return Figure(f"simulator, {label}: {steps / fig.median:,.0f} node steps/s ({steps} steps)",
                  fig.median / steps, fig.low / steps, fig.high / steps)


def steps_per_second(label: str, package_json: dict, iterations: int) -> tuple[Figure, int]:
    simulate, steps = simulation(package_json, iterations)
    fig = measure("simulator run", simulate, repeat=5)
    return per_step(label, fig, steps["n"]), steps["n"]


def long_loop_row() -> str:
    """Per step, a loop over 10,000 items against the same loop over 1,000, measured in turns: 1× when a
    loop's cost grows linearly with its items (copying the rest on every iteration made it O(n²))."""
    long_run, long_steps = simulation(long_loop_package(10_000), 10_000)
    short_run, short_steps = simulation(long_loop_package(1_000), 1_000)
    long_fig, short_fig = measure_alternating("10,000", long_run, "1,000", short_run, repeat=7)
    return row(per_step("loop over 10,000 items", long_fig, long_steps["n"]),
               per_step("the same loop over 1,000 items", short_fig, short_steps["n"]), "≈ 1× (O(n))")


def run(iterations: int = 2_000) -> list[str]:
    busy, count = steps_per_second("conditions and templates", busy_package(iterations), iterations)
    simple, _ = steps_per_second("simple steps", simple_package(iterations), iterations)
    nodes = list(read_package_value(busy_package(iterations))[0].bots[0].behaviors[0].walk())
    rounds = count // len(nodes) + 1

    def walk() -> None:  # the baseline: visiting as many nodes in plain Python, no semantics
        for _ in range(rounds):
            for node in nodes:
                node.params and node.type  # noqa: B018

    base = measure("plain Python node visits", walk, repeat=5)
    visits = rounds * len(nodes)
    base_per = Figure(base.name, base.median / visits, base.low / visits, base.high / visits)

    engine = TemplateEngine()
    context = {"message": "Hostname", "counter": 3, "worker_first_name": "Kina", "list": [3, 1, 2]}
    template = "Hi, {{worker_first_name}}! {% for x in list|sort %}{{x}}{% endfor %} {{counter + 1}}"
    engine.render(template, context)
    renders = 2_000
    tpl = measure("template render (cached)", lambda: [engine.render(template, context) for _ in range(renders)])
    fmt = measure("str.format of the same text", lambda: [
        "Hi, {}! {} {}".format(context["worker_first_name"], "".join(map(str, sorted(context["list"]))),
                               context["counter"] + 1) for _ in range(renders)])
    tpl_per = Figure(f"template: {renders / tpl.median:,.0f} renders/s", tpl.median / renders, tpl.low / renders,
                     tpl.high / renders)
    fmt_per = Figure(fmt.name, fmt.median / renders, fmt.low / renders, fmt.high / renders)
    return [row(simple, base_per, "≥ 20,000 steps/s"), row(busy, base_per), long_loop_row(),
            row(tpl_per, fmt_per)]


if __name__ == "__main__":
    start = time.perf_counter()
    print("\n".join(run()))
    print(f"({time.perf_counter() - start:.1f} s)")
