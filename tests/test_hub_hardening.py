"""Issue 18, item 13 (and 4): Hub downloads that fail never trace back, hang or poison the cache; a
--model-config folder reads its config.json and the index beside it."""

import json
import os
import shutil
import time

from sizer.model import hub
from tests.support import LocalHubTest, GIB, TempDirTest, fixture_path, hf_config_text

CONFIG = hf_config_text("Llama-3.1-8B-Instruct.json").encode()
INDEX = json.dumps({"metadata": {"total_size": 16060522496}}).encode()


def raw(status_and_headers, body=b""):
    return status_and_headers.encode() + b"\r\n\r\n" + body


# What the stand-in Hub answers for each model's config.json: raw HTTP bytes, or a callable writing them.
BROKEN = {
    "bad/status": raw("HTTP/1.1 2OO OK"),
    "bad/chunk": raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", b"ZZ\r\n{}\r\n0\r\n\r\n"),
    "bad/header": raw("HTTP/1.1 200 OK\r\nX-Long: " + "a" * 66000),
    "bad/headers": raw("HTTP/1.1 200 OK\r\n" + "\r\n".join("X-%d: 1" % i for i in range(101))),
    "bad/truncated": raw("HTTP/1.1 200 OK\r\nContent-Length: 4000", CONFIG[:100]),
    "bad/html": raw("HTTP/1.1 200 OK\r\nContent-Length: 32", b"<!DOCTYPE html><html>login</html"),
    "bad/empty": raw("HTTP/1.1 200 OK\r\nContent-Length: 0"),
    "bad/array": raw("HTTP/1.1 200 OK\r\nContent-Length: 6", b"[1, 2]"),
}


class HubHardening(LocalHubTest):
    def setUp(self):
        TempDirTest.setUp(self)
        import http.server
        self.index_failures = [1]      # the index answers 500 this many times first
        state = self

        class Hub(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                model = "/".join(self.path.split("/")[1:3])
                name = self.path.rsplit("/", 1)[-1]
                if model in BROKEN and name == "config.json":
                    self.wfile.write(BROKEN[model])
                elif model == "slow/model":
                    self.wfile.write(raw("HTTP/1.1 200 OK\r\nContent-Length: 100"))
                    for _ in range(8):              # one byte every 0.05 s, well past the deadline
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.05)
                elif name == "config.json":
                    self.wfile.write(raw("HTTP/1.1 200 OK\r\nContent-Length: %d" % len(CONFIG), CONFIG))
                elif state.index_failures and state.index_failures[0] > 0:
                    state.index_failures[0] -= 1
                    self.wfile.write(raw("HTTP/1.1 500 Oops\r\nContent-Length: 0"))
                else:
                    self.wfile.write(raw("HTTP/1.1 200 OK\r\nContent-Length: %d" % len(INDEX), INDEX))
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.serve(Hub)

    def cached(self, model_id):
        folder = hub.hub_cache_folder(model_id)
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    def assert_one_line(self, model_id, *fragments):
        status, out, err = self.sized(model_id, "--lang", "en")
        self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
        for fragment in fragments:
            self.assertIn(fragment, err)
        self.assertNotIn("config.json", self.cached(model_id))

    def test_malformed_answers_are_one_line_and_never_cached(self):
        for model_id, fragment in (("bad/status", "malformed HTTP"), ("bad/chunk", "cut short"),
                                   ("bad/header", "malformed HTTP"), ("bad/headers", "malformed HTTP"),
                                   ("bad/truncated", "cut short"), ("bad/html", "not a JSON object"),
                                   ("bad/empty", "empty body"), ("bad/array", "a JSON list, not an object")):
            with self.subTest(model_id=model_id):
                self.assert_one_line(model_id, fragment, model_id)

    def test_a_bad_endpoint_is_one_line(self):
        for endpoint in ("http://[::1", "ftp://example.org", "http://127.0.0.1:port", "not a url"):
            with self.subTest(endpoint=endpoint):
                os.environ["HF_ENDPOINT"] = endpoint
                self.assert_one_line("org/model", "HF_ENDPOINT")

    def test_a_slow_server_meets_the_deadline_of_the_whole_download(self):
        saved = hub.HUB_DEADLINE_S
        hub.HUB_DEADLINE_S = 0.15
        try:
            started = time.monotonic()
            self.assert_one_line("slow/model", "more than 0.15 s")
            self.assertLess(time.monotonic() - started, 0.35)
        finally:
            hub.HUB_DEADLINE_S = saved

    def test_a_failed_index_is_retried(self):
        # The index fails once (HTTP 500): nothing is cached, and the next run downloads both.
        self.assert_one_line("org/model", "HTTP 500")
        status, out, err = self.sized("org/model")
        self.assertEqual(status, 0, err)
        self.assertEqual(json.loads(out)["scenarios"]["minimum"]["results"]["weights_per_instance_gib"],
                         16060522496 / GIB)
        self.assertEqual(self.cached("org/model"), ["config.json", "model.safetensors.index.json"])
        # A cache left with a config and no index (as older releases left it) asks for the index again.
        folder = hub.hub_cache_folder("org/other")
        os.makedirs(folder)
        with open(os.path.join(folder, "config.json"), "wb") as handle:
            handle.write(CONFIG)
        self.assertEqual(self.sized("org/other")[0], 0)
        self.assertEqual(self.cached("org/other"), ["config.json", "model.safetensors.index.json"])

    def test_an_output_may_not_overwrite_the_cached_config(self):
        self.index_failures[0] = 0
        self.assertEqual(self.sized("org/model")[0], 0)
        config = os.path.join(hub.hub_cache_folder("org/model"), "config.json")
        for option in ("--output-json-file", "--output-markdown-file"):
            with self.subTest(option=option):
                status, out, err = self.sized("org/model", option, config)
                self.assertEqual((status, out), (2, ""), err)
                self.assertIn("--model-config", err)
        with open(config, "rb") as handle:
            self.assertEqual(handle.read(), CONFIG)

    def test_a_checkpoint_folder(self):
        # --model-config DIR reads DIR/config.json and the safetensors index beside it; the model is named after DIR.
        folder = os.path.join(self.tmp, "Meta-Llama-3.1-8B-Instruct")
        os.makedirs(folder)
        shutil.copyfile(fixture_path("hf-configs", "Llama-3.1-8B-Instruct.json"), os.path.join(folder, "config.json"))
        with open(os.path.join(folder, "model.safetensors.index.json"), "wb") as handle:
            handle.write(INDEX)
        for value in (folder, folder + "/"):
            with self.subTest(value=value):
                status, out, err = self.sized(value)
                self.assertEqual(status, 0, err)
                document = json.loads(out)
                self.assertEqual(document["inputs"]["model"], "Meta-Llama-3.1-8B-Instruct")
                self.assertEqual(document["scenarios"]["minimum"]["results"]["weights_per_instance_gib"],
                                 16060522496 / GIB)
        status, _, err = self.sized(folder, "--output-json-file", os.path.join(folder, "config.json"))
        self.assertEqual(status, 2, err)
