"""The model: Hugging Face configs, KV precisions, tensor parallelism, weights and parameter counts."""

import json
import os
import unittest
from fractions import Fraction

from sizer.compute.memory import pipeline_stages, weights_for
from sizer.display import _fixed
from sizer.i18n import say
from sizer.inputs import load_json_file
from sizer.model.config import model_from_config
from tests.support import (F, GIB, NEGATIVE_NUMBER, QUICK_START, ROOT, TempDirTest, codes, explanation,
                           formula, hf_config_text, nodes, report_for, results, run_cli, run_json)


# ---------------------------------------------------------------------------
# Real models from their published Hugging Face configs (issue 3)
# ---------------------------------------------------------------------------

def kv_formula(report):
    return formula(report.common[0])


class HuggingFaceConfigs(TempDirTest):
    def sized(self, config_path, *extra):
        return report_for(["--model-config", config_path, "--server", "dgx300", "--concurrency", "100",
                           "--effective-context", "131072"] + list(extra))

    def kv_bytes(self, report):
        return results(report, "minimum")["kv_per_session_bytes"]

    def test_gpt_oss_config_uses_its_head_dim_64_not_45_and_matches_the_guide(self):
        report = self.sized(self.hf_config("gpt-oss-120b.json"))
        self.assertEqual(report.model.head_dim, 64)
        self.assertEqual(self.kv_bytes(report), 2418278400)
        self.assertEqual(nodes(report), (1, 2, 3))

    def test_head_dim_from_hidden_size_when_absent_and_gqa(self):
        report = self.sized(self.hf_config("Llama-3.1-8B-Instruct.json"))
        self.assertEqual(report.model.head_dim, 4096 // 32)
        self.assertEqual(self.kv_bytes(report), 2 * 32 * 131072 * 8 * 128)
        self.assertIn("hidden_size / num_attention_heads = 4096 / 32 = 128",
                      explanation(report.common[0]))

    def test_missing_kv_heads_is_mha_and_one_kv_head_is_mqa(self):
        config = json.loads(hf_config_text("Mistral-7B-v0.1.json"))
        del config["num_key_value_heads"]
        report = self.sized(self.write("mha.json", config))
        self.assertEqual(report.model.num_key_value_heads, 32)
        self.assertEqual(self.kv_bytes(report), 2 * 32 * 4096 * 32 * 128)
        config["num_key_value_heads"] = 1
        report = self.sized(self.write("mqa.json", config), "--tensor-parallel", "1")
        self.assertEqual(self.kv_bytes(report), 2 * 32 * 4096 * 1 * 128)
        self.assertIn("MQA", explanation(report.common[0]))

    def test_mistral_sliding_window_on_every_layer(self):
        report = self.sized(self.hf_config("Mistral-7B-v0.1.json"))
        self.assertEqual(kv_formula(report), "2 × (32 × min(4096, 32768)) × 8 × 128 × 1 = 268435456 bytes")
        self.assertIn("context_clamped", codes(report))

    def test_qwen2_use_sliding_window_false_means_all_full(self):
        report = self.sized(self.hf_config("Qwen2.5-7B-Instruct.json"), "--tensor-parallel", "4")
        self.assertEqual(self.kv_bytes(report), 2 * 28 * 32768 * 4 * 128)
        self.assertIn("use_sliding_window = false", explanation(report.common[0]))

    def test_mixtral_null_sliding_window_means_all_full(self):
        report = self.sized(self.hf_config("Mixtral-8x22B-v0.1.json"))
        self.assertEqual(self.kv_bytes(report), 2 * 56 * 65536 * 8 * 128)

    def test_gemma3_text_config_with_class_defaults(self):
        report = self.sized(self.hf_config("gemma-3-27b-it.json"))
        model = report.model
        self.assertEqual(model.max_position_embeddings, 131072)
        self.assertEqual([(g.kind, g.count) for g in model.layer_groups],
                         [("full_attention", 10), ("sliding_attention", 52)])
        self.assertEqual(self.kv_bytes(report), 2 * (10 * 131072 + 52 * 1024) * 16 * 128)
        self.assertIn("text_config", explanation(report.common[0]))

    def test_llama4_chunked_attention(self):
        report = self.sized(self.hf_config("Llama-4-Scout-17B-16E-Instruct.json"))
        self.assertEqual(self.kv_bytes(report), 2 * (12 * 131072 + 36 * 8192) * 8 * 128)
        # vLLM turns its hybrid KV-cache manager off for chunked local attention (config/vllm.py:2235-2256 in
        # 0.33.0, the same in 0.22): every layer is then charged as full, unless
        # VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1 keeps the chunks.
        config = self.hf_config("Llama-4-Scout-17B-16E-Instruct.json")
        vllm = self.sized(config, "--kv-accounting", "vllm", "--vllm-version", "0.22")
        self.assertEqual(self.kv_bytes(vllm), 2 * 48 * 8192 * 16 * 8 * 128)
        self.assertIn("VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE", explanation(vllm.common[0]))
        allowed = self.sized(config, "--kv-accounting", "vllm", "--vllm-version", "0.22",
                             "--allow-chunked-local-attn-with-hybrid-kv-cache")
        chunk_blocks = -(-(8192 + 8192) // 16)
        self.assertEqual(self.kv_bytes(allowed), 2 * (12 * 8192 * 16 + 36 * chunk_blocks * 16) * 8 * 128)
        # An EAGLE drafter turns it off whatever the environment says.
        eagle = self.sized(config, "--kv-accounting", "vllm", "--allow-chunked-local-attn-with-hybrid-kv-cache",
                           "--speculative", "eagle")
        self.assertEqual(self.kv_bytes(eagle), 2 * 49 * 8192 * 16 * 8 * 128)

    def test_deepseek_mla_latent_without_factor_two(self):
        path = self.hf_config("DeepSeek-V3.json")
        report = self.sized(path, "--tensor-parallel", "1")
        self.assertEqual(self.kv_bytes(report), 61 * 131072 * (512 + 64))
        # Every GPU of a tensor-parallel instance holds the latent.
        self.assertEqual(self.kv_bytes(self.sized(path)), 8 * 61 * 131072 * (512 + 64))
        vllm = self.sized(path, "--tensor-parallel", "1", "--kv-accounting", "vllm")
        self.assertEqual(self.kv_bytes(vllm), 61 * 8192 * 16 * 576)

    def test_bad_configs_exit_2_with_file_and_field(self):
        broken = json.loads(hf_config_text("Llama-3.1-8B-Instruct.json"))
        del broken["num_hidden_layers"]
        for path, fragment in ((self.write("a.json", broken), "'num_hidden_layers'"),
                               (self.write("b.json", "{oops"), "b.json:1:2"),
                               (self.write("c.json", "[1, 2]"), "c.json"),
                               (os.path.join(self.tmp, "none.json"), "none.json")):
            status, _, err = run_cli(["--model-config", path, "--server", "dgx300", "--concurrency", "1",
                                      "--effective-context", "1024"])
            self.assertEqual(status, 2)
            self.assertIn(fragment, err)

    def test_catalog_entries_match_their_published_configs(self):
        pairs = (("gpt-oss-120b", "gpt-oss-120b.json"), ("Llama-3.1-8B", "Llama-3.1-8B-Instruct.json"),
                 ("Qwen3-235B-A22B", "Qwen3-235B-A22B.json"), ("DeepSeek-V3", "DeepSeek-V3.json"),
                 ("Gemma-3-27B", "gemma-3-27b-it.json"), ("Mixtral-8x22B", "Mixtral-8x22B-v0.1.json"))
        for name, config in pairs:
            from_catalog = report_for(["--model", name, "--server", "dgx300", "--concurrency", "100",
                                       "--effective-context", "131072"])
            self.assertEqual(self.kv_bytes(from_catalog), self.kv_bytes(self.sized(self.hf_config(config))), name)
        with open(os.path.join(ROOT, "models.json"), encoding="utf-8") as handle:
            catalog = json.load(handle)
        self.assertGreaterEqual(len(catalog), 9)
        for name, entry in catalog.items():
            self.assertIn("http", entry.get("source", ""), name)


class TensorParallelAndWeights(unittest.TestCase):
    def qwen(self, tp):
        return report_for(["--model", "Qwen3-235B-A22B", "--server", "dgx300", "--concurrency", "100",
                           "--effective-context", "32768", "--tensor-parallel", str(tp),
                           "--runtime-overhead-gib", "900"])

    def test_kv_heads_per_gpu_are_replicated_beyond_the_kv_head_count(self):
        per_gpu = {tp: dict(self.qwen(tp).common[0].inputs)["kv_heads_per_gpu"] for tp in (2, 4, 8)}
        self.assertEqual(per_gpu, {2: 2, 4: 1, 8: 1})
        kv = {tp: results(self.qwen(tp), "minimum")["kv_per_session_bytes"] for tp in (2, 4, 8)}
        self.assertEqual(kv[2], kv[4])
        self.assertEqual(kv[8], 2 * kv[4])
        self.assertIn("replicados", explanation(self.qwen(8).common[0]))

    def test_instances_per_node_multiply_whole_sessions(self):
        report = self.qwen(4)
        self.assertEqual(report.instances_per_node, 2)
        minimum = results(report, "minimum")
        budget_bytes = minimum["kv_budget_gib"] * GIB
        self.assertEqual(minimum["sessions_per_node"],
                         2 * int(budget_bytes / 2 // minimum["kv_per_session_bytes"]))

    def test_tensor_parallel_must_divide_the_gpus(self):
        status, _, err = run_cli(QUICK_START + ["--tensor-parallel", "3"])
        self.assertEqual(status, 2)
        self.assertIn("--tensor-parallel", err)

    def test_weights_that_do_not_fit_the_overhead_are_an_error(self):
        status, out, err = run_cli(["--model", "Llama-3.1-70B", "--server", "dgx300", "--concurrency", "100",
                                    "--effective-context", "8192", "--json-only"])
        self.assertEqual(status, 1, err)
        document = json.loads(out)
        self.assertIn("runtime_overhead_below_weights", [a["code"] for a in document["alerts"]])
        self.assertAlmostEqual(document["scenarios"]["minimum"]["results"]["weights_per_node_gib"],
                               70.6e9 * 2 / GIB)
        report = report_for(QUICK_START + ["--tensor-parallel", "1"])
        self.assertIn("runtime_overhead_below_weights", codes(report))
        self.assertEqual(results(report, "minimum")["weights_per_node_gib"], 8 * Fraction(65283502899, GIB))
        self.assertNotIn("runtime_overhead_below_weights", codes(report_for(QUICK_START)))


class KvPrecisions(unittest.TestCase):
    def test_bytes_per_element(self):
        expected = {"fp8": 1, "fp16": 2, "bf16": 2, "fp32": 4, "int8": 1, "nvfp4": Fraction(9, 16)}
        fp8 = results(report_for(QUICK_START), "minimum")["kv_per_session_bytes"]
        for precision, per_element in expected.items():
            kv = results(report_for(QUICK_START + ["--kv-precision", precision]), "minimum")
            self.assertEqual(kv["kv_per_session_bytes"], fp8 * per_element, precision)


# ---------------------------------------------------------------------------
# Honest answers for real models (issue 9)
# ---------------------------------------------------------------------------

# Model cards: (config, total, active, whether the vendor counts the input embedding as active).
MODEL_CARDS = (
    ("Llama-3.1-8B-Instruct.json", 8.03e9, None, True), ("Llama-3.1-70B-Instruct.json", 70.6e9, None, True),
    ("Qwen3-32B.json", 32.8e9, None, True), ("Qwen3-30B-A3B.json", 30.5e9, 3.3e9, True),
    ("Qwen3-235B-A22B.json", 235e9, 22e9, True), ("DeepSeek-V3.json", 671e9, 37e9, True),
    ("Mixtral-8x7B-v0.1.json", 46.7e9, 12.9e9, True), ("Mixtral-8x22B-v0.1.json", 141e9, 39e9, True),
    ("Mistral-7B-v0.1.json", 7.24e9, None, True), ("gpt-oss-120b.json", 116.8e9, 5.1e9, False),
    ("gpt-oss-20b.json", 20.9e9, 3.6e9, False), ("gemma-3-27b-it.json", 27e9, None, True),
)
LLAMA_70B_H100 = ["--model", "Llama-3.1-70B", "--server", "dgxh100", "--concurrency", "500",
                  "--effective-context", "32768"]
DEEPSEEK_H100 = ["--model", "DeepSeek-V3", "--server", "dgxh100", "--concurrency", "1000",
                 "--effective-context", "32768"]


class HonestAnswers(TempDirTest):
    def model(self, config_name):
        path = self.hf_config(config_name)
        return model_from_config(config_name, load_json_file(path, allow_constants=True), path)

    def test_parameter_counts_match_the_model_cards(self):
        # Totals within 1%. Active counts: cards give two significant figures, and vendors differ on
        # whether the input embedding (a lookup, no FLOPs) is active: OpenAI leaves it out, the others
        # count it. Within 2% by each vendor's own convention.
        self.assertEqual(len(MODEL_CARDS), 12)
        for name, total, active, with_embedding in MODEL_CARDS:
            with self.subTest(model=name):
                parameters = self.model(name).parameters
                self.assertLess(abs(parameters.total - total) / total, 0.01, parameters.total)
                ours = parameters.active + (parameters.embedding if with_embedding else 0)
                if active is None:
                    self.assertEqual(ours, parameters.total)
                else:
                    self.assertLess(abs(ours - active) / active, 0.02, ours)
        deepseek = self.model("DeepSeek-V3.json").parameters
        self.assertEqual(deepseek.mtp_layers, 1)       # the MTP layer is not in the 671B

    def test_llama_8b_bf16_weights_are_what_vllm_loads(self):
        # Counted by hand from the config: 32 layers of q, k, v, o (4096x4096, 4096x1024 twice,
        # 4096x4096) and gate, up, down (4096x14336 each); embeddings and LM head of 128256 x 4096;
        # 2 norms per layer and a final one. vLLM's profile of Llama-3-8B (same shapes) printed
        # "model weights take 14.96GiB" (vLLM PR #10511).
        linear = 32 * (2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 14336)
        other = 2 * 128256 * 4096 + 32 * 2 * 4096 + 4096
        model = self.model("Llama-3.1-8B-Instruct.json")
        self.assertEqual((model.parameters.linear, model.parameters.total - model.parameters.linear), (linear, other))
        weights = weights_for(model, None)
        self.assertEqual(weights.weights_bytes, 2 * (linear + other))
        self.assertEqual(_fixed(Fraction(weights.weights_bytes, GIB), 2), "14.96")
        self.assertEqual(weights_for(model, "fp8").weights_bytes, linear + 2 * other)
        self.assertEqual(weights_for(model, "int4").weights_bytes,
                         -(-(linear * F("133") / 256 + 2 * other) // 1))

    def test_checkpoint_precisions_from_the_config(self):
        # gpt-oss: mxfp4 experts (17/32 byte), bf16 attention, router and embeddings; within 0.2% of
        # the published checkpoint's 65,283,502,899 bytes.
        weights = weights_for(self.model("gpt-oss-120b.json"), None)
        self.assertLess(abs(weights.weights_bytes - 65283502899) / 65283502899, 0.002)
        self.assertEqual(weights.precision, "mxfp4")
        # DeepSeek-V3: fp8 with one fp32 scale per 128 x 128 block.
        model = self.model("DeepSeek-V3.json")
        self.assertEqual(model.checkpoint_scheme.scale_bytes, Fraction(4, 128 * 128))
        self.assertEqual(weights_for(model, None).weights_bytes,
                         -(-(model.parameters.linear * (1 + Fraction(4, 16384)) + 2 * (
                             model.parameters.total - model.parameters.linear)) // 1))

    def test_weight_precision_option(self):
        args = ["--model-config", self.hf_config("Llama-3.1-8B-Instruct.json"), "--server", "dgxh100",
                "--concurrency", "10", "--effective-context", "8192"]
        bf16, fp8 = report_for(args), report_for(args + ["--weight-precision", "fp8"])
        self.assertEqual(results(fp8, "minimum")["weights_per_instance_gib"], Fraction(9081200640, GIB))
        flops = {r: dict([f for f in report.common if f.key == "ttft_full_context_s"][0].inputs)["flops_basis"]
                 for r, report in (("bf16", bf16), ("fp8", fp8))}
        self.assertEqual(flops, {"bf16": "bf16_dense_tflops", "fp8": "fp8_dense_tflops"})
        # A catalog model with its config fields is split the same way (linear fp8, the rest bf16).
        catalog = report_for(LLAMA_70B_H100 + ["--weight-precision", "fp8"])
        parameters = catalog.model.parameters
        self.assertEqual(results(catalog, "minimum")["weights_per_instance_gib"],
                         Fraction(parameters.linear + 2 * (parameters.total - parameters.linear), GIB))
        self.assertIn("--weight-precision", run_cli(args + ["--weight-precision", "fp6"])[2])

    def test_safetensors_index_beside_the_config(self):
        config = self.hf_config("Llama-3.1-8B-Instruct.json")
        self.write("model.safetensors.index.json", {"metadata": {"total_size": 16060522496}, "weight_map": {}})
        report = report_for(["--model-config", config, "--server", "dgxh100", "--concurrency", "10",
                             "--effective-context", "8192"])
        weights = [f for f in report.common if f.key == "weights_per_instance_gib"][0]
        self.assertEqual(weights.value, Fraction(16060522496, GIB))
        self.assertIn("metadata.total_size", formula(weights))
        overridden = report_for(["--model-config", config, "--server", "dgxh100", "--concurrency", "10",
                                 "--effective-context", "8192", "--weight-precision", "fp8"])
        self.assertEqual(results(overridden, "minimum")["weights_per_instance_gib"], Fraction(9081200640, GIB))
        index = self.write("model.safetensors.index.json", {"weight_map": {}})
        status, _, err = run_cli(["--model-config", config, "--server", "dgxh100", "--concurrency", "10",
                                  "--effective-context", "8192"])
        self.assertEqual(status, 2)
        self.assertIn(index, err)
        self.assertIn("total_size", err)

    def test_llama_70b_on_h100_is_infeasible_until_the_overhead_holds_its_weights(self):
        status, out, _ = run_cli(LLAMA_70B_H100)
        self.assertEqual(status, 1)
        self.assertNotIn("USAR EM PRODUÇÃO", out)
        self.assertIn("RECOMENDADO: inviável (os pesos não cabem no overhead de runtime)", out)
        # The fixes not in use, each with RECOMENDADO's nodes computed (issue 18, item 7).
        self.assertIn("--runtime-overhead-gib de pelo menos 131.51, ou: --runtime-overhead-gib auto: RECOMENDADO 11 nós;"
                      " --weight-precision fp8: RECOMENDADO 10 nós", out)
        document = run_json(LLAMA_70B_H100)
        self.assertEqual(document["status"], "infeasible")
        for scenario in document["scenarios"].values():
            self.assertEqual((scenario["feasible"], scenario["limit"], scenario["results"]["nodes_final"]),
                             (False, "overhead_below_weights", None))
        self.assertIsNone(NEGATIVE_NUMBER.search(out[:out.index("\n{")]))
        status, out, _ = run_cli(LLAMA_70B_H100 + ["--runtime-overhead-gib", "auto", "--json-only"])
        document = json.loads(out)
        self.assertEqual((status, document["status"]), (0, "ok"))
        self.assertTrue(all(s["feasible"] for s in document["scenarios"].values()))
        # auto = weights of the node + 8 GPUs x (activation peak + 2 GiB); activation peak per GPU =
        # 8192 tokens x (4 x 8192 + 3 x 28672 / 8) x 2 bytes + 1024 rows x 128256 x 8 bytes.
        activation = F(8192 * (4 * 8192 + 3 * 28672 // 8) * 2 + 1024 * 128256 * 8) / GIB
        expected = F(70600000000 * 2) / GIB + 8 * (activation + 2)
        self.assertEqual(document["inputs"]["runtime_overhead_gib"], float(expected))
        self.assertEqual(document["scenarios"]["minimum"]["results"]["runtime_overhead_gib"], float(expected))

    def test_an_overhead_larger_than_the_node_prints_no_negative_figure(self):
        for overhead in ("5000", "2145.77"):
            with self.subTest(overhead=overhead):
                status, out, _ = run_cli(QUICK_START + ["--runtime-overhead-gib", overhead])
                self.assertEqual(status, 1)
                report = out[:out.index("\n{")]
                self.assertIsNone(NEGATIVE_NUMBER.search(report), report)
                self.assertIn("runtime_overhead_exceeds_hbm", report)
                self.assertIn("a HBM do nó é 2145.77 GiB", report)
                document = json.loads(out[out.index("\n{") + 1:])
                self.assertIsNone(document["scenarios"]["recommended"]["results"]["kv_budget_gib"])
                self.assertEqual(document["scenarios"]["recommended"]["limit"], "overhead_exceeds_hbm")

    def test_deepseek_on_h100_names_tp_8_by_pp_2_and_spans_two_nodes(self):
        status, out, _ = run_cli(DEEPSEEK_H100 + ["--summary-only"])
        self.assertEqual(status, 1)
        self.assertIn("use TP 8 × PP 2 (--tensor-parallel 8 --pipeline-parallel 2 --runtime-overhead-gib auto)", out)
        status, out, err = run_cli(DEEPSEEK_H100 + ["--pipeline-parallel", "2", "--runtime-overhead-gib", "auto",
                                                    "--json-only"])
        self.assertEqual(status, 0, err)
        document = json.loads(out)
        self.assertEqual((document["inputs"]["pipeline_parallel"], document["inputs"]["nodes_per_instance"]), (2, 2))
        finals = {}
        for key, spares in (("minimum", 0), ("recommended", 1), ("ideal", 2)):
            results_ = document["scenarios"][key]["results"]
            self.assertEqual(results_["nodes_final"] % 2, 0)
            self.assertEqual(results_["nodes_final"], results_["nodes_with_headroom"] + 2 * spares)
            finals[key] = results_["nodes_final"]
        # 41 sessions per instance: the first stage (31 of 61 layers) is the tightest.
        sessions = document["scenarios"]["recommended"]["results"]["sessions_per_instance"]
        self.assertEqual(finals["recommended"], -(-1000 * 12 // (10 * sessions)) * 2 + 2)

    def test_pipeline_stages_follow_vllm(self):
        # vllm/distributed/utils.py get_pp_indices: floor(L / PP) each, the remainder to the stages just
        # before the last.
        self.assertEqual(pipeline_stages(27, 2), ((0, 14), (14, 27)))
        self.assertEqual(pipeline_stages(62, 4), ((0, 15), (15, 31), (31, 47), (47, 62)))
        self.assertEqual(pipeline_stages(61, 2), ((0, 31), (31, 61)))
        self.assertEqual(pipeline_stages(36, 5), ((0, 7), (7, 14), (14, 21), (21, 29), (29, 36)))

    def test_the_tightest_stage_decides(self):
        # Gemma 3 27B, TP 2 x PP 4 on 8 GPUs: full layers are 5, 11, 17, ... (every 6th). Stages hold
        # layers 0-14 (2 full), 15-30 (3 full), 31-46 (2 full), 47-61 (3 full); the second stage, with
        # 3 full and 13 sliding layers, holds the most KV.
        report = report_for(["--model-config", self.hf_config("gemma-3-27b-it.json"), "--server", "dgx300",
                             "--concurrency", "100", "--effective-context", "131072", "--tensor-parallel", "2",
                             "--pipeline-parallel", "4"])
        stage_kv = 2 * (3 * 131072 + 13 * 1024) * 16 * 128
        budget = results(report, "minimum")["kv_budget_gib"] * GIB
        self.assertEqual(results(report, "minimum")["sessions_per_node"], int(budget * 2 / 8 // stage_kv))

    def test_data_parallel_attention_keeps_one_latent_per_session(self):
        args = ["--model", "DeepSeek-V3", "--server", "dgx300", "--concurrency", "1000", "--effective-context",
                "32768", "--runtime-overhead-gib", "auto"]
        copies, own = report_for(args), report_for(args + ["--data-parallel-attention"])
        self.assertEqual(results(copies, "minimum")["kv_per_session_bytes"], 8 * 61 * 32768 * 576)
        self.assertEqual(results(own, "minimum")["kv_per_session_bytes"], 61 * 32768 * 576)
        budget = results(own, "minimum")["kv_budget_gib"] * GIB
        self.assertEqual(results(own, "minimum")["sessions_per_node"], 8 * int(budget / 8 // (61 * 32768 * 576)))
        # A dense model with K and V per head has neither a latent nor experts to split: refused by name.
        dense = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "10", "--effective-context", "8192"]
        for option in ("--data-parallel-attention", "--expert-parallel"):
            with self.subTest(option=option):
                status, out, err = run_cli(dense + [option])
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(option, err)
                self.assertIn("Llama-3.1-70B", err)

    def test_dep_keeps_every_weight_but_the_experts_on_each_gpu(self):
        # DeepSeek-V3 on 8 B300 in DEP 8: each GPU holds the 671B checkpoint less its routed experts, and 1/8 of
        # those; the experts' share of the layers' bytes follows their parameters (653,908,770,816 of the
        # 671B total less the BF16 embedding and LM head, 926,679,040 parameters each).
        args = ["--model", "DeepSeek-V3", "--server", "dgx300", "--concurrency", "1000", "--effective-context", "32768"]
        report = report_for(args + ["--data-parallel-attention", "--expert-parallel"])
        weights = report.model.weights.weights_bytes
        edge = 2 * 926679040 * 2
        experts = F(weights - edge) * 653908770816 / (671000000000 - 2 * 926679040)
        per_gpu = weights - experts + experts / 8
        self.assertEqual(results(report, "minimum")["weights_per_node_gib"], per_gpu * 8 / GIB)
        # Split over TP 8 instead, every weight is 1/8 on each GPU.
        self.assertEqual(results(report_for(args), "minimum")["weights_per_node_gib"], Fraction(weights, GIB))
        self.assertEqual(per_gpu - Fraction(weights, 8), (weights - experts) * Fraction(7, 8))

    def test_headroom_given_as_a_percentage(self):
        report = report_for(QUICK_START + ["--peak-headroom-ratio", "20"])
        message = [say(a.message, "pt-BR") for a in report.alerts if a.code == "peak_headroom_percent"]
        self.assertEqual(message, ["peak_headroom_ratio 20 é uma folga de 2000% sobre a concorrência: se a intenção "
                                   "era 20%, use --peak-headroom-ratio 0.2."])
        self.assertNotIn("peak_headroom_percent", codes(report_for(QUICK_START + ["--peak-headroom-ratio", "0.99"])))

    def test_replicated_kv_heads_name_the_tp_that_stores_each_head_once(self):
        args = ["--model", "Qwen3-235B-A22B", "--server", "dgx300", "--concurrency", "100", "--effective-context",
                "32768", "--runtime-overhead-gib", "900"]
        report = report_for(args)
        at_tp_4 = report_for(args + ["--tensor-parallel", "4"])
        message = [say(a.message, "en") for a in report.alerts if a.code == "kv_heads_replicated"]
        self.assertEqual(message, ["With TP 8 and only 4 KV heads, each head is stored on 2 GPUs. TP 4 (2 instances "
                                   "per node) would store each head once: %d sessions per node in RECOMMENDED, "
                                   "against %d now." % (results(at_tp_4, "recommended")["sessions_per_node"],
                                                        results(report, "recommended")["sessions_per_node"])])
        self.assertNotIn("kv_heads_replicated", codes(at_tp_4))

    def test_pipeline_layouts_that_cannot_be_built(self):
        for extra, fragment in ((["--tensor-parallel", "4", "--pipeline-parallel", "3"], "TP 4 × PP 3 = 12 GPUs"),
                                (["--pipeline-parallel", "37"], "37 estágios para 36 camadas"),
                                (["--pipeline-parallel", "0"], "--pipeline-parallel")):
            with self.subTest(extra=extra):
                status, _, err = run_cli(QUICK_START + extra)
                self.assertEqual(status, 2)
                self.assertIn(fragment, err)


class HybridParameters(TempDirTest):
    """Hybrid models counted layer by layer: their weights, hence their nodes, depend on it."""

    def test_published_totals(self):
        # Model cards: Nemotron-H-56B; NVIDIA-Nemotron-3-Nano-30B-A3B "31.6B total, about 3.2B active";
        # Qwen3-Next-80B-A3B "80B total, 3B activated"; AI21-Jamba-1.5-Mini "52B total, 12B active".
        cases = (("Nemotron-H-56B-Base-8K.json", 56.0e9, None), ("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json", 31.6e9, 3.2e9),
                 ("Qwen3-Next-80B-A3B-Thinking.json", 80e9, 3e9), ("AI21-Jamba-1.5-Mini.json", 52e9, 12e9))
        for config, total, active in cases:
            with self.subTest(config=config):
                model = report_for(["--model-config", self.hf_config(config), "--server", "dgx200",
                                    "--concurrency", "10", "--effective-context", "8192"]).model
                self.assertLess(abs(model.parameters.total / total - 1), 0.02, model.parameters.total)
                if active is not None:
                    self.assertLess(abs(model.parameters.active / active - 1), 0.2, model.parameters.active)
        nemotron = report_for(["--model-config", self.hf_config("Nemotron-H-56B-Base-8K.json"), "--server", "dgx200",
                               "--concurrency", "10", "--effective-context", "8192"]).model.parameters
        # A Mamba2 mixer: in_proj 8192 x (16384 + 20480 + 256), conv 20480 x 4 + 20480 bias, dt_bias, A_log
        # and D 3 x 256, norm 16384, out_proj 16384 x 8192 = 438,424,320; 54 of them, and 54 squared-ReLU
        # MLPs of 2 x 8192 x 32768.
        self.assertEqual(nemotron.state_mixers, 54 * 438424320)
        self.assertEqual(nemotron.dense_mlp, 54 * 2 * 8192 * 32768)

    def test_jamba_is_mamba1_with_attention_every_eighth_layer(self):
        report = report_for(["--model-config", self.hf_config("AI21-Jamba-1.5-Mini.json"), "--server", "dgx200",
                             "--concurrency", "100", "--effective-context", "32768"])
        self.assertEqual([(g.kind, g.count) for g in report.model.layer_groups], [("full_attention", 4), ("mamba", 28)])
        self.assertEqual([i for i, k in enumerate(report.model.layer_kinds) if k == "full_attention"], [4, 12, 20, 28])
        mamba = report.model.layer_groups[1]
        # vLLM mamba1_state_shape at TP 8: conv (8192 / 8) x (4 - 1), SSM (8192 / 8) x 16, both bf16.
        self.assertEqual(mamba.state_bytes_gpu(8), 1024 * 3 * 2 + 1024 * 16 * 2)

    def test_falcon_h1_layers_hold_attention_and_mamba_side_by_side(self):
        # Falcon-H1-7B-Instruct's config.json, the fields that shape its caches (as quoted in a public
        # sizing test): 44 layers, each with attention (2 KV heads of 128) and a Mamba2 mixer.
        path = self.write("falcon-h1-7b.json", json.dumps({
            "model_type": "falcon_h1", "max_position_embeddings": 262144, "num_hidden_layers": 44,
            "num_attention_heads": 12, "num_key_value_heads": 2, "head_dim": 128, "hidden_size": 3072,
            "attn_layer_indices": None, "mamba_d_conv": 4, "mamba_d_head": 128, "mamba_d_ssm": 3072,
            "mamba_d_state": 256, "mamba_expand": 2, "mamba_n_groups": 1, "mamba_n_heads": 24}))
        report = report_for(["--model-config", path, "--server", "dgx200", "--concurrency", "100",
                             "--effective-context", "32768", "--kv-accounting", "vllm", "--tensor-parallel", "1"])
        self.assertEqual([(g.kind, g.count) for g in report.model.layer_groups], [("full_attention", 44), ("mamba", 44)])
        # vLLM mamba2_state_shape with intermediate mamba_d_ssm: conv (3072 + 2 x 256) x 3, SSM 24 x 128 x 256,
        # in bf16; the attention block grows to hold it: 16 x cdiv(1,594,368 / 512, 16) = 3120 tokens.
        state = report.model.layer_groups[1].state_bytes_gpu(1)
        self.assertEqual(state, (3072 + 2 * 256) * 3 * 2 + 24 * 128 * 256 * 2)
        self.assertEqual(report.kv.pool.block_size, 3120)
        # Its parameters are not counted (no published total to check the layout against): unknown, not wrong.
        self.assertIn("weights_unknown", codes(report))
