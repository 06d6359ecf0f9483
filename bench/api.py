"""API benchmark: ``safetyReport`` over HTTP on loopback vs the same report through the store.

Starts ``kgtwin serve --demo`` on a fresh embedded engine (a temporary data dir), waits for it,
then measures p50/p95/p99 latency and requests/s of ``safetyReport`` at 1, 16 and 64
concurrent clients, and the same reports computed in-process through the store. Prints the
API/store ratio (the API's overhead: HTTP, GraphQL, auth, audit write) and the latency growth
from 1 to 64 clients.

    python bench/api.py            # quick: 200 twins, 200 requests per level
    python bench/api.py --full     # 10,000 twins, 2,000 requests per level
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx

QUERY = """query($id: ID!) { safetyReport(patientId: $id) { __typename
  ... on SafetyReport { alerts { key kind severity } notChecked } } }"""
PATIENTS_Q = """query($after: String) { patients(first: 200, after: $after) {
  ... on PatientConnection { edges { node { id } } pageInfo { hasNextPage endCursor } } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _start_server(data_dir: str, port: int, patients: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KGTWIN_DATA_DIR=data_dir, KGTWIN_GRAPH_NAME="bench")
    for var in ("KGTWIN_GRAPH_URI", "KGTWIN_API_KEYS", "KGTWIN_API_KEYS_FILE", "KGTWIN_JWT_SECRET"):
        env.pop(var, None)
    env["KGTWIN_API_TIMEOUT"] = "60"
    launcher = "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))"
    cmd = [sys.executable, "-c", launcher, "serve", "--port", str(port), "--demo",
           "--demo-patients", str(patients), "--log-level", "warning",
           "--workers", str(workers)]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_up(proc: subprocess.Popen[bytes], url: str, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            err = (proc.stderr.read() if proc.stderr else b"").decode()[-2000:]
            raise SystemExit(f"kgtwin serve exited with {proc.returncode}:\n{err}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"kgtwin serve did not come up within {timeout:.0f}s")


def _patient_ids(url: str, limit: int) -> list[str]:
    ids: list[str] = []
    after = None
    with httpx.Client(base_url=url, timeout=60) as http:
        while len(ids) < limit:
            r = http.post("/graphql", json={"query": PATIENTS_Q, "variables": {"after": after}})
            page = r.json()["data"]["patients"]
            ids += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    return ids[:limit]


def _plan(ids: list[str], clients: int, total: int) -> list[list[str]]:
    """Which twins each client asks for (seeded: the store-direct run repeats the 1-client plan)."""
    rng = random.Random(clients)
    per_client = max(1, total // clients)
    return [[rng.choice(ids) for _ in range(per_client)] for _ in range(clients)]


def _level(url: str, ids: list[str], clients: int, total: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    plan = _plan(ids, clients, total)
    barrier = threading.Barrier(clients)

    def work(mine: list[str]) -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=120) as http:
            http.post("/graphql", json={"query": "{ __typename }"})  # connect before timing
            barrier.wait()
            for pid in mine:
                t0 = time.perf_counter()
                r = http.post("/graphql", json={"query": QUERY, "variables": {"id": pid}})
                dt = time.perf_counter() - t0
                ok = r.status_code == 200 and "errors" not in r.json()
                with lock:
                    latencies.append(dt)
                    errors += 0 if ok else 1

    threads = [threading.Thread(target=work, args=(p,)) for p in plan]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {
        "clients": clients,
        "n": len(latencies),
        "errors": errors,
        "p50": _pct(latencies, 50) * 1000,
        "p95": _pct(latencies, 95) * 1000,
        "p99": _pct(latencies, 99) * 1000,
        "rps": len(latencies) / wall,
    }


def _trivial(url: str, n: int) -> float:
    """Requests/s of ``{ __typename }`` from one client: the fixed cost of a GraphQL request."""
    with httpx.Client(base_url=url, timeout=60) as http:
        for _ in range(50):
            http.post("/graphql", json={"query": "{ __typename }"})
        start = time.perf_counter()
        for _ in range(n):
            http.post("/graphql", json={"query": "{ __typename }"})
        return n / (time.perf_counter() - start)


def _store_direct(data_dir: str, sample: list[str]) -> dict[str, float]:
    from kg.config import load_settings
    from kg.reasoning import safety_report
    from kg.store import EmbeddedEngine, QueryRegistry
    from kg.store.falkor import FalkorStore

    engine = EmbeddedEngine(load_settings({"KGTWIN_DATA_DIR": data_dir}))
    store = FalkorStore(QueryRegistry.load(), str(engine.socket), graph_name="bench")
    n = len(sample)
    latencies = []
    start = time.perf_counter()
    for pid in sample:
        t0 = time.perf_counter()
        safety_report(store, pid)
        latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    store.close()  # a store without an engine handle: the server keeps its engine
    return {
        "n": n,
        "p50": _pct(latencies, 50) * 1000,
        "p95": _pct(latencies, 95) * 1000,
        "p99": _pct(latencies, 99) * 1000,
        "rps": n / wall,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="10,000 twins, 2,000 requests/level")
    parser.add_argument("--quick", action="store_true", help="the default small run")
    parser.add_argument("--patients", type=int, help="twins to load (overrides the size)")
    parser.add_argument("--requests", type=int, help="requests per concurrency level")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args(argv)
    patients = args.patients or (10_000 if args.full else 200)
    requests = args.requests or (2_000 if args.full else 200)
    data_dir = tempfile.mkdtemp(prefix="kgb-", dir="/tmp")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"kgtwin API benchmark: {patients} twins, {requests} requests per level, {url}")
    proc = _start_server(data_dir, port, patients, args.workers)
    try:
        up = _wait_up(proc, url, timeout=3600)
        print(f"server up after {up:.1f}s (knowledge base, ontology and {patients} twins loaded)")
        ids = _patient_ids(url, min(patients, 1000))
        print(f"sampling from {len(ids)} twins")
        trivial = _trivial(url, 1000)
        # The same twins, in the same order, through the store and then over HTTP (1 client).
        direct = _store_direct(data_dir, _plan(ids, 1, requests)[0])
        rows = [_level(url, ids, c, requests) for c in (1, 16, 64)]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    print()
    head = ("path", "clients", "n", "err", "p50 ms", "p95 ms", "p99 ms", "req/s")
    print(f"{head[0]:<18}" + "".join(f"{h:>9}" for h in head[1:]))
    table = [("HTTP safetyReport", r) for r in rows] + [("store direct", {**direct, "clients": 1})]
    for name, r in table:
        cells = (r["clients"], r["n"], r.get("errors", 0))
        stats = (r["p50"], r["p95"], r["p99"], r["rps"])
        print(
            f"{name:<18}" + "".join(f"{c:>9}" for c in cells) + "".join(f"{v:>9.1f}" for v in stats)
        )
    one, many = rows[0], rows[-1]
    overhead = one["p50"] - direct["p50"]
    print()
    print(f"API/store p50 ratio (1 client): {one['p50'] / direct['p50']:.2f}x (+{overhead:.1f} ms:")
    print("  HTTP, GraphQL parse/validate, auth, patient read, audit write)")
    growth = (many["p50"] / one["p50"], many["p95"] / one["p95"], many["rps"] / one["rps"])
    print(f"latency growth 1 -> 64 clients: p50 {growth[0]:.1f}x, p95 {growth[1]:.1f}x;")
    print(f"  throughput {growth[2]:.1f}x")
    print(f"trivial query {{ __typename }}, 1 client: {trivial:.0f} req/s (parse/validate cached)")
    print(f"machine: {os.cpu_count()} cores; {args.workers} uvicorn worker(s)")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
