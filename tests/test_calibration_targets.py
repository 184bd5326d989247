"""Issue 18, items 1 and 14: a calibration log of other GPUs or another TP is carried over or refused, never
reused where it cannot fit; a large log costs bounded work."""

import json
import time
from fractions import Fraction

from sizer.enginelog import load_engine_log
from tests.support import GIB, TempDirTest, engine_log, run_cli

H200_LOG = "h200-llama70b-tp8.log"
A100_LOG = "a100-llama3-8b.log"


class CalibrationTargets(TempDirTest):
    def run_log(self, log, *args):
        return run_cli(["--calibrate-from", self.write(log, engine_log(log))] + list(args))

    def test_an_h200_tp8_pool_is_not_sized_on_h100s(self):
        # Before: 168 sessions/node and RECOMENDADO 9 nodes, 841.8 GiB of KV on a 596 GiB node.
        args = ["--model", "Llama-3.1-70B", "--server", "dgxh100", "--concurrency", "1000", "--effective-context", "16384"]
        for lang, words in (("en", "more than a GPU of dgxh100 holds (79.18 GiB)"),
                            ("pt-BR", "mais do que uma GPU de dgxh100 comporta (79.18 GiB)")):
            with self.subTest(lang=lang):
                status, out, err = self.run_log(H200_LOG, *args, "--lang", lang)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn("105.22 GiB", err)
                self.assertIn(words, err)
                self.assertIn("--tensor-parallel 8", err)

    def test_an_h200_tp8_pool_is_not_sized_at_tp4(self):
        # Before: 336 sessions/node, 1,684 GiB of KV on a 1,050 GiB node.
        status, out, err = self.run_log(H200_LOG, "--model", "Llama-3.1-70B", "--server", "dgx200", "--tensor-parallel",
                                        "4", "--concurrency", "1000", "--effective-context", "16384", "--lang", "en")
        self.assertEqual((status, out), (2, ""), err)
        self.assertIn("it ran TP 8 and PP 1, this run asks TP 4 and PP 1", err)

    def test_on_its_own_gpus_and_tp_the_pool_is_the_logs(self):
        status, out, err = self.run_log(H200_LOG, "--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency",
                                        "1000", "--effective-context", "16384", "--json-only")
        self.assertEqual(status, 0, err)
        results = json.loads(out)["scenarios"]["recommended"]["results"]
        self.assertEqual(results["kv_cache_memory_gib"], 172392 * 655360 * 8 / GIB)     # 841.76 GiB
        self.assertEqual((results["sessions_per_node"], results["nodes_final"]), (168, 9))

    def test_a_log_with_its_gpu_memory_is_rebuilt_for_other_gpus(self):
        # vLLM #12330, one A100 40GB: 0.90 x 39.50 GiB = 35.55 GiB, of which 5,691 blocks x 2 MiB of KV and 14.9595 GiB
        # of weights; the rest, 35.55 - 11.1152 - 14.9595 = 9.4753 GiB, is carried to an H100 (85,017,493,504 bytes):
        # 0.9 x 85,017,493,504 - 16,060,000,000 (the catalog's 8.03 B bf16 weights) - 9.4753 GiB = 46.83 GiB per GPU.
        status, out, err = self.run_log(A100_LOG, "--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency",
                                        "1000", "--effective-context", "8192", "--json-only", "--lang", "en")
        self.assertEqual(status, 0, err)
        document = json.loads(out)
        recommended = document["scenarios"]["recommended"]
        other = Fraction("0.9") * Fraction("39.50") * GIB - 5691 * 2 ** 21 - Fraction("14.9595") * GIB
        per_gpu = Fraction(9, 10) * 85017493504 - 16060000000 - other
        self.assertEqual(recommended["results"]["kv_cache_memory_gib"], float(per_gpu * 8 / GIB))
        self.assertIn("rebuilt for these GPUs: 0.9 × 79.18 GiB - weights 14.96 GiB - the log's other memory 9.48 GiB"
                      " = 46.83 GiB per GPU", recommended["rationale"]["kv_cache_memory_gib"]["formula"])
        self.assertIn("calibration_rebuilt", [alert["code"] for alert in document["alerts"]])
        # The log itself is still checked against the model's rules: 5,691 / 512 blocks = 11.115x (11.12x printed).
        self.assertLess(abs(recommended["results"]["calibration_concurrency_gap_percent"]), 0.1)
        # 46.83 GiB / (8,192 tokens x 131,072 bytes) = 46 sessions per GPU, 8 instances per node.
        self.assertEqual(recommended["results"]["sessions_per_node"], 8 * int(per_gpu // (8192 * 131072)))

    def test_large_logs_cost_bounded_work(self):
        # 4 MiB of lines that hold the patterns' anchors but match none, then the KV line: read in well under a
        # second (the line-by-line reader took ~12 s on such a log, ~190 s on 62 MiB of short lines).
        noise = "Maximum concurrency for tensor_parallel_size gpu_memory_utilization --model -tp model weights take\n"
        path = self.write("noisy.log", noise * (4 * 2 ** 20 // len(noise)) + "GPU KV cache size: 410,128 tokens\n")
        started = time.monotonic()
        log = load_engine_log(path)
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertEqual(log.kv_cache_tokens, 410128)


class LogModelNames(TempDirTest):
    """Item 4: a log's model given as a local path or a checkpoint of the same architecture."""

    def sized(self, log_text, *extra):
        path = self.write("deployment.log", log_text)
        return run_cli(["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "1000", "--effective-context",
                        "16384", "--calibrate-from", path, "--json-only"] + list(extra))

    def test_a_hugging_face_cache_folder_is_the_models_name(self):
        # vLLM #10517 printed model='/mnt/models/models--meta-llama--llama-3-1-70b-instruct'.
        text = engine_log(H200_LOG).replace("'meta-llama/Llama-3.1-70B-Instruct'",
                                            "'/mnt/models/models--meta-llama--llama-3-1-70b-instruct'")
        status, out, err = self.sized(text)
        self.assertEqual(status, 0, err)
        self.assertNotIn("log_model_by_architecture", [a["code"] for a in json.loads(out)["alerts"]])

    def test_a_local_checkpoint_is_matched_by_its_kv_per_token_with_a_warning(self):
        # 2,758,272 tokens x 40,960 bytes per GPU = 105.22 GiB, the log's own memory line: the same KV per token.
        text = engine_log(H200_LOG).replace("'meta-llama/Llama-3.1-70B-Instruct'", "'/mnt/models/Meta-Llama-3.1-70B-Instruct'")
        for lang, words in (("en", "taken as a checkpoint of this model"), ("pt-BR", "tomado como um checkpoint")):
            with self.subTest(lang=lang):
                status, out, err = self.sized(text, "--lang", lang)
                self.assertEqual(status, 0, err)
                document = json.loads(out)
                alerts = {a["code"]: a["message"] for a in document["alerts"]}
                self.assertIn(words, alerts["log_model_by_architecture"])
                self.assertIn("/mnt/models/Meta-Llama-3.1-70B-Instruct", alerts["log_model_by_architecture"])
                self.assertEqual(document["scenarios"]["recommended"]["results"]["sessions_per_node"], 168)

    def test_another_models_log_says_how_to_proceed(self):
        # The same lines under Qwen3-32B's rules (64 layers of 8 KV heads: 32,768 bytes per token per GPU at TP 8)
        # are 20% less memory than the log's line: another model, refused with the way to size it.
        text = engine_log(H200_LOG).replace("'meta-llama/Llama-3.1-70B-Instruct'", "'/mnt/models/Meta-Llama-3.1-70B-Instruct'")
        path = self.write("deployment.log", text)
        status, out, err = run_cli(["--model", "Qwen3-32B", "--server", "dgx200", "--concurrency", "1000",
                                    "--effective-context", "16384", "--calibrate-from", path, "--lang", "en"])
        self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
        self.assertIn("--model-config /mnt/models/Meta-Llama-3.1-70B-Instruct", err)
        # A log with one KV line cannot show its KV per token: the error says how to give its config.
        status, _, err = run_cli(["--model", "Llama-3.1-70B", "--server", "dgxh100", "--concurrency", "10",
                                  "--effective-context", "2048", "--calibrate-from", self.write("w8a8.log",
                                  engine_log("w8a8.log")), "--weight-precision", "int8", "--lang", "en"])
        self.assertEqual(status, 2, err)
        self.assertIn("save its config.json as Meta-Llama-3.1-70B-Instruct-quantized.w8a8.json", err)
