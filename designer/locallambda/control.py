"""The control-plane subset of the Lambda API (functions, versions, aliases, concurrency) as JSON handlers.

Each handler takes the decoded request and returns (status, body); errors are raised as ApiError.
Shapes follow botocore's service-2.json for lambda 2015-03-31, so an unmodified boto3 client parses them.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from designer.locallambda.registry import ALIAS_RE, SUPPORTED_RUNTIMES, Alias, ApiError, Config, Function

if TYPE_CHECKING:
    from designer.locallambda.service import LocalLambdaService

log = logging.getLogger(__name__)

Result = tuple[int, Any]


def _json(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ApiError(400, "InvalidRequestContentException", f"Could not parse request body into json: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "InvalidRequestContentException", "Request body must be a JSON object")
    return data


def _config_changes(data: dict[str, Any], *, require: bool) -> dict[str, Any]:
    """Translate API fields to Config attributes, validating like Lambda does."""
    out: dict[str, Any] = {}
    if "Runtime" in data or require:
        runtime = str(data.get("Runtime", ""))
        if not SUPPORTED_RUNTIMES.match(runtime):
            raise ApiError(400, "InvalidParameterValueException",
                           f"Value {runtime} at 'runtime' failed to satisfy constraint: this local service runs "
                           "python3.x and nodejsNN.x runtimes only")
        out["runtime"] = runtime
    if "Handler" in data or require:
        if not data.get("Handler"):
            raise ApiError(400, "InvalidParameterValueException", "Handler is required")
        out["handler"] = str(data["Handler"])
    if "Role" in data or require:
        role = str(data.get("Role", ""))
        if not re.match(r"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$", role):
            raise ApiError(400, "ValidationException",
                           f"1 validation error detected: Value '{role}' at 'role' failed to satisfy constraint: "
                           "Member must satisfy regular expression pattern: "
                           "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
        out["role"] = role
    if "Timeout" in data:
        timeout = int(data["Timeout"])
        if not 1 <= timeout <= 900:
            raise ApiError(400, "InvalidParameterValueException", "Timeout must be between 1 and 900 seconds")
        out["timeout"] = timeout
    if "MemorySize" in data:
        memory = int(data["MemorySize"])
        if not 128 <= memory <= 10240:
            raise ApiError(400, "InvalidParameterValueException", "MemorySize must be between 128 and 10240 MB")
        out["memory_size"] = memory
    if "Description" in data:
        out["description"] = str(data["Description"])
    if "Environment" in data:
        variables = (data.get("Environment") or {}).get("Variables") or {}
        out["environment"] = {str(k): str(v) for k, v in variables.items()}
    return out


def _zip(data: dict[str, Any], key: str = "ZipFile") -> bytes:
    raw = data.get(key)
    if not raw:
        raise ApiError(400, "InvalidParameterValueException",
                       "This local service accepts code only as ZipFile (no S3 or container images).")
    try:
        return base64.b64decode(raw)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(400, "InvalidParameterValueException", f"ZipFile is not valid base64: {exc}") from exc


class ControlPlane:
    def __init__(self, service: LocalLambdaService) -> None:
        self.svc = service
        self.reg = service.registry

    def _alias(self, fn: Function, name: str) -> Alias:
        alias = fn.aliases.get(name)
        if alias is None:
            raise ApiError(404, "ResourceNotFoundException", f"Alias not found: {self.reg.arn(fn.name, name)}")
        return alias

    def _check_version(self, fn: Function, version: str) -> None:
        if version != "$LATEST" and version not in fn.versions:
            raise ApiError(404, "ResourceNotFoundException",
                           f"Function not found: {self.reg.arn(fn.name, version)}")

    # -- functions ------------------------------------------------------------------------------------
    def list_functions(self, query: dict[str, str]) -> Result:
        with self.reg.lock:
            fns = sorted(self.reg.functions.values(), key=lambda f: f.name)
            configs = []
            for fn in fns:
                configs.append(self.reg.configuration(fn, fn.latest))
                if query.get("FunctionVersion") == "ALL":
                    configs.extend(self.reg.configuration(fn, v) for v in fn.versions.values())
        return 200, self._page(configs, query, "Functions")

    @staticmethod
    def _page(items: list[Any], query: dict[str, str], key: str) -> dict[str, Any]:
        start = int(query.get("Marker") or 0)
        size = int(query.get("MaxItems") or 50)
        out: dict[str, Any] = {key: items[start:start + size]}
        if start + size < len(items):
            out["NextMarker"] = str(start + size)
        return out

    def create_function(self, body: bytes) -> Result:
        data = _json(body)
        name = str(data.get("FunctionName", ""))
        changes = _config_changes(data, require=True)
        cfg = Config(**changes)
        if data.get("PackageType", "Zip") != "Zip":
            raise ApiError(400, "InvalidParameterValueException", "Only Zip packages are supported locally")
        fn = self.reg.create(name, cfg, _zip(data.get("Code") or {}),
                             tags={str(k): str(v) for k, v in (data.get("Tags") or {}).items()},
                             publish=bool(data.get("Publish")))
        self.svc.note(f"CreateFunction {name} ({cfg.runtime}, {cfg.handler})")
        version = fn.versions[str(fn.next_version - 1)] if data.get("Publish") else fn.latest
        return 201, self.reg.configuration(fn, version)

    def get_function(self, name: str, query: dict[str, str]) -> Result:
        fn, version, _ = self.reg.resolve(name, query.get("Qualifier"))
        out: dict[str, Any] = {
            "Configuration": self.reg.configuration(fn, version),
            "Code": {"RepositoryType": "S3",
                     "Location": f"{self.svc.endpoint}/_local/code/{fn.name}?Qualifier={version.version}"},
        }
        if fn.tags:
            out["Tags"] = dict(fn.tags)
        if fn.reserved_concurrency is not None:
            out["Concurrency"] = {"ReservedConcurrentExecutions": fn.reserved_concurrency}
        return 200, out

    def get_configuration(self, name: str, query: dict[str, str]) -> Result:
        fn, version, _ = self.reg.resolve(name, query.get("Qualifier"))
        return 200, self.reg.configuration(fn, version)

    def update_configuration(self, name: str, body: bytes) -> Result:
        fn = self.reg.get(name)
        self.reg.update_config(fn, _config_changes(_json(body), require=False))
        self.svc.pool.retire(fn.name, "$LATEST")
        return 200, self.reg.configuration(fn, fn.latest)

    def update_code(self, name: str, body: bytes) -> Result:
        data = _json(body)
        fn = self.reg.get(name)
        self.reg.update_code(fn, _zip(data))
        self.svc.pool.retire(fn.name, "$LATEST")
        self.svc.note(f"UpdateFunctionCode {fn.name}")
        version = self.reg.publish(fn) if data.get("Publish") else fn.latest
        return 200, self.reg.configuration(fn, version)

    def delete_function(self, name: str, query: dict[str, str]) -> Result:
        fn_name, arn_q = self.reg.parse_name(name)
        fn = self.reg.get(fn_name)
        qualifier = query.get("Qualifier") or arn_q
        self.reg.delete(fn, qualifier)
        self.svc.pool.retire(fn.name, qualifier)
        self.svc.note(f"DeleteFunction {fn.name}{':' + qualifier if qualifier else ''}")
        return 204, None

    # -- versions -------------------------------------------------------------------------------------
    def publish_version(self, name: str, body: bytes) -> Result:
        data = _json(body)
        fn = self.reg.get(name)
        if data.get("CodeSha256") and data["CodeSha256"] != fn.latest.code_sha256:
            raise ApiError(412, "PreconditionFailedException", "CodeSha256 does not match $LATEST")
        version = self.reg.publish(fn, data.get("Description"))
        self.svc.note(f"PublishVersion {fn.name} → {version.version}")
        return 201, self.reg.configuration(fn, version)

    def list_versions(self, name: str, query: dict[str, str]) -> Result:
        fn = self.reg.get(name)
        with self.reg.lock:
            items = [self.reg.configuration(fn, fn.latest)]
            items += [self.reg.configuration(fn, v) for _, v in sorted(fn.versions.items(), key=lambda kv: int(kv[0]))]
        return 200, self._page(items, query, "Versions")

    # -- aliases --------------------------------------------------------------------------------------
    def create_alias(self, name: str, body: bytes) -> Result:
        data = _json(body)
        fn = self.reg.get(name)
        alias_name = str(data.get("Name", ""))
        if not ALIAS_RE.match(alias_name):
            raise ApiError(400, "InvalidParameterValueException", f"Invalid alias name: {alias_name}")
        version = str(data.get("FunctionVersion", ""))
        self._check_version(fn, version)
        with self.reg.lock:
            if alias_name in fn.aliases:
                raise ApiError(409, "ResourceConflictException",
                               f"Alias already exists: {self.reg.arn(fn.name, alias_name)}")
            alias = Alias(alias_name, version, str(data.get("Description", "")))
            fn.aliases[alias_name] = alias
        return 201, self.reg.alias_shape(fn, alias)

    def get_alias(self, name: str, alias_name: str) -> Result:
        fn = self.reg.get(name)
        return 200, self.reg.alias_shape(fn, self._alias(fn, alias_name))

    def list_aliases(self, name: str, query: dict[str, str]) -> Result:
        fn = self.reg.get(name)
        with self.reg.lock:
            items = [self.reg.alias_shape(fn, a) for a in sorted(fn.aliases.values(), key=lambda a: a.name)
                     if query.get("FunctionVersion") in (None, a.function_version)]
        return 200, self._page(items, query, "Aliases")

    def update_alias(self, name: str, alias_name: str, body: bytes) -> Result:
        data = _json(body)
        fn = self.reg.get(name)
        with self.reg.lock:
            alias = self._alias(fn, alias_name)
            if data.get("RevisionId") and data["RevisionId"] != alias.revision_id:
                raise ApiError(412, "PreconditionFailedException", "The Revision Id provided does not match")
            if "FunctionVersion" in data:
                self._check_version(fn, str(data["FunctionVersion"]))
                alias.function_version = str(data["FunctionVersion"])
            if "Description" in data:
                alias.description = str(data["Description"])
            alias.revision_id = Alias(alias.name, "").revision_id
        return 200, self.reg.alias_shape(fn, alias)

    def delete_alias(self, name: str, alias_name: str) -> Result:
        fn = self.reg.get(name)
        with self.reg.lock:
            fn.aliases.pop(alias_name, None)
        return 204, None

    # -- concurrency ----------------------------------------------------------------------------------
    def put_concurrency(self, name: str, body: bytes) -> Result:
        data = _json(body)
        fn = self.reg.get(name)
        value = int(data.get("ReservedConcurrentExecutions", -1))
        if value < 0 or value > self.svc.concurrency:
            raise ApiError(400, "InvalidParameterValueException",
                           f"ReservedConcurrentExecutions must be between 0 and {self.svc.concurrency}")
        fn.reserved_concurrency = value
        return 200, {"ReservedConcurrentExecutions": value}

    def get_concurrency(self, name: str) -> Result:
        fn = self.reg.get(name)
        if fn.reserved_concurrency is None:
            return 200, {}
        return 200, {"ReservedConcurrentExecutions": fn.reserved_concurrency}

    def delete_concurrency(self, name: str) -> Result:
        self.reg.get(name).reserved_concurrency = None
        return 204, None
