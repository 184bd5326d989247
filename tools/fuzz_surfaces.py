#!/usr/bin/env python3
"""In-process fuzz of the surfaces issue 18 hardened (run apart from the suite; it takes minutes).

    python3 tools/fuzz_surfaces.py [--seed N] [--scale K]

Surfaces: hostile names in every renderer (text, Markdown, JSON, summary, CSV, --list), Hub answers from a
local server (127.0.0.1 only: malformed HTTP, bodies, slow bytes), engine logs up to 64 MiB, giant and odd
numbers in every option, and interrupted writes. Each case runs `sizing.main(argv)` in this process and is
checked for: a traceback (an exception escaping main), a hang (over its time bound), an exit status outside
0/1/2/130, an error that is not one stderr line, output that carries a name's markup or control characters,
a CSV cell a spreadsheet would run, and a damaged file (an output left half-written or changed by a refused
run, an invalid config cached). It prints the counts per surface and exits 1 when any is found.
"""

import argparse
import csv
import http.server
import io
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import sizing  # noqa: E402
from sizer.enginelog import load_engine_log  # noqa: E402
from sizer.model import hub  # noqa: E402
from sizer.numbers import InputError  # noqa: E402

COUNTS = {}
PROBLEMS = []


def note(surface, kind, detail=""):
    COUNTS.setdefault(surface, {"cases": 0, "tracebacks": 0, "hangs": 0, "bad_exit": 0, "bad_output": 0,
                                "damaged_files": 0})
    if kind != "cases":
        PROBLEMS.append((surface, kind, detail[:300]))
    COUNTS[surface][kind] += 1


def run(surface, argv, bound_s=20.0):
    """main(argv) with captured streams; returns (status, out, err) or None on a traceback."""
    note(surface, "cases")
    out, err = io.BytesIO(), io.BytesIO()
    wrappers = io.TextIOWrapper(out, encoding="utf-8"), io.TextIOWrapper(err, encoding="utf-8")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = wrappers
    started = time.monotonic()
    try:
        status = sizing.main(list(argv))
    except BaseException:
        note(surface, "tracebacks", repr(argv)[:150] + " " + traceback.format_exc()[-300:])
        return None
    finally:
        sys.stdout, sys.stderr = saved
        for wrapper in wrappers:
            try:
                wrapper.flush()
                wrapper.detach()
            except ValueError:
                pass
    elapsed = time.monotonic() - started
    text_out, text_err = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    if elapsed > bound_s:
        note(surface, "hangs", "%.1f s %r" % (elapsed, argv[:6]))
    if status not in (0, 1, 2, 130):
        note(surface, "bad_exit", "%r %r" % (status, argv[:6]))
    if status == 2 and (text_out or text_err.count("\n") != 1 or "Traceback" in text_err):
        note(surface, "bad_output", "error not one line: %r" % text_err[:200])
    return status, text_out, text_err


# --- 1. names in every renderer ---------------------------------------------------------------

PIECES = ["<img src=x onerror=alert(1)>", "<script>", "`", "``x``", "\n| x | y |", "\r", "\t", "\x1b[31m", "\x1b]0;t\x07",
          "=SUM(1+1)", "+1", "-2", "@cmd", "[a](http://e.example)", "|", "\\", "*", "_", "&amp;", "\u202e", "\u2028",
          "\x00", "\x7f", "\x85", "é", "名", "🙂", "{}", "{0}", "%s", "'", '"', " ", "--", "..", "/"]


def hostile_name(rng):
    name = "".join(rng.choice(PIECES) if rng.random() < 0.6 else rng.choice("abcXYZ019-.")
                   for _ in range(rng.randint(1, 6)))
    return name if name.strip() else name + "x"


def check_rendering(surface, text, markdown, csv_text=None):
    lines = text.split("\n")
    if any(ch in text for ch in "\x1b\x00\x7f\x85\r") or any(line.startswith(("| x |", "| a |")) for line in lines):
        note(surface, "bad_output", "control character or injected row: %r" % text[:200])
    if markdown and ("<img" in text or "<script" in text or "](http://e.example)" in text):
        note(surface, "bad_output", "markup: %r" % text[:200])
    if csv_text is not None:
        for row in list(csv.reader(io.StringIO(csv_text, newline="")))[1:]:
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    note(surface, "bad_output", "CSV cell %r" % cell[:60])


def fuzz_names(rng, tmp, cases):
    with open(os.path.join(ROOT, "models.json"), encoding="utf-8") as handle:
        entry = json.load(handle)["opt-oss-20b"]
    entry.pop("aliases", None)
    with open(os.path.join(ROOT, "servers.json"), encoding="utf-8") as handle:
        server_entry = json.load(handle)["dgx200"]
    for _ in range(cases):
        names = list({hostile_name(rng) for _ in range(3)})
        server = hostile_name(rng)
        models, servers = os.path.join(tmp, "m.json"), os.path.join(tmp, "s.json")
        with open(models, "w", encoding="utf-8") as handle:
            json.dump({name: dict(entry, description=hostile_name(rng)) for name in names}, handle)
        with open(servers, "w", encoding="utf-8") as handle:
            json.dump({server: server_entry, "dgx200": server_entry}, handle)
        base = ["--models-file", models, "--servers-file", servers, "--concurrency", "10", "--effective-context", "8192",
                "--lang", rng.choice(["en", "pt-BR"])]
        name = rng.choice(names)
        for fmt, markdown in (([], False), (["--markdown-only"], True), (["--summary-only"], False)):
            result = run("names", base + ["--model", name, "--server", server] + fmt)
            if result and result[0] != 2:
                check_rendering("names", result[1].split("\n{")[0] if not fmt else result[1], markdown)
        result = run("names", base + ["--model", name, "--server", server + ",dgx200", "--csv-only"])
        if result and result[0] != 2:
            check_rendering("names", "", False, result[1])
        result = run("names", base + ["--model", name, "--server", server + ",dgx200", "--markdown-only"])
        if result and result[0] != 2:
            check_rendering("names", result[1], True)
        result = run("names", ["--list", "models", "--models-file", models])
        if result and result[0] != 2:
            check_rendering("names", result[1], False)
        config = os.path.join(tmp, hostile_name(rng).replace("/", "_").replace("\x00", "_")[:60] + ".json")
        shutil.copyfile(os.path.join(ROOT, "tests", "fixtures", "hf-configs", "gpt-oss-20b.json"), config)
        result = run("names", ["--model-config", config, "--server", "dgx200,dgxh100", "--concurrency", "10",
                               "--effective-context", "8192", "--csv-only"])
        if result and result[0] != 2:
            check_rendering("names", "", False, result[1])
        os.remove(config)


# --- 2. Hub answers from a local server ------------------------------------------------------

CONFIG = open(os.path.join(ROOT, "tests", "fixtures", "hf-configs", "Llama-3.1-8B-Instruct.json"), "rb").read()


def hub_answer(rng):
    """Raw bytes of one answer: a valid one, or one of many broken shapes."""
    body = rng.choice([CONFIG, CONFIG[:rng.randint(0, len(CONFIG))], b"", b"[]", b"null", b"<!DOCTYPE html>",
                       b"{\"a\": 1}", b"\xff\xfe", b"{" * 5000, json.dumps({"metadata": {"total_size": 1}}).encode(),
                       bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))])
    status = rng.choice(["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 500 Oops",
                         "HTTP/1.1 401 No", "HTTP/1.1 2OO OK", "HTTP/9 200", "garbage", "HTTP/1.1 302 Found"])
    headers = []
    shape = rng.random()
    if shape < 0.15:
        headers.append("Transfer-Encoding: chunked")
        body = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n" if rng.random() < 0.5 else b"ZZ\r\n" + body
    elif shape < 0.25:
        headers.append("X-Long: " + "a" * rng.choice([100, 70000]))
    elif shape < 0.35:
        headers.extend("X-%d: 1" % i for i in range(rng.choice([50, 120])))
    elif shape < 0.6:
        headers.append("Content-Length: %d" % (len(body) + rng.choice([0, 0, 10, -1 if body else 0])))
    if status.endswith("302 Found"):
        headers.append("Location: http://127.0.0.1:1/elsewhere")
    return (status + "\r\n" + "\r\n".join(headers)).encode() + b"\r\n\r\n" + body, rng.random() < 0.1


def fuzz_hub(rng, tmp, cases):
    answers = {}

    class Hub(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            raw, slow = answers.get(self.path.split("/resolve/")[0], (b"HTTP/1.1 404 No\r\n\r\n", False))
            try:
                if slow:
                    for index in range(0, min(len(raw), 40)):
                        self.wfile.write(raw[index:index + 1])
                        self.wfile.flush()
                        time.sleep(0.05)
                else:
                    self.wfile.write(raw)
            except OSError:
                pass
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    saved = {key: os.environ.get(key) for key in ("HF_ENDPOINT", "XDG_CACHE_HOME")}
    saved_deadline = hub.HUB_DEADLINE_S
    hub.HUB_DEADLINE_S = 1.0
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    try:
        for index in range(cases):
            model_id = "org/m%d" % index
            answers["/" + model_id] = hub_answer(rng)
            os.environ["HF_ENDPOINT"] = rng.choice(["http://127.0.0.1:%d" % server.server_address[1]] * 8 + [
                "http://[::1", "ftp://x", "http://127.0.0.1:99999", "", "http://127.0.0.1:%d/" % server.server_address[1]])
            run("hub", ["--model-config", model_id, "--server", "dgxh100", "--concurrency", "10",
                        "--effective-context", "8192", "--json-only"], bound_s=5.0)
            config = os.path.join(hub.hub_cache_folder(model_id), "config.json")
            if os.path.exists(config):
                try:
                    with open(config, "rb") as handle:
                        if not isinstance(json.loads(handle.read().decode("utf-8")), dict):
                            raise ValueError("not an object")
                except ValueError as error:
                    note("hub", "damaged_files", "cached %s: %s" % (model_id, error))
    finally:
        hub.HUB_DEADLINE_S = saved_deadline
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.shutdown()
        server.server_close()


# --- 3. engine logs, up to 64 MiB ------------------------------------------------------------

LOG_LINES = ["GPU KV cache size: 410,128 tokens", "Available KV cache memory: 51.63 GiB",
             "Maximum concurrency for 131,072 tokens per request: 3.13x", "tensor_parallel_size=1", "# GPU blocks: 25633",
             "total_gpu_memory (79.2GiB) x gpu_memory_utilization (0.90) = 71.3GiB", "Model loading took 15.0 GiB",
             "with config: model='meta-llama/Llama-3.1-8B-Instruct', dtype=torch.bfloat16, max_seq_len=131072",
             "KV Cache is allocated. #tokens: 367404", "TensorRT-LLM", "primary blocks=99", "Maximum concurrency for",
             "tensor_parallel_size", "gpu_memory_utilization", "-tp", "--model", "9" * 5000, "x" * 70000]


def random_log(rng, size):
    parts, total = [], 0
    anchor_heavy = rng.random() < 0.5
    while total < size:
        line = rng.choice(LOG_LINES) if anchor_heavy or rng.random() < 0.05 else "INFO %d tick" % rng.randrange(10 ** 6)
        if rng.random() < 0.1:
            line = line.replace("1", rng.choice(["", "99999999999999999999", "-", "."]))
        parts.append(line)
        total += len(line) + 1
    return rng.choice(["\n", "\r\n", "\r"]).join(parts)


def fuzz_logs(rng, tmp, cases):
    config = os.path.join(tmp, "Llama-3.1-8B-Instruct.json")
    shutil.copyfile(os.path.join(ROOT, "tests", "fixtures", "hf-configs", "Llama-3.1-8B-Instruct.json"), config)
    for index in range(cases):
        size = (100, 10 ** 4, 10 ** 6, 8 * 2 ** 20, 62 * 2 ** 20)[index % 5]
        path = os.path.join(tmp, "run.log")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(random_log(rng, size))
        note("logs", "cases")
        started = time.monotonic()
        try:
            load_engine_log(path)
        except InputError:
            pass
        except BaseException:
            note("logs", "tracebacks", traceback.format_exc()[-300:])
        if time.monotonic() - started > 10:
            note("logs", "hangs", "%d bytes: %.1f s" % (size, time.monotonic() - started))
        if size <= 10 ** 6:
            run("logs", ["--model-config", config, "--server", "dgxh100", "--concurrency", "10", "--effective-context",
                         "8192", "--calibrate-from", path, "--json-only"])
        os.remove(path)


# --- 4. giant and odd numbers -------------------------------------------------------------------

NUMERIC_OPTIONS = ["--concurrency", "--effective-context", "--mfu", "--decode-mfu", "--hbm-efficiency",
                   "--kv-budget-ratio", "--runtime-overhead-gib", "--peak-headroom-ratio", "--tensor-parallel",
                   "--pipeline-parallel", "--max-num-seqs", "--max-num-batched-tokens", "--block-size",
                   "--node-cost-per-hour", "--node-price", "--power-cost-per-kwh", "--amortization-months",
                   "--kv-cache-memory-bytes", "--gpu-memory-utilization", "--tpot-slo-ms", "--ttft-slo-ms",
                   "--kv-transfer-gb-s"]
ODD_NUMBERS = ["1" * 5000, "0." + "1" * 5000, "1e99", "1e-99", "9" * 17, "-0", "+0", "0", "nan", "inf", "1_000",
               "٣", "１２", "1,000", "1,000,000", "2, 500", ",", "1e", ".", "0x10", "1/3", " 7 ", "", "1" * 41, "1e15",
               "1000000000000000", "1000000000000001", "0.000000000000001", "0.0000000000000001", "3.5", "8", "2"]


def fuzz_numbers(rng, cases):
    base = ["--model", "opt-oss-20b", "--server", "dgx200", "--concurrency", "100", "--effective-context", "8192",
            "--summary-only"]
    for _ in range(cases):
        args = list(base)
        for _ in range(rng.randint(1, 3)):
            option, value = rng.choice(NUMERIC_OPTIONS), rng.choice(ODD_NUMBERS)
            if option in args:
                args[args.index(option) + 1] = value
            else:
                args += [option, value]
        if "--kv-cache-memory-bytes" in args and "--gpu-memory-utilization" in args:
            args = args[:args.index("--gpu-memory-utilization")] + args[args.index("--gpu-memory-utilization") + 2:]
        run("numbers", args, bound_s=30.0)


# --- 5. interrupted and refused writes ------------------------------------------------------------

def fuzz_writes(rng, tmp, cases):
    quick = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000", "--effective-context", "131072"]
    target = os.path.join(tmp, "report.json")
    original = os.fsync, os.replace
    for _ in range(cases):
        with open(target, "w", encoding="utf-8") as handle:
            handle.write('{"before": true}\n')
        mode = rng.choice(["interrupt-sync", "interrupt-rename", "refused", "ok"])
        args = quick + ["--output-json-file", target, "--json-only"]
        if mode == "refused":
            args = args[:7] + ["1,000"] + args[8:]

        def interrupted(*_):
            raise KeyboardInterrupt()
        if mode == "interrupt-sync":
            os.fsync = interrupted
        elif mode == "interrupt-rename":
            os.replace = interrupted
        try:
            result = run("writes", args)
        finally:
            os.fsync, os.replace = original
        with open(target, encoding="utf-8") as handle:
            text = handle.read()
        leftovers = [name for name in os.listdir(tmp) if name.startswith(".sizing-")]
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None
        expected_before = mode != "ok"
        if whole is None or leftovers or (expected_before != ("before" in whole)):
            note("writes", "damaged_files", "%s: %r leftovers=%r" % (mode, text[:80], leftovers))
        if result is not None and mode.startswith("interrupt") and result[0] != 130:
            note("writes", "bad_exit", "%s: %r" % (mode, result[0]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--scale", type=int, default=1, help="cases multiplier")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="sizing-fuzz-")
    started = time.monotonic()
    try:
        fuzz_names(rng, tmp, 60 * args.scale)
        fuzz_hub(rng, tmp, 150 * args.scale)
        fuzz_logs(rng, tmp, 12 * args.scale)
        fuzz_numbers(rng, 400 * args.scale)
        fuzz_writes(rng, tmp, 40 * args.scale)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("surface   cases  tracebacks  hangs  bad_exit  bad_output  damaged_files")
    for surface, counts in COUNTS.items():
        print("%-8s %6d %11d %6d %9d %11d %14d" % (surface, counts["cases"], counts["tracebacks"], counts["hangs"],
                                                  counts["bad_exit"], counts["bad_output"], counts["damaged_files"]))
    print("%.0f s, seed %d" % (time.monotonic() - started, args.seed))
    for problem in PROBLEMS[:40]:
        print("PROBLEM", problem)
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main())
