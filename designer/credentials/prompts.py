"""Package chooser wiring: a package's `configure.prompts` (plain JSON) → which accounts fit each
connected-account chooser, and the placeholder values that bind the chosen accounts (ids, never secrets)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from designer.credentials.errors import AccountError, PromptBindingError
from designer.credentials.model import CONNECTED_ACCOUNT_CONTEXT, Account
from designer.credentials.source import AccountSource


def account_prompts(prompts: Any) -> list[dict[str, Any]]:
    """The chooser prompts whose context is a connected account."""
    out = []
    for p in prompts or []:
        if isinstance(p, dict) and p.get("type") == "chooser" and isinstance(p.get("params"), dict) \
                and p["params"].get("context") == CONNECTED_ACCOUNT_CONTEXT and p.get("key"):
            out.append(p)
    return out


def preselect(prompts: Any, source: AccountSource) -> dict[str, list[Account]]:
    """prompt key → the accounts matching its chooser query, best first."""
    return {p["key"]: source.match_prompt(str(p["params"].get("query") or "")) for p in account_prompts(prompts)}


def context_key(key: str) -> str | None:
    """`aws_account_id` → `aws_account__context` (Cerb: the key minus "id", plus "_context")."""
    return key[:-2] + "_context" if key.endswith("_id") else None


def bind_prompts(prompts: Any, source: AccountSource, choices: Mapping[str, Any] | None = None, *,
                 only: Iterable[str] | None = None) -> dict[str, Any]:
    """Placeholder values for every connected-account chooser prompt (or just the keys in `only`).

    `choices` maps prompt key → account name or id (a list for multi choosers). A prompt without a choice
    takes the single matching account; none or several matches is an error that names the candidates."""
    choices = dict(choices or {})
    found = account_prompts(prompts)
    if only is not None:
        wanted = set(only)
        found = [p for p in found if p["key"] in wanted]
    keys = {p["key"] for p in found}
    all_keys = {p.get("key") for p in prompts or [] if isinstance(p, dict)}
    unknown = [k for k in choices if k not in all_keys]
    if unknown:
        known = ", ".join(sorted(keys)) or "none"
        raise PromptBindingError(f"The package has no prompt {', '.join(map(repr, unknown))}.",
                                 hint=f"Its connected-account prompts are: {known}.")
    values: dict[str, Any] = {}
    for p in found:
        key, params = p["key"], p["params"]
        label = p.get("label") or key
        single = bool(params.get("single", True))
        choice = choices.get(key)
        if choice in (None, "", []):
            matches = source.match_prompt(str(params.get("query") or ""))
            if len(matches) != 1:
                names = ", ".join(a.name for a in matches) or "none"
                what = "No account matches" if not matches else "Several accounts match"
                raise PromptBindingError(
                    f"{what} the prompt '{label}' ({key}, query {params.get('query')!r}); candidates: {names}.",
                    hint=f"Choose one: pass {key}=NAME, or add a matching account with `bot-designer accounts add`.")
            chosen: list[Account] = matches
        else:
            named = choice if isinstance(choice, list | tuple) else [choice]
            try:
                chosen = [source.get(str(n)) for n in named]
            except AccountError as exc:
                raise PromptBindingError(f"Prompt '{label}' ({key}): {exc.message}", hint=exc.hint) from None
        if single:
            if len(chosen) != 1:
                raise PromptBindingError(f"The prompt '{label}' ({key}) takes one account.", hint="Choose one.")
            values[key] = chosen[0].id
            ck = context_key(key)
            if ck:
                values[ck] = str(params.get("context"))
        else:
            values[key] = [a.id for a in chosen]
    return values
