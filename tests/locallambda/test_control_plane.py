"""Control plane through boto3: create from a zip, versions, aliases, list/get/delete, concurrency."""
from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from typing import Any

import pytest

from designer.locallambda import LocalLambdaService

ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _code(answer: str) -> bytes:
    return _zip({"main.py": f"def handler(event, context):\n    return {{'answer': {answer!r}, "
                            "'version': context.function_version, 'arn': context.invoked_function_arn}\n"})


def _invoke(client: Any, name: str, **kw: Any) -> tuple[dict[str, Any], Any]:
    resp = client.invoke(FunctionName=name, Payload=b"{}", **kw)
    return resp, json.loads(resp["Payload"].read())


def test_create_invoke_delete(client: Any, svc: LocalLambdaService) -> None:
    created = client.create_function(FunctionName="Zipped", Runtime="python3.12", Role=ROLE, Handler="main.handler",
                                     Code={"ZipFile": _code("zip")}, Description="from a zip", Timeout=3,
                                     MemorySize=128, Tags={"team": "bots"},
                                     Environment={"Variables": {"A": "1"}})
    assert created["FunctionName"] == "Zipped" and created["Version"] == "$LATEST"
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert "Zipped" in svc.functions()
    assert not (svc.functions_dir / "Zipped").exists()  # API functions never land in the folder
    _, body = _invoke(client, "Zipped")
    assert body["answer"] == "zip"
    got = client.get_function(FunctionName="Zipped")
    assert got["Configuration"]["Handler"] == "main.handler"
    assert got["Configuration"]["Environment"] == {"Variables": {"A": "1"}}
    assert got["Tags"] == {"team": "bots"}
    req = urllib.request.Request(got["Code"]["Location"], headers={"x-local-lambda-secret": svc.secret_access_key})
    with zipfile.ZipFile(io.BytesIO(urllib.request.urlopen(req).read())) as zf:
        assert zf.namelist() == ["main.py"]
    cfg = client.get_function_configuration(FunctionName="Zipped")
    assert cfg["Runtime"] == "python3.12" and cfg["Timeout"] == 3 and cfg["Description"] == "from a zip"
    with pytest.raises(client.exceptions.ResourceConflictException):
        client.create_function(FunctionName="Zipped", Runtime="python3.12", Role=ROLE, Handler="main.handler",
                               Code={"ZipFile": _code("again")})
    client.delete_function(FunctionName="Zipped")
    assert "Zipped" not in svc.functions()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="Zipped")


def test_create_rejects_bad_runtime_and_zip(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterValueException):
        client.create_function(FunctionName="BadRt", Runtime="java17", Role=ROLE, Handler="x.y",
                               Code={"ZipFile": _code("x")})
    with pytest.raises(client.exceptions.InvalidParameterValueException):
        client.create_function(FunctionName="BadZip", Runtime="python3.12", Role=ROLE, Handler="x.y",
                               Code={"ZipFile": b"not a zip"})


def test_missing_module_is_an_import_error(client: Any) -> None:
    client.create_function(FunctionName="NoModule", Runtime="python3.12", Role=ROLE, Handler="absent.handler",
                           Code={"ZipFile": _code("x")})
    try:
        resp, body = _invoke(client, "NoModule")
        assert resp["FunctionError"] == "Unhandled"
        assert body["errorType"] == "Runtime.ImportModuleError"
        assert "Unable to import module 'absent'" in body["errorMessage"]
    finally:
        client.delete_function(FunctionName="NoModule")


def test_versions_and_aliases_route_calls(client: Any, svc: LocalLambdaService) -> None:
    client.create_function(FunctionName="Versioned", Runtime="python3.12", Role=ROLE, Handler="main.handler",
                           Code={"ZipFile": _code("one")}, Publish=True)
    try:
        assert [v["Version"] for v in client.list_versions_by_function(FunctionName="Versioned")["Versions"]] == \
            ["$LATEST", "1"]
        client.update_function_code(FunctionName="Versioned", ZipFile=_code("two"))
        resp, body = _invoke(client, "Versioned")
        assert body["answer"] == "two" and resp["ExecutedVersion"] == "$LATEST"
        resp, body = _invoke(client, "Versioned", Qualifier="1")
        assert body == {"answer": "one", "version": "1",
                        "arn": f"arn:aws:lambda:{svc.region}:{svc.account_id}:function:Versioned:1"}
        assert resp["ExecutedVersion"] == "1"
        v2 = client.publish_version(FunctionName="Versioned", Description="second")
        assert v2["Version"] == "2" and v2["Description"] == "second"

        alias = client.create_alias(FunctionName="Versioned", Name="live", FunctionVersion="1")
        assert alias["AliasArn"].endswith(":function:Versioned:live")
        resp, body = _invoke(client, "Versioned", Qualifier="live")
        assert body["answer"] == "one" and resp["ExecutedVersion"] == "1"
        assert body["arn"].endswith(":Versioned:live")
        client.update_alias(FunctionName="Versioned", Name="live", FunctionVersion="2")
        resp, body = _invoke(client, "Versioned", Qualifier="live")
        assert body["answer"] == "two" and resp["ExecutedVersion"] == "2"
        assert client.get_alias(FunctionName="Versioned", Name="live")["FunctionVersion"] == "2"
        assert [a["Name"] for a in client.list_aliases(FunctionName="Versioned")["Aliases"]] == ["live"]
        assert client.get_function_configuration(FunctionName="Versioned", Qualifier="1")["Version"] == "1"
        # versions are immutable: a config change of $LATEST does not reach version 1
        client.update_function_configuration(FunctionName="Versioned", Description="changed")
        assert client.get_function_configuration(FunctionName="Versioned", Qualifier="1")["Description"] == ""
        client.delete_alias(FunctionName="Versioned", Name="live")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.invoke(FunctionName="Versioned", Qualifier="live")
        client.delete_function(FunctionName="Versioned", Qualifier="1")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.invoke(FunctionName="Versioned", Qualifier="1")
    finally:
        client.delete_function(FunctionName="Versioned")


def test_list_functions_and_pagination(client: Any, svc: LocalLambdaService) -> None:
    names = [f["FunctionName"] for f in client.list_functions()["Functions"]]
    assert names == svc.functions()
    assert {"CerbDnsLookup", "CerbDnsLookupNode", "ConnectResultMap", "LexOrderFlowers", "echo"} <= set(names)
    pages = client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 3})
    assert [f["FunctionName"] for page in pages for f in page["Functions"]] == names


def test_reserved_concurrency_api(client: Any) -> None:
    client.create_function(FunctionName="Conc", Runtime="python3.12", Role=ROLE, Handler="main.handler",
                           Code={"ZipFile": _code("c")})
    try:
        client.put_function_concurrency(FunctionName="Conc", ReservedConcurrentExecutions=0)
        with pytest.raises(client.exceptions.TooManyRequestsException) as info:
            client.invoke(FunctionName="Conc")
        assert info.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
        assert client.get_function(FunctionName="Conc")["Concurrency"] == {"ReservedConcurrentExecutions": 0}
        client.delete_function_concurrency(FunctionName="Conc")
        assert _invoke(client, "Conc")[1]["answer"] == "c"
    finally:
        client.delete_function(FunctionName="Conc")


def test_folder_function_picks_up_edits(client: Any, svc: LocalLambdaService) -> None:
    folder = svc.functions_dir / "editable"
    folder.mkdir()
    (folder / "function.json").write_text(json.dumps({"runtime": "python3.12", "handler": "h.handler"}))
    (folder / "h.py").write_text("def handler(e, c):\n    return 'first'\n")
    svc.registry.load_folder(svc.functions_dir)
    assert _invoke(client, "editable")[1] == "first"
    (folder / "h.py").write_text("def handler(e, c):\n    return 'second edit'\n")
    assert _invoke(client, "editable")[1] == "second edit"
