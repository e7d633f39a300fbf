"""Chat actions (cerb-semantics.md §5.4). In a conversation prompts suspend; in a one-shot run of a non-chat
frame they only describe, as Cerb's dry run does."""
from __future__ import annotations

import html as html_lib
import re
from typing import Any, cast

from designer.sim.actions import ActionContext, action
from designer.sim.store import record_label, record_type_name
from designer.templates.php import to_int

_PROMPTS = {"prompt_buttons": "buttons", "prompt_text": "text_prompt", "prompt_chooser": "chooser",
            "prompt_date": "date", "prompt_file": "file", "prompt_images": "images", "prompt_wait": "wait"}
_MAX_CANDIDATES = 200


def markdown_html(text: str) -> str:
    import markdown
    return cast(str, markdown.markdown(text, extensions=["nl2br"]))  # Markdown has no type hints; it returns str


def plain_html(text: str) -> str:
    return html_lib.escape(text).replace("\n", "<br />\n")


@action("send_message")
def send_message(ctx: ActionContext, a: dict[str, Any]) -> None:
    text = ctx.render(a.get("message", ""))
    fmt = a.get("format") if a.get("format") in ("markdown", "html") else ""
    delay = max(0, min(10000, to_int(a.get("delay_ms", 0))))
    if text == "" or (not text.strip() and fmt == "markdown"):
        ctx.trace(">>> Sending response message\n", {"format": fmt, "shown": False})  # Cerb's text; not shown
        return
    shown = markdown_html(text) if fmt == "markdown" else text if fmt == "html" else plain_html(text)
    ctx.trace(f">>> Sending response message\n{text}", {"format": fmt})
    ctx.output("message", text=text, html=shown, format=fmt, delay_ms=delay)


def _split_options(text: str) -> list[str]:
    return [o.strip() for o in re.split(r"\r?\n", text) if o.strip()]


def _prompt(ctx: ActionContext, a: dict[str, Any]) -> None:
    kind = _PROMPTS[ctx.key]
    spec: dict[str, Any] = {"kind": kind, "action": ctx.key, "node_id": ctx.node.id,
                            "var": str(a.get("var") or ""), "var_format": a.get("var_format") or "",
                            "var_validate": a.get("var_validate") or ""}
    fields: dict[str, Any] = {}
    if kind == "buttons":
        spec["options"] = fields["options"] = _split_options(ctx.render(a.get("options", "")))
        spec["style"] = ctx.render(a.get("style", ""))
        spec["colors"] = [a.get("color_from", ""), a.get("color_mid", ""), a.get("color_to", "")]
    # `described` is Cerb's simulator text for the prompt (its dry-run output, tests/sim/fixtures reference).
    if kind == "buttons":
        described = ">>> Prompting with buttons:\n" + "\n".join(spec["options"])
    elif kind in ("text_prompt", "date"):
        given = ctx.render(a.get("placeholder", ""))
        spec["placeholder"] = fields["placeholder"] = given or (
            "say something" if kind == "text_prompt" else "e.g. tomorrow 5pm, 2 hours")
        if kind == "text_prompt":
            spec["default"] = ctx.render(a.get("default", ""))
            spec["mode"] = a.get("mode") or "single"
        described = f">>> Prompting with {'text' if kind == 'text_prompt' else 'date'} input\nPlaceholder: {given}"
    elif kind == "chooser":
        spec.update(context=a.get("context", ""), query=ctx.render(a.get("query", "")),
                    selection=a.get("selection", ""))
        # what the chat's chooser can offer: the records of that context the simulation has created so far
        found = ctx.it.store.search(spec["context"], spec["query"]) if spec["context"] else []
        spec["candidates"] = [{"id": r["id"], "label": record_label(r)} for r in found[:_MAX_CANDIDATES]]
        described = (f">>> Prompting with chooser:\nContext: {spec['context']}\nQuery: {spec['query']}\n"
                     f"Selection: {spec['selection']}")
    elif kind == "images":
        spec.update(images=a.get("images", []), labels=a.get("labels", []))
        fields["options"] = [str(x) for x in a.get("labels", []) or []]
        described = ">>> Prompting with images:\n" + "\n".join(fields["options"])  # Cerb says "buttons" here
    else:
        described = f">>> Prompting with {'file upload' if kind == 'file' else kind}"
    ctx.trace(described, {"prompt": spec}, kind="prompt")
    if not ctx.fr.interactive:
        return
    ctx.output("prompt" if kind not in ("buttons", "text_prompt", "wait") else kind, data=spec, **fields)
    ctx.fr.prompt = spec
    ctx.fr.exit = "suspend"


for _key in _PROMPTS:
    action(_key)(_prompt)


@action("send_script")
def send_script(ctx: ActionContext, a: dict[str, Any]) -> None:
    script = ctx.render(a.get("script", ""))
    ctx.trace(f">>> Sending response script\n{script}", {"script": script})
    ctx.output("script", text=script)


@action("window_close")
def window_close(ctx: ActionContext, a: dict[str, Any]) -> None:
    ctx.trace(">>> Closing the chat window")
    if ctx.fr.interactive:
        ctx.output("window_close")
        ctx.fr.exit = "exit"


@action("worklist_open")
def worklist_open(ctx: ActionContext, a: dict[str, Any]) -> None:
    q = ctx.render(a.get("quick_search", ""))
    ctx.trace(f">>> Opening a {record_type_name(a.get('context'))} worklist with filters:\n{q}",
              {"context": a.get("context"), "quick_search": q})
    ctx.output("worklist", text=q, data={"context": a.get("context", ""), "quick_search": q,
                                         "worklist_model": a.get("worklist_model")})
    ctx.output("emote", text="opened a worklist.")


@action("set_http_status", "set_http_header", "set_http_body")
def webhook_response(ctx: ActionContext, a: dict[str, Any]) -> None:
    resp = ctx.values.setdefault("_http_response_out", {"status": 200, "headers": [], "body": ""})
    if ctx.key == "set_http_status":
        resp["status"] = to_int(ctx.render(a.get("value") or a.get("status_code") or a.get("status") or "200"))
        what, shown = "status", str(resp["status"])
    elif ctx.key == "set_http_header":  # Cerb's params: `name` + `value` (one header)
        name = ctx.render(a.get("name", "")).strip()
        value = ctx.render(a.get("value", ""))
        lines = [f"{name}: {value.strip()}"] if name else _split_options(ctx.render(a.get("headers", value)))
        resp["headers"] += lines
        what, shown = "response header", "\n".join(lines)
    else:
        resp["body"] = ctx.render(a.get("body", a.get("value", "")))
        what, shown = "response body", resp["body"]
    ctx.trace(f">>> Setting HTTP {what}:\n{shown}", {"response": dict(resp)})
