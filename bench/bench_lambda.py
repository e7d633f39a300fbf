"""The Lambda path: our invoker vs a raw boto3 `invoke` on the same warm local function, and the local
service's cold/warm latency and throughput with 1, 4 and 16 concurrent callers."""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

from bench.common import Figure, measure_alternating, row
from designer.aws.credentials import AwsCredentials
from designer.aws.invoker import Invoker, InvokeRequest
from designer.locallambda import LocalLambdaService

ECHO = "def handler(event, context):\n    return {'echo': event}\n"


def _functions(tmp: Path) -> Path:
    for name in ("Echo", "Cold"):
        folder = tmp / name
        folder.mkdir(parents=True)
        (folder / "function.json").write_text(json.dumps({"name": name, "runtime": "python3.11",
                                                          "handler": "app.handler", "timeout": 10}))
        (folder / "app.py").write_text(ECHO)
    return tmp


def run(calls: int = 200) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, LocalLambdaService(_functions(Path(tmp)), concurrency=32) as svc:
        creds = AwsCredentials(access_key_id=svc.access_key_id, secret_access_key=svc.secret_access_key,
                               region=svc.region, endpoint_url=svc.endpoint)
        raw = boto3.client("lambda", endpoint_url=svc.endpoint, region_name=svc.region,
                           aws_access_key_id=svc.access_key_id, aws_secret_access_key=svc.secret_access_key,
                           config=Config(retries={"total_max_attempts": 1}, max_pool_connections=32))
        invoker = Invoker()
        payload = b'{"hello": "world"}'

        def ours() -> None:
            invoker.invoke(InvokeRequest(creds, "Echo", payload))

        def boto() -> None:
            raw.invoke(FunctionName="Echo", Payload=payload)["Payload"].read()

        ours(), boto()  # warm both paths and the worker
        mine, base = measure_alternating("invoker round trip (warm)", lambda: [ours() for _ in range(20)],
                                         "raw boto3 invoke", lambda: [boto() for _ in range(20)])
        per = lambda f: Figure(f.name, f.median / 20, f.low / 20, f.high / 20)  # noqa: E731
        rows.append(row(per(mine), per(base), "≤ 1.10×"))

        start = time.perf_counter()
        raw.invoke(FunctionName="Cold", Payload=payload)["Payload"].read()
        cold = time.perf_counter() - start
        warm = per(base)
        rows.append(row(Figure("local service cold start (new worker)", cold, cold, cold), warm))

        latencies: list[float] = []

        def one() -> None:
            t0 = time.perf_counter()
            boto()
            latencies.append(time.perf_counter() - t0)

        for callers in (1, 4, 16):
            with ThreadPoolExecutor(callers) as pool:
                list(pool.map(lambda _: one(), range(callers)))  # spin up one warm worker per caller
                latencies.clear()
                t0 = time.perf_counter()
                list(pool.map(lambda _: one(), range(calls)))
                elapsed = time.perf_counter() - t0
            lat = Figure(f"{callers} concurrent caller(s): {calls / elapsed:.0f} calls/s, latency",
                         statistics.median(latencies), min(latencies), max(latencies))
            rows.append(row(lat, warm))
    return rows


if __name__ == "__main__":
    print("\n".join(run()))
