#!/usr/bin/env python3
"""Runs the shards of a LungCAM batch on a Dask cluster: one task per shard, each running the LungCAM
CLI (`lungcam batch-shard OUT --shard I`) on a worker, retried when it fails; a worker that dies takes
its task to another worker (Dask's own rescheduling). `lungcam batch --scheduler` starts this driver;
it needs only Dask's `distributed` (Debian: python3-distributed) here and on the workers, plus Node and
LungCAM on the workers, and OUT and the dataset on a filesystem every worker sees at the same path.

    python3 dask_driver.py --scheduler tcp://HOST:8786 --out OUT --shards 0,1,2 \
        --cli /usr/bin/node /opt/lungcam/bin/lungcam.js [--retries 2] [--events]

From Python, with any cluster object (dask-jobqueue's SLURMCluster / PBSCluster, dask-kubernetes'
KubeCluster, LocalCluster): `run(Client(cluster), cli, out_dir, shards)`.

Without --events it draws a text progress bar on stderr; with it, it prints one JSON line per finished
or failed shard on stdout (what `lungcam batch` reads). Exit 0 when every shard finished, 1 when some
failed (the finished ones are kept: rerunning the batch resumes), 2 when the scheduler cannot be used.
"""
import argparse
import json
import os
import subprocess
import sys
import uuid


def run_shard(cli, out_dir, shard):
    """The task on a worker: the LungCAM CLI explains the shard's recordings not done yet. A task is one
    of the worker's threads, so it computes on one core (a worker with --nthreads 8 runs 8 of them)."""
    env = dict(os.environ)
    env.setdefault("LUNGCAM_WASM_THREADS", "1")
    env.setdefault("LUNGCAM_THREADS", "1")
    proc = subprocess.run([*cli, "batch-shard", out_dir, "--shard", str(shard)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        said = [l for l in proc.stderr.splitlines() if l.startswith("lungcam: ") and not l.startswith("lungcam: warning")]
        reason = said[-1][len("lungcam: "):] if said else (proc.stderr.strip()[-300:] or "exit %d" % proc.returncode)
        raise RuntimeError("shard %d on %s: %s" % (shard, _host(), reason))
    return shard, [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]


def _host():
    import socket
    return socket.gethostname()


def run(client, cli, out_dir, shards, retries=2, emit=None):
    """Submits one task per shard and waits for all; returns the shards that failed."""
    from distributed import as_completed

    emit = emit or (lambda event: None)
    batch = uuid.uuid4().hex[:8]
    futures = {
        client.submit(run_shard, cli, out_dir, s, key="lungcam-shard-%s-%d" % (batch, s), retries=retries, pure=False): s
        for s in shards
    }
    failed = []
    for future in as_completed(futures):
        shard = futures[future]
        try:
            _, recordings = future.result()
            emit({"event": "shard-done", "shard": shard, "recordings": recordings})
        except Exception as e:  # the task's own error, or a cancelled future when the scheduler went away
            failed.append(shard)
            emit({"event": "shard-failed", "shard": shard, "error": str(e) or type(e).__name__})
    return failed


class TextProgress:
    def __init__(self, total):
        self.total, self.done = total, 0

    def __call__(self, event):
        self.done += 1
        width = 30
        full = int(width * self.done / max(1, self.total))
        sys.stderr.write("\r[%s%s] %d/%d shards" % ("#" * full, "." * (width - full), self.done, self.total))
        if event["event"] == "shard-failed":
            sys.stderr.write("\n%s\n" % event["error"])
        if self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def main(argv=None):
    p = argparse.ArgumentParser(description="Run a LungCAM batch's shards on a Dask cluster.")
    p.add_argument("--scheduler", required=True, help="the scheduler's address, e.g. tcp://HOST:8786")
    p.add_argument("--out", required=True, help="the batch's output folder (holds batch-plan.json)")
    p.add_argument("--shards", required=True, help="comma-separated shard numbers")
    p.add_argument("--cli", nargs="+", required=True, help="how a worker runs LungCAM, e.g. node /path/bin/lungcam.js")
    p.add_argument("--retries", type=int, default=2)
    p.add_argument("--timeout", default="20s", help="how long to wait for the scheduler")
    p.add_argument("--events", action="store_true", help="JSON lines on stdout instead of a progress bar")
    a = p.parse_args(argv)
    shards = [int(s) for s in a.shards.split(",") if s != ""]

    def say(event):
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()

    try:
        from distributed import Client
    except ImportError:
        sys.stderr.write("lungcam: Dask distributed is not installed for %s (Debian: apt-get install python3-distributed)\n" % sys.executable)
        return 2
    try:
        client = Client(a.scheduler, timeout=a.timeout)
    except Exception as e:
        sys.stderr.write("lungcam: cannot reach the Dask scheduler at %s (%s): start it (dask scheduler) or check the address\n" % (a.scheduler, e))
        return 2
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        if a.events:
            say({"event": "connected", "workers": workers})
        failed = run(client, a.cli, a.out, shards, a.retries, say if a.events else TextProgress(len(shards)))
    finally:
        try:
            client.close(timeout=5)
        except Exception:
            pass
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
