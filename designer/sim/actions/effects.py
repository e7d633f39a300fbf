"""Actions that would change Cerb records or send mail: simulated effects, recorded exactly, with an in-memory
record store so later steps can read what earlier steps wrote."""
from __future__ import annotations

from typing import Any

from designer.sim.actions import ActionContext, action
from designer.sim.actions.core import rendered_params
from designer.templates.php import php_json_decode, to_int

_MAIL = ("send_email", "send_email_recipients", "relay_email", "schedule_email_recipients")
_CREATE = {"create_comment": "cerberusweb.contexts.comment", "create_notification": "cerberusweb.contexts.notification",
           "create_task": "cerberusweb.contexts.task", "create_ticket": "cerberusweb.contexts.ticket"}
_RECORD_CHANGES = ("add_recipients", "add_signature", "add_watchers", "set_links", "set_owner", "set_status",
                   "set_importance", "set_subject", "move_to")


@action(*_MAIL)
def send_mail(ctx: ActionContext, a: dict[str, Any]) -> None:
    params = rendered_params(ctx, a)
    ctx.it.store.sent.append({"action": ctx.key, **params})
    to = params.get("to") or params.get("to_var") or "(the recipients)"
    ctx.effect(f"would send mail to {to}: {params.get('subject', '')!r}", {"params": params})


@action(*_CREATE)
def create_record(ctx: ActionContext, a: dict[str, Any]) -> None:
    params = rendered_params(ctx, a)
    record = ctx.it.store.create(_CREATE[ctx.key], params)
    var = str(a.get("object_var") or a.get("var") or "")
    if var:
        ctx.values[var] = record["id"]
    ctx.effect(f"would create {_CREATE[ctx.key].rsplit('.', 1)[-1]} #{record['id']}", {"record": record})


@action(*_RECORD_CHANGES)
def change_record(ctx: ActionContext, a: dict[str, Any]) -> None:
    params = rendered_params(ctx, a)
    ctx.effect(f"would {ctx.key.replace('_', ' ')}", {"params": params})


def _fields(ctx: ActionContext, a: dict[str, Any]) -> dict[str, Any]:
    raw = a.get("changeset_json") or a.get("fields") or ""
    if isinstance(raw, dict):
        return rendered_params(ctx, raw)
    decoded = php_json_decode(ctx.render(raw)) if raw else {}
    return decoded if isinstance(decoded, dict) else {}


@action("core.bot.action.record.create", "core.bot.action.record.update", "core.bot.action.record.upsert",
        "core.bot.action.record.delete", "core.bot.action.record.retrieve", "core.bot.action.record.search")
def record_action(ctx: ActionContext, a: dict[str, Any]) -> None:
    store = ctx.it.store
    context = ctx.render(a.get("context", ""))
    rid = to_int(ctx.render(a.get("id", "0")))
    var = str(a.get("object_placeholder") or a.get("var") or "")
    op = ctx.key.rsplit(".", 1)[-1]
    result: Any
    if op == "create":
        result = store.create(context, _fields(ctx, a))
        what = f"would create {context} #{result['id']}"
    elif op in ("update", "upsert"):
        result = store.update(context, rid, _fields(ctx, a))
        if result is None and op == "upsert":
            result = store.create(context, _fields(ctx, a))
        what = f"would {op} {context} #{rid}"
    elif op == "delete":
        result = store.delete(context, rid)
        what = f"would delete {context} #{rid}"
    elif op == "retrieve":
        result = store.get(context, rid) or {}
        what = f"read {context} #{rid} from the simulated store"
    else:
        result = store.search(context, ctx.render(a.get("query", "")))
        what = f"searched {context} in the simulated store: {len(result)} found"
    if var:
        ctx.values[var] = result
    ctx.effect(what, {"context": context, "id": rid, "result": result, "params": rendered_params(ctx, a)})
