"""Setting a package up for simulation: configure it, bind its connected-account prompts (to the embedded local
Lambda service with a throwaway account, or to stored accounts), and make the Simulator. Used by the CLI,
the conversation tests and the GUI."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designer.sim.conversation import Simulator
from designer.sim.types import SimOptions


@dataclass
class Session:
    simulator: Simulator
    accounts: Any
    service: Any = None  # the LocalLambdaService, when started here


@contextlib.contextmanager
def open_session(package: str | Path | Any, *, values: Mapping[str, str] | None = None, account: str = "",
                 local_lambda: str | Path | None = None, options: SimOptions | None = None,
                 accounts: Any = None) -> Iterator[Session]:
    """Yield a ready Simulator; a local Lambda service started here is stopped on exit."""
    from designer.credentials import account_prompts, bind_prompts
    from designer.io import configure_package, load_package

    pkg = load_package(Path(package)) if isinstance(package, (str, Path)) else package
    given = dict(values or {})
    prompt_keys = {str(p.get("key")) for p in pkg.prompts}
    acct_keys = [p["key"] for p in account_prompts(pkg.prompts)]
    unset = [k for k in acct_keys if k not in given]
    service = None
    try:
        if local_lambda is not None:
            from designer.credentials import AccountChain, EphemeralAccounts
            from designer.locallambda import LocalLambdaService

            region = given.get("aws_region") or _prompt_default(pkg, "aws_region") or "us-east-1"
            service = LocalLambdaService(Path(local_lambda), region=str(region)).start()
            ephemeral = EphemeralAccounts()
            ephemeral.add_aws("Local Lambda (simulator)", access_key_id=service.access_key_id,
                              secret_access_key=service.secret_access_key, region=service.region,
                              endpoint_url=service.endpoint)
            accounts = AccountChain(ephemeral, accounts) if accounts is not None else ephemeral
            if unset:
                bound = bind_prompts(pkg.prompts, ephemeral, {})
                given.update({k: v for k, v in bound.items() if k in unset})
        elif unset:
            if accounts is None:
                from designer.credentials import AccountStore
                accounts = AccountStore()
            bound = bind_prompts(pkg.prompts, accounts, {k: account for k in unset} if account else {})
            given.update({k: v for k, v in bound.items() if k in unset})
        elif accounts is None and acct_keys:
            from designer.credentials import AccountStore
            accounts = AccountStore()
        configured = configure_package(pkg, {k: str(v) for k, v in given.items() if k in prompt_keys})
        yield Session(Simulator(configured, accounts=accounts, options=options or SimOptions()), accounts, service)
    finally:
        if service is not None:
            service.stop()


def _prompt_default(pkg: Any, key: str) -> str:
    for p in pkg.prompts:
        if p.get("key") == key and isinstance(p.get("params"), dict):
            return str(p["params"].get("default") or "")
    return ""
