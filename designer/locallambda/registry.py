"""Functions, versions and aliases: loaded from a folder of definitions or created through the API.

A folder-backed function reads its code in place (and notices edits); API-created functions and every
published version live as immutable copies in the service's runtime folder.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import logging
import re
import shutil
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.errors import DesignerError

log = logging.getLogger(__name__)

SUPPORTED_RUNTIMES = re.compile(r"^(python3\.\d+|nodejs\d+\.x)$")
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
ALIAS_RE = re.compile(r"^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$")


class ApiError(Exception):
    """A Lambda service error: becomes an HTTP status, `x-amzn-ErrorType` and a JSON body."""

    def __init__(self, status: int, error_type: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        # Lambda's shapes spell it "message" or "Message" depending on the exception: send both, so the
        # modeled field is filled whichever shape botocore picks (Error.Message is filled either way).
        return {"Type": "User" if self.status < 500 else "Service", "message": self.message,
                "Message": self.message, **self.extra}


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime())


@dataclass
class Config:
    """The mutable configuration of $LATEST (a version holds a frozen copy)."""

    runtime: str
    handler: str
    timeout: float = 3
    memory_size: int = 128
    description: str = ""
    environment: dict[str, str] = field(default_factory=dict)
    role: str = ""


@dataclass
class Version:
    version: str  # "$LATEST" or "1", "2"…
    config: Config
    code_dir: Path
    code_sha256: str
    code_size: int
    revision_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    last_modified: str = field(default_factory=_now_iso)


@dataclass
class Alias:
    name: str
    function_version: str
    description: str = ""
    revision_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Function:
    name: str
    latest: Version
    versions: dict[str, Version] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    source_dir: Path | None = None  # set for folder-backed functions
    source_stamp: tuple[Any, ...] = ()
    next_version: int = 1


def dir_digest(path: Path) -> tuple[str, int, tuple[Any, ...]]:
    """(base64 sha256 over the files, total size, a cheap change stamp) of a code folder."""
    h = hashlib.sha256()
    size = 0
    stamp: list[Any] = []
    for f in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = f.relative_to(path).as_posix()
        data = f.read_bytes()
        h.update(rel.encode() + b"\0" + data)
        size += len(data)
        st = f.stat()
        stamp.append((rel, st.st_mtime_ns, st.st_size))
    return base64.b64encode(h.digest()).decode(), size, tuple(stamp)


def _stamp(path: Path) -> tuple[Any, ...]:
    return tuple(
        (f.relative_to(path).as_posix(), f.stat().st_mtime_ns, f.stat().st_size)
        for f in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    )


def read_definition(folder: Path) -> tuple[str, Config, dict[str, Any]]:
    """Parse ``folder/function.json`` (see docs/local-lambda.md) into (name, config, extras)."""
    path = folder / "function.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DesignerError(f"Cannot read {path}: {exc}", hint="function.json must be a JSON object") from exc
    if not isinstance(raw, dict):
        raise DesignerError(f"{path} is not a JSON object", hint="see docs/local-lambda.md")
    name = str(raw.get("name") or folder.name)
    runtime = str(raw.get("runtime", "python3.12"))
    if not NAME_RE.match(name):
        raise DesignerError(f"{path}: bad function name {name!r}", hint="letters, digits, '-' and '_' only")
    if not SUPPORTED_RUNTIMES.match(runtime):
        raise DesignerError(f"{path}: unsupported runtime {runtime!r}", hint="use python3.x or nodejsNN.x")
    default_handler = "index.handler" if runtime.startswith("nodejs") else "lambda_function.lambda_handler"
    env = raw.get("environment") or {}
    cfg = Config(
        runtime=runtime,
        handler=str(raw.get("handler", default_handler)),
        timeout=float(raw.get("timeout", 3)),
        memory_size=int(raw.get("memory_size", 128)),
        description=str(raw.get("description", "")),
        environment={str(k): str(v) for k, v in env.items()},
        role=str(raw.get("role", "")),
    )
    extras = {"reserved_concurrency": raw.get("reserved_concurrency"), "tags": raw.get("tags") or {},
              "aliases": raw.get("aliases") or {}}
    return name, cfg, extras


class Registry:
    """All functions of one service; thread-safe."""

    def __init__(self, region: str, account_id: str, runtime_dir: Path) -> None:
        self.region = region
        self.account_id = account_id
        self.runtime_dir = runtime_dir
        self.lock = threading.RLock()
        self.functions: dict[str, Function] = {}

    def arn(self, name: str, qualifier: str | None = None) -> str:
        base = f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"
        return f"{base}:{qualifier}" if qualifier else base

    # -- loading --------------------------------------------------------------------------------------
    def load_folder(self, functions_dir: Path) -> list[str]:
        """Load every subfolder with a function.json; a broken one is logged and skipped."""
        loaded: list[str] = []
        if not functions_dir.is_dir():
            raise DesignerError(f"Functions folder not found: {functions_dir}",
                                hint="pass a folder whose subfolders each hold a function.json")
        for folder in sorted(p for p in functions_dir.iterdir() if (p / "function.json").is_file()):
            try:
                name, cfg, extras = read_definition(folder)
            except DesignerError as exc:
                log.warning("skipping %s: %s", folder, exc)
                continue
            with self.lock:
                known = self.functions.get(name)
            if known is not None and known.source_dir == folder.resolve():
                loaded.append(name)  # already loaded; refresh() picks up its edits
                continue
            sha, size, stamp = dir_digest(folder)
            fn = Function(name=name, latest=Version("$LATEST", cfg, folder.resolve(), sha, size),
                          tags={str(k): str(v) for k, v in extras["tags"].items()},
                          reserved_concurrency=extras["reserved_concurrency"], source_dir=folder.resolve(),
                          source_stamp=stamp)
            with self.lock:
                self.functions[name] = fn
                for alias, version in extras["aliases"].items():
                    if version != "$LATEST":
                        log.warning("%s: folder aliases may only point at $LATEST", name)
                        continue
                    fn.aliases[str(alias)] = Alias(str(alias), "$LATEST")
            loaded.append(name)
        return loaded

    def refresh(self, fn: Function) -> bool:
        """Re-read a folder-backed function whose files changed; True when $LATEST got a new revision."""
        if fn.source_dir is None or not (fn.source_dir / "function.json").is_file():
            return False
        stamp = _stamp(fn.source_dir)
        if stamp == fn.source_stamp:
            return False
        try:
            _, cfg, extras = read_definition(fn.source_dir)
        except DesignerError as exc:
            log.warning("keeping the previous %s: %s", fn.name, exc)
            return False
        sha, size, stamp = dir_digest(fn.source_dir)
        with self.lock:
            fn.latest = Version("$LATEST", cfg, fn.source_dir, sha, size)
            fn.reserved_concurrency = extras["reserved_concurrency"]
            fn.source_stamp = stamp
        return True

    # -- lookups --------------------------------------------------------------------------------------
    def parse_name(self, raw: str) -> tuple[str, str | None]:
        """FunctionName as a name, `acct:function:name[:q]` or a full ARN → (name, qualifier from the ARN)."""
        parts = raw.split(":")
        if len(parts) == 1:
            return raw, None
        if parts[0] == "arn" and len(parts) in (7, 8) and parts[2] == "lambda" and parts[5] == "function":
            if parts[3] != self.region or parts[4] != self.account_id:
                raise self.not_found(parts[6], parts[7] if len(parts) == 8 else None)
            return parts[6], parts[7] if len(parts) == 8 else None
        if len(parts) in (3, 4) and parts[1] == "function":
            if parts[0] != self.account_id:
                raise self.not_found(parts[2], parts[3] if len(parts) == 4 else None)
            return parts[2], parts[3] if len(parts) == 4 else None
        if len(parts) == 2:  # name:qualifier
            return parts[0], parts[1]
        raise ApiError(400, "InvalidParameterValueException", f"Invalid FunctionName: {raw}")

    def not_found(self, name: str, qualifier: str | None = None) -> ApiError:
        return ApiError(404, "ResourceNotFoundException", f"Function not found: {self.arn(name, qualifier)}")

    def get(self, raw_name: str) -> Function:
        name, _ = self.parse_name(raw_name)
        with self.lock:
            fn = self.functions.get(name)
        if fn is None:
            raise self.not_found(name)
        return fn

    def resolve(self, raw_name: str, qualifier: str | None) -> tuple[Function, Version, str | None]:
        """(function, version to run, the qualifier used) — 404 for an unknown function or qualifier."""
        name, arn_q = self.parse_name(raw_name)
        if arn_q and qualifier and arn_q != qualifier:
            raise ApiError(400, "InvalidParameterValueException",
                           "The derived qualifier from the function name does not match the specified qualifier.")
        q = qualifier or arn_q
        with self.lock:
            fn = self.functions.get(name)
            if fn is None:
                raise self.not_found(name, q)
            if q in (None, "", "$LATEST"):
                return fn, fn.latest, q or None
            if q in fn.versions:
                return fn, fn.versions[q], q
            alias = fn.aliases.get(q)
            if alias is not None:
                target = fn.latest if alias.function_version == "$LATEST" else fn.versions.get(alias.function_version)
                if target is not None:
                    return fn, target, q
        raise self.not_found(name, q)

    # -- mutations ------------------------------------------------------------------------------------
    def create(self, name: str, cfg: Config, zip_bytes: bytes, *, tags: dict[str, str], publish: bool) -> Function:
        if not NAME_RE.match(name):
            raise ApiError(400, "InvalidParameterValueException", f"Invalid function name: {name}")
        with self.lock:
            if name in self.functions:
                raise ApiError(409, "ResourceConflictException", f"Function already exist: {name}")
            latest = self._store_zip(name, cfg, zip_bytes)
            fn = Function(name=name, latest=latest, tags=dict(tags))
            self.functions[name] = fn
            if publish:
                self.publish(fn, cfg.description)
        return fn

    def update_code(self, fn: Function, zip_bytes: bytes) -> None:
        with self.lock:
            fn.latest = self._store_zip(fn.name, fn.latest.config, zip_bytes)
            fn.source_dir = None  # API edits detach a folder function from its folder

    def update_config(self, fn: Function, changes: dict[str, Any]) -> None:
        with self.lock:
            cfg = copy.deepcopy(fn.latest.config)
            for key, value in changes.items():
                setattr(cfg, key, value)
            old = fn.latest
            fn.latest = Version("$LATEST", cfg, old.code_dir, old.code_sha256, old.code_size)

    def _store_zip(self, name: str, cfg: Config, zip_bytes: bytes) -> Version:
        target = self.runtime_dir / "functions" / name / uuid.uuid4().hex
        target.mkdir(parents=True)
        try:
            with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
                for member in zf.infolist():
                    dest = (target / member.filename).resolve()
                    if not str(dest).startswith(str(target.resolve())):
                        raise ApiError(400, "InvalidParameterValueException", "Zip entry escapes the code folder")
                zf.extractall(target)
        except (zipfile.BadZipFile, ValueError) as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise ApiError(400, "InvalidParameterValueException",
                           "Could not unzip uploaded file. Please check your file, then try to upload again. "
                           f"({exc})") from exc
        sha = base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()
        return Version("$LATEST", cfg, target, sha, len(zip_bytes))

    def publish(self, fn: Function, description: str | None = None) -> Version:
        """Snapshot $LATEST (code copied, config frozen) as the next version number."""
        with self.lock:
            latest = fn.latest
            if fn.versions:
                last = fn.versions[str(fn.next_version - 1)]
                if last.code_sha256 == latest.code_sha256 and last.config == latest.config:
                    return last  # Lambda returns the existing version when nothing changed
            number = str(fn.next_version)
            snap = self.runtime_dir / "functions" / fn.name / f"v{number}-{uuid.uuid4().hex[:8]}"
            shutil.copytree(latest.code_dir, snap, ignore=shutil.ignore_patterns("__pycache__"))
            cfg = copy.deepcopy(latest.config)
            if description is not None:
                cfg.description = description
            version = Version(number, cfg, snap, latest.code_sha256, latest.code_size)
            fn.versions[number] = version
            fn.next_version += 1
            return version

    def delete(self, fn: Function, qualifier: str | None) -> None:
        with self.lock:
            if qualifier in (None, "", "$LATEST"):
                if qualifier == "$LATEST":
                    raise ApiError(400, "InvalidParameterValueException", "$LATEST version cannot be deleted "
                                   "without deleting the function.")
                self.functions.pop(fn.name, None)
                shutil.rmtree(self.runtime_dir / "functions" / fn.name, ignore_errors=True)
                return
            if qualifier not in fn.versions:
                raise self.not_found(fn.name, qualifier)
            users = [a.name for a in fn.aliases.values() if a.function_version == qualifier]
            if users:
                raise ApiError(409, "ResourceConflictException",
                               f"Unable to delete version because the following aliases reference it: {users}")
            fn.versions.pop(qualifier)

    # -- shapes ---------------------------------------------------------------------------------------
    def configuration(self, fn: Function, version: Version) -> dict[str, Any]:
        cfg = version.config
        qual = None if version.version == "$LATEST" else version.version
        out: dict[str, Any] = {
            "FunctionName": fn.name,
            "FunctionArn": self.arn(fn.name, qual),
            "Runtime": cfg.runtime,
            "Role": cfg.role or f"arn:aws:iam::{self.account_id}:role/local-lambda-role",
            "Handler": cfg.handler,
            "CodeSize": version.code_size,
            "Description": cfg.description,
            "Timeout": int(cfg.timeout) if float(cfg.timeout).is_integer() else cfg.timeout,
            "MemorySize": cfg.memory_size,
            "LastModified": version.last_modified,
            "CodeSha256": version.code_sha256,
            "Version": version.version,
            "TracingConfig": {"Mode": "PassThrough"},
            "RevisionId": version.revision_id,
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": ["x86_64"],
            "EphemeralStorage": {"Size": 512},
        }
        if cfg.environment:
            out["Environment"] = {"Variables": dict(cfg.environment)}
        return out

    def alias_shape(self, fn: Function, alias: Alias) -> dict[str, Any]:
        return {"AliasArn": self.arn(fn.name, alias.name), "Name": alias.name,
                "FunctionVersion": alias.function_version, "Description": alias.description,
                "RevisionId": alias.revision_id}
