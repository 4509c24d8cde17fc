#!/usr/bin/env python3
"""Writes the bad-input corpus (issue 17): one folder per case under tests/data/bad/, holding
its input files and case.txt:

    args: validate scenario.json        (the fleetsim arguments, split on spaces; run in the folder)
    exit: 2
    error: scenario.json:1:5: ...        (stderr is exactly "fleetsim: error: <error>\\n")
    sparse: big.json 70                  (optional: a sparse file of 70 MiB made at test time)

The expected message of a case is written here, by hand, when it is given; `--record` fills the
missing ones from build/fleetsim, and every recorded message was reviewed before it was
committed. Usage: tests/data/bad/make-corpus.py [--record FLEETSIM]
"""
import json, os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))

NODE = {"name": "gpu", "count": 2, "cpu_milli": 64000, "memory_mib": 262144, "gpus": 8, "gpu_model": "A100"}


def scenario(**over):
    d = {"name": "bad", "cluster": {"nodes": [dict(NODE)]}, "workload": {"trace": "trace.csv"}}
    for k, v in over.items():
        d[k] = v
    return d


TRACE = "id,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli\nj1,0,10,1000,1024,1,1000\n"
JL = '{"id": "j1", "submit_s": 0, "duration_s": 10, "cpu_milli": 1000, "memory_mib": 1024, "num_gpu": 1, "gpu_milli": 1000}\n'
NODES = "sn,cpu_milli,memory_mib,gpu,model\nn1,64000,262144,8,A100\n"
PODS = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
POD1 = "p1,1000,1024,1,1000,,LS,Running,0,100,0\n"

cases = {}


def case(name, args, files, error=None, sparse=None, exit=2):
    assert name not in cases, name
    cases[name] = dict(args=args, files=files, error=error, sparse=sparse, exit=exit)


def js(d):
    return json.dumps(d, indent=1).encode()


def with_trace(sc=None, trace=TRACE, name="trace.csv"):
    sc = sc or scenario()
    sc["workload"] = dict(sc.get("workload", {}), trace=name)
    return {"scenario.json": js(sc), name: trace.encode() if isinstance(trace, str) else trace}


V = "validate scenario.json"
deep_arr = "[" * 100000 + "]" * 100000
deep_obj = '{"a":' * 100000 + "1" + "}" * 100000

# ---- scenario files --------------------------------------------------------------------------
base = js(scenario())[:-1]  # without the closing brace
case("scenario-deep-array", V, {"scenario.json": b'{"name": "x", "description": ' + deep_arr.encode() + b"}", "trace.csv": TRACE.encode()})
case("scenario-deep-object", V, {"scenario.json": b'{"name": "x", "policy": {"params": ' + deep_obj.encode() + b"}}"})
case("scenario-deep-65", V, {"scenario.json": b'{"description": ' + b"[" * 65 + b"]" * 65 + b"}"})
case("scenario-seed-1e999", V, {"scenario.json": base + b', "seed": 1e999}', "trace.csv": TRACE.encode()})
case("scenario-seed-minus-1e999", V, {"scenario.json": base + b', "seed": -1e999}', "trace.csv": TRACE.encode()})
case("scenario-seed-5000-digits", V, {"scenario.json": base + b', "seed": ' + b"9" * 5000 + b"}", "trace.csv": TRACE.encode()})
case("scenario-seed-2pow64", V, {"scenario.json": base + b', "seed": 18446744073709551615}', "trace.csv": TRACE.encode()})
case("scenario-seed-negative", V, {"scenario.json": base + b', "seed": -1}', "trace.csv": TRACE.encode()})
case("scenario-trailing-garbage", V, {"scenario.json": js(scenario()) + b" x", "trace.csv": TRACE.encode()})
case("scenario-trailing-object", V, {"scenario.json": js(scenario()) + b"{}", "trace.csv": TRACE.encode()})
case("scenario-nul-then-garbage", V, {"scenario.json": js(scenario()) + b"\x00garbage", "trace.csv": TRACE.encode()})
case("scenario-nul-in-string", V, {"scenario.json": b'{"name": "a\x00b"}'})
case("scenario-utf8-bad-byte", V, {"scenario.json": b'{"name": "caf\xe9"}'})
case("scenario-utf8-overlong", V, {"scenario.json": b'{"name": "\xc0\xaf"}'})
case("scenario-utf8-surrogate", V, {"scenario.json": b'{"name": "\xed\xa0\x80"}'})
case("scenario-utf8-truncated", V, {"scenario.json": b'{"name": "\xe2\x82"}'})
case("scenario-utf8-above-10ffff", V, {"scenario.json": b'{"name": "\xf4\x90\x80\x80"}'})
case("scenario-empty-file", V, {"scenario.json": b""})
case("scenario-whitespace-only", V, {"scenario.json": b" \n\n  "})
case("scenario-truncated", V, {"scenario.json": b'{"name": '})
case("scenario-not-an-object", V, {"scenario.json": b"[1, 2]"})
case("scenario-unknown-key-huge", V, {"scenario.json": b'{"' + b"k" * 100000 + b'": 1}'})
case("scenario-nodes-count-1e9", V, with_trace(scenario(cluster={"nodes": [dict(NODE, count=1000000000)]})))
case("scenario-nodes-count-1e9-float", V, {"scenario.json": js(scenario()).replace(b'"count": 2', b'"count": 1e9'), "trace.csv": TRACE.encode()})
case("scenario-nodes-total", V, with_trace(scenario(cluster={"nodes": [dict(NODE, name="a", count=60000, gpus=0), dict(NODE, name="b", count=60000, gpus=0)]})))
case("scenario-gpus-total", V, with_trace(scenario(cluster={"nodes": [dict(NODE, count=100000, gpus=64)]})))
case("scenario-cpu-2pow50", V, with_trace(scenario(cluster={"nodes": [dict(NODE, cpu_milli=2**50)]})))
case("scenario-memory-1e300", V, with_trace(scenario(cluster={"nodes": [dict(NODE, memory_mib=1e300)]})))
case("scenario-horizon-1e308", V, with_trace(scenario(workload={"trace": "trace.csv", "horizon_s": 1e308})))
case("scenario-attach-1e11", V, with_trace(scenario(cluster={"nodes": [dict(NODE)], "links": {"attach_s": 1e11}})))
case("scenario-price-1e308", V, with_trace(scenario(cluster={"nodes": [dict(NODE, price_usd=1e308)]})))
case("scenario-pue-1e9", V, with_trace(scenario(cost={"pue": 1e9})))
case("scenario-electricity-1e300", V, with_trace(scenario(cost={"electricity_usd_per_kwh": 1e300})))
case("scenario-bandwidth-1e300", V, with_trace(scenario(cluster={"nodes": [dict(NODE)], "links": {"nic_bandwidth_Bps": 1e300}})))
inline = lambda **j: scenario(workload={"jobs": [dict({"id": "j1", "submit_s": 0, "duration_s": 10, "cpu_milli": 1000, "memory_mib": 1024, "num_gpu": 1, "gpu_milli": 1000}, **j)]})
case("scenario-job-duration-1e308", V, {"scenario.json": js(inline(duration_s=1e308))})
case("scenario-job-submit-negative", V, {"scenario.json": js(inline(submit_s=-1))})
case("scenario-job-cpu-2pow62", V, {"scenario.json": js(inline(cpu_milli=2**62))})
case("scenario-job-cpu-2pow64", V, {"scenario.json": js(inline(cpu_milli=2**64 - 1))})
case("scenario-job-num-gpu-65", V, {"scenario.json": js(inline(num_gpu=65))})
case("scenario-job-steps-2e9", V, {"scenario.json": js(inline(steps=2000000000, step_compute_s=1))})
case("scenario-job-not-object", V, {"scenario.json": js(scenario(workload={"jobs": [[1]]}))})
case("scenario-job-unknown-key-huge", V, {"scenario.json": js(inline(**{"x" * 5000: 1}))})
case("scenario-pipeline-batches-1e9", V, {"scenario.json": js(scenario(workload={"jobs": [{"id": "j", "submit_s": 0, "pipeline": "p"}], "pipelines": [{"name": "p", "batches": 1000000000, "stages": [{"name": "s", "cpu_milli": 1000, "batch_s": 1}]}]}))})
case("scenario-cpu-only-no-target", V, with_trace(scenario(fragmentation={"include_cpu_only": False}), TRACE.replace("1,1000\n", "0,0\n")))
case("scenario-trace-path-5000", V, {"scenario.json": js(scenario(workload={"trace": "a/" * 2500}))})
case("scenario-trace-name-300", V, {"scenario.json": js(scenario(workload={"trace": "t" * 300 + ".csv"}))})
case("scenario-trace-directory", V, {"scenario.json": js(scenario(workload={"trace": "sub", "format": "csv"})), "sub/keep": b""})
case("scenario-trace-dev-zero", V, {"scenario.json": js(scenario(workload={"trace": "/dev/zero", "format": "csv"}))})
case("scenario-trace-missing", V, {"scenario.json": js(scenario(workload={"trace": "none.csv"}))})
case("scenario-node-list-dev-zero", V, {"scenario.json": js(scenario(cluster={"node_list": "/dev/zero"})), "trace.csv": TRACE.encode()})
case("scenario-node-list-directory", V, {"scenario.json": js(scenario(cluster={"node_list": "."})), "trace.csv": TRACE.encode()})
case("scenario-arg-directory", "validate sub", {"sub/keep": b""})
case("scenario-arg-dev-null", "validate /dev/null", {})
case("scenario-arg-path-5000", "validate " + "x/" * 2500 + "s.json", {})
case("scenario-arg-missing", "validate missing.json", {})
case("scenario-too-large", "validate big.json", {}, sparse="big.json 70")
case("cli-set-invalid-utf8", "validate scenario.json --set name=caf\udce9", with_trace())
case("cli-set-deep", "validate scenario.json --set policy.params=" + "[" * 1000 + "]" * 1000, with_trace())
case("cli-set-seed-1e999", "validate scenario.json --set seed=1e999", with_trace())
case("cli-set-count-1e9", "validate scenario.json --set cluster.nodes.0.count=1000000000", with_trace())
case("run-header-only-trace", "run scenario.json -o out", with_trace(trace=TRACE.split("\n")[0] + "\n"))
case("run-horizon-1e999", "run scenario.json -o out", {"scenario.json": base + b', "workload": {"trace": "trace.csv", "horizon_s": 1e999}}', "trace.csv": TRACE.encode()})

# ---- native CSV traces -----------------------------------------------------------------------
H = TRACE.split("\n")[0] + "\n"
case("csv-header-only", V, with_trace(trace=H))
case("csv-header-only-crlf", V, with_trace(trace=H.replace("\n", "\r\n")))
case("csv-empty", V, with_trace(trace=""))
case("csv-blank-lines-only", V, with_trace(trace="\n\n\n"))
case("csv-extra-field", V, with_trace(trace=H + "j1,0,10,1000,1024,1,1000,surprise\n"))
case("csv-missing-field", V, with_trace(trace=H + "j1,0,10,1000,1024,1\n"))
case("csv-utf8-in-id", V, with_trace(trace=(H + "j\xff1,0,10,1000,1024,1,1000\n").encode("latin-1")))
case("csv-utf8-in-header", V, with_trace(trace=(H.replace("id,", "i\xe9d,") + "j1,0,10,1000,1024,1,1000\n").encode("latin-1")))
case("csv-nul-byte", V, with_trace(trace=(H + "j1,0,10,1000,1024,1,1000\x00\n").encode()))
case("csv-duration-1e999", V, with_trace(trace=H + "j1,0,1e999,1000,1024,1,1000\n"))
case("csv-duration-1e308", V, with_trace(trace=H + "j1,0,1e308,1000,1024,1,1000\n"))
case("csv-submit-1e11", V, with_trace(trace=H + "j1,1e11,10,1000,1024,1,1000\n"))
case("csv-submit-nan", V, with_trace(trace=H + "j1,nan,10,1000,1024,1,1000\n"))
case("csv-submit-inf", V, with_trace(trace=H + "j1,inf,10,1000,1024,1,1000\n"))
case("csv-cpu-2pow63", V, with_trace(trace=H + "j1,0,10,9223372036854775808,1024,1,1000\n"))
case("csv-cpu-2pow41", V, with_trace(trace=H + "j1,0,10,2199023255552,1024,1,1000\n"))
case("csv-num-gpu-1e9", V, with_trace(trace=H + "j1,0,10,1000,1024,1000000000,1000\n"))
case("csv-gpu-milli-1001", V, with_trace(trace=H + "j1,0,10,1000,1024,1,1001\n"))
case("csv-unterminated-quote", V, with_trace(trace=H + '"j1,0,10,1000,1024,1,1000\n'))
case("csv-text-after-quote", V, with_trace(trace=H + '"j1"x,0,10,1000,1024,1,1000\n'))
case("csv-unknown-column-huge", V, with_trace(trace="id,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli," + "c" * 5000 + "\n"))
case("csv-duplicate-id", V, with_trace(trace=H + "j1,0,10,1000,1024,1,1000\nj1,0,10,1000,1024,1,1000\n"))
case("csv-bom", V, with_trace(trace="\ufeff" + TRACE))
case("csv-batches-2e6", V, with_trace(
    scenario(workload={}, ),
    trace="id,submit_s,pipeline,batches\nj1,0,p,2000000\n") | {"scenario.json": js(scenario(workload={"trace": "trace.csv", "pipelines": [{"name": "p", "batches": 1, "stages": [{"name": "s", "cpu_milli": 1000, "batch_s": 1}]}]}))})
case("csv-steps-2e9", V, with_trace(trace="id,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli,steps\nj1,0,10,1000,1024,1,1000,2000000000\n"))
case("csv-too-large", V, {"scenario.json": js(scenario(workload={"trace": "big.csv"}))}, sparse="big.csv 4097")

# ---- JSON Lines traces -----------------------------------------------------------------------
JV = lambda t: with_trace(trace=t, name="trace.jsonl")
case("jsonl-empty", V, JV(""))
case("jsonl-blank-only", V, JV("\n  \n"))
case("jsonl-1e999", V, JV(JL.replace('"duration_s": 10', '"duration_s": 1e999')))
case("jsonl-duration-1e308", V, JV(JL.replace('"duration_s": 10', '"duration_s": 1e308')))
case("jsonl-deep", V, JV(JL + '{"id": "j2", "x": ' + deep_arr + "}\n"))
case("jsonl-trailing-garbage", V, JV(JL.rstrip("\n") + " x\n"))
case("jsonl-two-objects", V, JV(JL.rstrip("\n") + JL))
case("jsonl-utf8", V, JV((JL.replace('"j1"', '"j\xff"')).encode("latin-1")))
case("jsonl-nul", V, JV(JL.replace('"j1"', '"j\x00"')))
case("jsonl-array-row", V, JV("[1, 2]\n"))
case("jsonl-malformed-line-3", V, JV(JL + JL.replace("j1", "j2") + '{"id": "j3", }\n'))
case("jsonl-cpu-2pow64", V, JV(JL.replace('"cpu_milli": 1000', '"cpu_milli": 18446744073709551615')))
case("jsonl-submit-string", V, JV(JL.replace('"submit_s": 0', '"submit_s": "0"')))

# ---- Alibaba v2023 node lists and pod lists ----------------------------------------------------
NL = lambda nodes: {"scenario.json": js(scenario(cluster={"node_list": "nodes.csv"})), "trace.csv": TRACE.encode(),
                    "nodes.csv": nodes.encode() if isinstance(nodes, str) else nodes}
NH = NODES.split("\n")[0] + "\n"
case("nodes-header-only", V, NL(NH))
case("nodes-empty", V, NL(""))
case("nodes-extra-field", V, NL(NH + "n1,64000,262144,8,A100,x\n"))
case("nodes-utf8", V, NL((NH + "n\xff,64000,262144,8,A100\n").encode("latin-1")))
case("nodes-gpu-65", V, NL(NH + "n1,64000,262144,65,A100\n"))
case("nodes-cpu-2pow41", V, NL(NH + "n1,2199023255552,262144,8,A100\n"))
case("nodes-cpu-1e999", V, NL(NH + "n1,1e999,262144,8,A100\n"))
case("nodes-duplicate", V, NL(NODES + "n1,64000,262144,8,A100\n"))
PL = lambda pods: {"scenario.json": js(scenario(cluster={"node_list": "nodes.csv"}, workload={"trace": "pods.csv", "format": "alibaba-v2023"})),
                   "nodes.csv": NODES.encode(), "pods.csv": pods.encode() if isinstance(pods, str) else pods}
case("pods-header-only", V, PL(PODS))
case("pods-empty", V, PL(""))
case("pods-creation-1e999", V, PL(PODS + POD1.replace(",0,100,0", ",1e999,100,0")))
case("pods-deletion-1e11", V, PL(PODS + POD1.replace(",0,100,0", ",0,1e11,0")))
case("pods-extra-field", V, PL(PODS + POD1.rstrip("\n") + ",x\n"))
case("pods-utf8", V, PL((PODS + POD1.replace("p1", "p\xff")).encode("latin-1")))
case("pods-multi-gpu-shared", V, PL(PODS + POD1.replace("1,1000,,", "2,500,,")))
case("pods-unknown-model", V, PL(PODS + POD1.replace(",,LS", ",H100,LS")))

# ---- sweep files -----------------------------------------------------------------------------
SW = lambda d, raw=None: {"s.sweep.json": raw if raw is not None else js(d), "scenario.json": js(scenario()), "trace.csv": TRACE.encode()}
S = "sweep s.sweep.json"
case("sweep-range-from-2pow63", S, SW({"scenario": "scenario.json", "grid": {"seed": {"from": 9223372036854775808, "to": 9223372036854775809}}}))
case("sweep-range-overflow", S, SW({"scenario": "scenario.json", "grid": {"seed": {"from": -4611686018427387904, "to": 4611686018427387904}}}))
case("sweep-range-too-many", S, SW({"scenario": "scenario.json", "grid": {"seed": {"from": 0, "to": 20000}}}))
case("sweep-grid-product", S, SW({"scenario": "scenario.json", "grid": {"seed": list(range(101)), "cluster.nodes.0.count": list(range(1, 102))}}))
case("sweep-grid-1e999", S, SW(None, b'{"scenario": "scenario.json", "grid": {"seed": [1, 1e999]}}'))
case("sweep-deep", S, SW(None, b'{"scenario": "scenario.json", "set": {"description": ' + deep_arr.encode() + b'}, "grid": {"seed": [1]}}'))
case("sweep-trailing-garbage", S, SW(None, js({"scenario": "scenario.json", "grid": {"seed": [1]}}) + b"]"))
case("sweep-utf8", S, SW(None, b'{"scenario": "scenario.json", "description": "\xff", "grid": {"seed": [1]}}'))
case("sweep-malformed", S, SW(None, b'{"scenario": "scenario.json",\n "grid": {"seed": [1,]}}'))
case("sweep-scenario-path-5000", S, SW({"scenario": "d/" * 2500 + "s.json", "grid": {"seed": [1]}}))
case("sweep-step-zero", S, SW({"scenario": "scenario.json", "grid": {"seed": {"from": 0, "to": 3, "step": 0}}}))
case("sweep-arg-dev-zero", "sweep /dev/zero", {})
case("sweep-bad-point", S, SW({"scenario": "scenario.json", "grid": {"cluster.nodes.0.count": [1, 1000000000]}}))

# ---- baselines and summaries -------------------------------------------------------------------
summary = open(os.path.join(HERE, "..", "golden", "small.summary.json"), "rb").read()
BL = lambda raw: {"run/summary.json": summary, "b.json": raw}
C = "check run --baseline b.json"
case("baseline-malformed", C, BL(b'{"metrics": {\n  "gpu_alloc_ratio": {"value": 0.5 "direction": "higher-is-better"}}}'))
case("baseline-1e999", C, BL(b'{"metrics": {"gpu_alloc_ratio": {"value": 1e999, "direction": "higher-is-better"}}}'))
case("baseline-deep", C, BL(b'{"description": ' + deep_arr.encode() + b', "metrics": {}}'))
case("baseline-too-many-metrics", C, BL(js({"metrics": {"m%d" % i: {"value": 1, "direction": "two-sided"} for i in range(5000)}})))
case("baseline-utf8", C, BL(b'{"description": "\xfe", "metrics": {}}'))
case("baseline-trailing-garbage", C, BL(b'{"metrics": {}} {}'))
case("baseline-directory", "check run --baseline run", BL(b"{}"))
case("baseline-dev-zero", "check run --baseline /dev/zero", BL(b"{}"))
case("baseline-wrong-type", C, BL(b'{"metrics": {"gpu_alloc_ratio": {"value": "high", "direction": "higher-is-better"}}}'))
SM = lambda raw: {"a/summary.json": summary, "b/summary.json": raw}
M = "compare a b"
case("summary-malformed", M, SM(b'{"metrics": {\n  "x": 1,,}}'))
case("summary-no-metrics", M, SM(b'{"scenario": "x"}'))
case("summary-metrics-not-object", M, SM(b'{"metrics": [1]}'))
case("summary-1e999", M, SM(b'{"metrics": {"gpu_alloc_ratio": 1e999}}'))
case("summary-deep", M, SM(b'{"metrics": ' + deep_obj.encode() + b"}"))
case("summary-utf8", M, SM(b'{"scenario": "\xc3", "metrics": {}}'))
case("summary-empty", M, SM(b""))
case("summary-too-large", M, {"a/summary.json": summary}, sparse="b/summary.json 65")
case("summary-scenario-number", M, SM(b'{"scenario": 5, "metrics": {}}'))
case("summary-policy-number", M, SM(b'{"policy": {"queue": 3}, "metrics": {}}'))
case("summary-cluster-string", "compare a b --format md", SM(b'{"cluster": {"gpus": "many"}, "metrics": {}}'))
case("summary-fill-curve-strings", "compare a b --report r.html", SM(b'{"mode": "fill", "metrics": {"fill_curve": [{"arrived_pct": "x"}]}}'))
case("summary-check-metrics-array", "check b --baseline bl.json", dict(SM(b'{"metrics": [1]}'), **{"bl.json": b'{"metrics": {}}'}))

# ---- plan ------------------------------------------------------------------------------------
PLAN_SC = lambda plan, **kw: {"scenario.json": js(scenario(plan=plan, **kw)), "trace.csv": TRACE.encode()}
P = "plan scenario.json -q"
case("plan-vary-max-1e9", P, PLAN_SC({"targets": ["jobs.completed == jobs.total"], "topologies": [{"name": "t", "vary": [{"path": "cluster.nodes.0.count", "min": 1, "max": 1000000000}]}]}))
case("plan-vary-max-invalid", P, PLAN_SC({"targets": ["jobs.completed == jobs.total"], "topologies": [{"name": "t", "vary": [{"path": "cluster.nodes.0.count", "min": 1, "max": 200000}]}]}))
case("plan-max-probes-1e999", P, {"scenario.json": base + b', "plan": {"targets": ["jobs.total > 0"], "max_probes": 1e999, "topologies": []}}', "trace.csv": TRACE.encode()})
case("plan-topology-no-gpus", P, PLAN_SC({"targets": ["jobs.completed == jobs.total"], "topologies": [{"name": "cpu", "set": {"cluster.nodes.0.gpus": 0}, "vary": [{"path": "cluster.nodes.0.count", "min": 1, "max": 4}]}]}))
case("plan-step-huge", P, PLAN_SC({"targets": ["jobs.total > 0"], "topologies": [{"name": "t", "vary": [{"path": "seed", "min": 0, "max": 10, "step": 9223372036854775807}]}]}))
case("plan-missing", P, with_trace())
case("plan-validate-topology", V, PLAN_SC({"targets": ["jobs.completed == jobs.total"], "topologies": [{"name": "cpu", "set": {"cluster.nodes.0.gpus": 0}, "vary": [{"path": "cluster.nodes.0.count", "min": 1, "max": 4}]}]}))


def write():
    for name, c in cases.items():
        d = os.path.join(HERE, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for f, data in c["files"].items():
            p = os.path.join(d, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as fh:
                fh.write(data)


def record(cli):
    import tempfile
    for name, c in sorted(cases.items()):
        d = os.path.join(HERE, name)
        with tempfile.TemporaryDirectory() as t:
            w = os.path.join(t, "w")
            shutil.copytree(d, w)
            if c["sparse"]:
                f, mib = c["sparse"].split()
                os.makedirs(os.path.dirname(os.path.join(w, f)) or w, exist_ok=True)
                with open(os.path.join(w, f), "wb") as fh:
                    fh.truncate(int(mib) << 20)
            args = [a.encode("utf-8", "surrogateescape") for a in c["args"].split(" ")]
            r = subprocess.run([cli] + args, cwd=w, capture_output=True, timeout=60)
        err = r.stderr.decode("utf-8", "replace")
        prefix = "fleetsim: error: "
        msg = err[len(prefix):-1] if err.startswith(prefix) and err.endswith("\n") and err.count("\n") == 1 else None
        if c["error"] is None:
            c["error"] = msg if msg is not None else "?? " + repr(err)
        status = "" if r.returncode == c["exit"] and msg == c["error"] else "  <-- MISMATCH exit %d: %r" % (r.returncode, err[:300])
        print("%-32s %s%s" % (name, c["error"][:150], status))
        lines = ["args: " + c["args"], "exit: %d" % c["exit"], "error: " + c["error"]]
        if c["sparse"]:
            lines.append("sparse: " + c["sparse"])
        with open(os.path.join(d, "case.txt"), "wb") as fh:
            fh.write(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    write()
    if len(sys.argv) == 3 and sys.argv[1] == "--record":
        record(sys.argv[2])
    print(len(cases), "cases")
