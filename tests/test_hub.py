"""--model-config with a model id, downloaded from the Hub."""

import json
import os

from tests.support import LocalHubTest, GIB, TempDirTest, hf_config_text


class HubDownloads(LocalHubTest):
    """--model-config with a model id, against a local server standing in for the Hub."""

    def setUp(self):
        TempDirTest.setUp(self)
        import http.server
        files = {
            "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json":
                hf_config_text("Llama-3.1-8B-Instruct.json").encode(),
            "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/model.safetensors.index.json":
                json.dumps({"metadata": {"total_size": 16060522496}}).encode(),
            "/mistralai/Mistral-7B-v0.1/resolve/main/config.json": hf_config_text("Mistral-7B-v0.1.json").encode(),
            "/org/gated/resolve/main/config.json": hf_config_text("Mistral-7B-v0.1.json").encode(),
        }
        seen = self.seen = []

        class Hub(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((self.path, self.headers.get("Authorization")))
                if self.path.startswith("/org/gated/") and self.headers.get("Authorization") != "Bearer secret":
                    self.send_response(401)
                    self.end_headers()
                    return
                body = files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                if body is not None:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.serve(Hub)

    def test_a_model_id_downloads_its_config_and_checkpoint_size_once(self):
        status, out, err = self.sized("meta-llama/Llama-3.1-8B-Instruct")
        self.assertEqual(status, 0, err)
        document = json.loads(out)
        self.assertEqual(document["inputs"]["model"], "Llama-3.1-8B-Instruct")
        self.assertEqual(document["scenarios"]["minimum"]["results"]["weights_per_instance_gib"], 16060522496 / GIB)
        cached = os.path.join(self.tmp, "cache", "sizing", "hub", "meta-llama--Llama-3.1-8B-Instruct")
        self.assertEqual(sorted(os.listdir(cached)), ["config.json", "model.safetensors.index.json"])
        # Offline, the cache answers.
        os.environ["HF_ENDPOINT"] = "http://127.0.0.1:1"
        self.assertEqual(self.sized("meta-llama/Llama-3.1-8B-Instruct")[0], 0)
        self.assertEqual(len(self.seen), 2)

    def test_a_model_without_an_index_counts_its_parameters(self):
        status, out, err = self.sized("mistralai/Mistral-7B-v0.1")
        self.assertEqual(status, 0, err)
        formula_ = json.loads(out)["scenarios"]["minimum"]["rationale"]["weights_per_instance_gib"]["formula"]
        self.assertIn("parâmetros lineares", formula_)

    def test_gated_missing_and_unreachable_models_are_one_line(self):
        for model_id, env, fragment in (
                ("org/gated", {}, "'org/gated' exige acesso"), ("org/missing", {}, "'org/missing' não existe"),
                ("org/other", {"HF_ENDPOINT": "http://127.0.0.1:1"}, "não foi possível acessar http://127.0.0.1:1")):
            with self.subTest(model_id=model_id):
                saved = os.environ.get("HF_ENDPOINT")
                os.environ.update(env)
                try:
                    status, out, err = self.sized(model_id)
                finally:
                    os.environ["HF_ENDPOINT"] = saved
                self.assertEqual((status, out), (2, ""))
                self.assertEqual(err.count("\n"), 1, err)
                self.assertIn(fragment, err)
        self.assertIn("HF_TOKEN", self.sized("org/gated")[2])
        os.environ["HF_TOKEN"] = "secret"
        status, _, err = self.sized("org/gated")
        self.assertEqual(status, 0, err)
        self.assertIn(("/org/gated/resolve/main/config.json", "Bearer secret"), self.seen)
