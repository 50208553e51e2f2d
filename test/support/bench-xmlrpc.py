#!/usr/bin/env python3
"""Reference side of `npm run bench`: the same HQueue calls made with Python's standard xmlrpc.client.

Python's xmlrpc.client is what every HQueue submitter in the wild uses (Houdini's hqrop, the docs' examples), so it is
the yardstick the helper is measured against. Each mode prints ONE JSON document on stdout.

usage:
  bench-xmlrpc.py ping   URL                      one ping
  bench-xmlrpc.py newjob URL SPEC.json            newjob(spec) with the spec exported by `hqueue-helper plan --json`
  bench-xmlrpc.py status URL JOB_ID               the calls `hqueue-helper status` makes: 5 status-name lists,
                                                  getJob(id, attribs), then ONE getJobs(children, attribs)
  bench-xmlrpc.py loads  BODY.xml SPEC.json       parses a newjob request body the way a Python server does and
                                                  compares the job spec with SPEC.json (the helper's serialiser check)
Times are wall-clock milliseconds measured inside Python; maxRssKB is the peak resident size of this process.
"""
import json
import resource
import sys
import time
import xmlrpc.client


def max_rss_kb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, kilobytes on Linux


def now_ms():
    return time.perf_counter() * 1000.0


def load_spec(path):
    with open(path, "r", encoding="utf-8") as f:
        doc = json.load(f)
    # Either a PlanResult ({"spec": ...}) or a bare spec.
    return doc["spec"] if isinstance(doc, dict) and "spec" in doc else doc


def first_difference(a, b, where="spec"):
    """The first place where two JSON-like values differ, or None."""
    if type(a) is not type(b):
        # xmlrpc gives int for <int>; JSON gives int too: a type difference is a real difference.
        return f"{where}: {type(a).__name__} {a!r:.80} != {type(b).__name__} {b!r:.80}"
    if isinstance(a, dict):
        if set(a) != set(b):
            return f"{where}: keys {sorted(set(a) ^ set(b))} differ"
        for key in a:
            found = first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)} items"
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{where}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r:.80} != {b!r:.80}"


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "ping":
        started = now_ms()
        value = xmlrpc.client.ServerProxy(argv[2], allow_none=True).ping()
        print(json.dumps({"ok": bool(value), "callMs": now_ms() - started, "maxRssKB": max_rss_kb()}))
    elif mode == "newjob":
        started = now_ms()
        spec = load_spec(argv[3])
        loaded = now_ms()
        ids = xmlrpc.client.ServerProxy(argv[2], allow_none=True).newjob(spec)
        done = now_ms()
        print(json.dumps({"ok": True, "jobIds": ids, "loadMs": loaded - started, "callMs": done - loaded,
                          "maxRssKB": max_rss_kb()}))
    elif mode == "status":
        job_id = int(argv[3])
        started = now_ms()
        server = xmlrpc.client.ServerProxy(argv[2], allow_none=True)
        for name in ("getAllJobStatusNames", "getRunningJobStatusNames", "getFailedJobStatusNames",
                     "getSucceededStatusNames", "getPausedJobStatusNames"):
            getattr(server, name)()
        job = server.getJob(job_id, ["id", "name", "status", "progress", "children"])
        tasks = server.getJobs(job["children"], ["id", "name", "status", "progress"]) if job.get("children") else []
        print(json.dumps({"ok": True, "tasks": len(tasks), "callMs": now_ms() - started, "maxRssKB": max_rss_kb()}))
    elif mode == "loads":
        with open(argv[2], "rb") as f:
            body = f.read()
        params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        expected = load_spec(argv[3])
        difference = first_difference(params[0], expected) if method == "newjob" and len(params) >= 1 else \
            f"method {method!r} with {len(params)} params"
        print(json.dumps({"ok": difference is None, "method": method, "difference": difference,
                          "children": len(params[0].get("children", [])) if params and isinstance(params[0], dict) else 0}))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
