"""An embedded AWS Lambda service on loopback: the Invoke API plus a control-plane subset, running Python
and Node.js handlers in warm worker subprocesses. Qt-free; see docs/local-lambda.md.

    from designer.locallambda import LocalLambdaService
    with LocalLambdaService(Path("packages/functions")) as svc:
        boto3.client("lambda", endpoint_url=svc.endpoint, region_name=svc.region, ...)
"""
from __future__ import annotations

from designer.locallambda.faults import Fault, FaultInjector
from designer.locallambda.registry import ApiError, read_definition
from designer.locallambda.service import LocalLambdaService, serve

__all__ = ["ApiError", "Fault", "FaultInjector", "LocalLambdaService", "read_definition", "serve"]
