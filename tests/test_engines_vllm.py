"""vLLM's accounting: its rules, releases, state layers, its own tests, speculative decoding."""

import json
from fractions import Fraction

from sizer.display import _fixed
from sizer.i18n import say
from sizer.layers import SlidingWindowLayers
from sizer.vocab import GIB_BYTES
from tests.support import (F, GIB, QUICK_START, SMALL_MODEL, TempDirTest, codes, explanation, formula,
                           report_for, results, run_cli, run_json)


class VllmAccounting(TempDirTest):
    def test_vllm_log_196_sessions(self):
        # vLLM 0.22.1, gpt-oss-120b on 8x H200, TP 8, block 64: 428,888 blocks per GPU of
        # 18 layers x 16,384 bytes; 8 GPUs -> 1,011,873,742,848 bytes of KV per node.
        self.assertEqual(428888 * 18 * 2 * 64 * 1 * 64 * 2 * 8, 1011873742848)
        # A node whose HBM is that KV plus the checkpoint, and an overhead of exactly the
        # checkpoint (65,283,502,899 bytes = 60.799999999813735485076904296875 GiB): the KV
        # budget is then the log's KV memory, to the byte.
        self.assertEqual(F("60.799999999813735485076904296875") * GIB, 65283502899)
        servers = self.write("servers.json", '{"h200-log": {"gpus": 8, "hbm_per_gpu_gb": 134.644655718375}}')
        self.assertEqual(F("134.644655718375") * 8 * 10 ** 9, 1011873742848 + 65283502899)
        args = ["--model", "gpt-oss-120b", "--server", "h200-log", "--servers-file", servers,
                "--concurrency", "100", "--effective-context", "131072", "--kv-precision", "bf16",
                "--block-size", "64", "--max-num-batched-tokens", "8192", "--vllm-version", "0.22",
                "--runtime-overhead-gib", "60.799999999813735485076904296875", "--kv-budget-ratio", "1"]
        vllm = results(report_for(args + ["--kv-accounting", "vllm"]), "minimum")
        spec = results(report_for(args), "minimum")
        self.assertEqual(vllm["sessions_per_node"], 196)
        self.assertEqual(vllm["sessions_per_node_spec"], 209)
        self.assertEqual(spec["sessions_per_node"], 209)
        self.assertEqual(spec["sessions_per_node_vllm"], 196)
        # 2048 full blocks + cdiv(128 - 1 + 8192, 64) + 1 = 131 sliding blocks per layer pair.
        self.assertEqual(vllm["kv_per_session_bytes"], 18 * (2048 + 131) * 2 * 64 * 8 * 64 * 2)

    def test_accounting_gap_at_8k_for_gpt_oss(self):
        report = report_for(QUICK_START[:9] + ["8192"])
        minimum = results(report, "minimum")
        self.assertGreater(minimum["sessions_per_node"], 1.9 * minimum["sessions_per_node_vllm"])
        self.assertIn("accounting_gap", codes(report))
        # At the full context the bases are within 10% by vLLM 0.22's rule (629 vs 592 sessions), and
        # 12.5% apart by 0.33's, whose sliding windows reserve for two batches in flight (629 vs 559).
        self.assertNotIn("accounting_gap", codes(report_for(QUICK_START + ["--vllm-version", "0.22"])))
        self.assertIn("accounting_gap", codes(report_for(QUICK_START)))

    def test_max_num_seqs_caps_each_instance(self):
        args = SMALL_MODEL[:9] + ["1024", "--kv-accounting", "vllm"]
        report = report_for(args)
        self.assertEqual(results(report, "minimum")["sessions_per_node"], 1024)
        self.assertIn("max_num_seqs_binding", codes(report))
        report = report_for(args + ["--max-num-seqs", "100000"])
        self.assertGreater(results(report, "minimum")["sessions_per_node"], 1024)
        self.assertNotIn("max_num_seqs_binding", codes(report))

    def test_new_options_in_all_three_formats(self):
        args = QUICK_START + ["--kv-accounting", "vllm", "--tensor-parallel", "4", "--block-size", "32",
                              "--runtime-overhead-gib", "130"]
        _, text, _ = run_cli(args)
        _, markdown, _ = run_cli(args + ["--markdown-only"])
        document = run_json(args)
        self.assertEqual((document["inputs"]["kv_accounting"], document["inputs"]["tensor_parallel"],
                          document["inputs"]["block_size"]), ("vllm", 4, 32))
        for output in (text, markdown):
            self.assertIn("vllm (blocos de 32 tokens", output)
            self.assertIn("4 GPUs por instância, 2 instâncias por nó", output)
            self.assertIn("sessions_per_node_spec", output)


# ---------------------------------------------------------------------------
# vLLM's own rules (issue 10, part): groups, the per-GPU block pool, the hybrid manager
# ---------------------------------------------------------------------------

class VllmRules(TempDirTest):
    def log_server(self):
        # The gpt-oss-120b run on 8x H200 (vLLM 0.22.1): 428,888 blocks of 64 tokens per GPU, plus the
        # checkpoint, as in test_vllm_log_196_sessions.
        return self.write("servers.json", '{"h200-log": {"gpus": 8, "hbm_per_gpu_gb": 134.644655718375}}')

    def log_args(self, *extra):
        return ["--model", "gpt-oss-120b", "--server", "h200-log", "--servers-file", self.log_server(),
                "--concurrency", "100", "--effective-context", "131072", "--kv-precision", "bf16",
                "--block-size", "64", "--kv-accounting", "vllm", "--vllm-version", "0.22",
                "--runtime-overhead-gib", "60.799999999813735485076904296875", "--kv-budget-ratio", "1"] + list(extra)

    def test_the_block_pool_reproduces_the_published_log(self):
        minimum = results(report_for(self.log_args()), "minimum")
        # 18 full + 18 sliding layers: one group size of 18, a page of 64 tokens x 1 KV head x 64 x 2 x 2
        # bytes per layer and GPU; 2048 full blocks + cdiv(127 + 8192, 64) + 1 = 131 sliding blocks.
        self.assertEqual(minimum["vllm_gpu_blocks"], 428888)
        self.assertEqual(minimum["vllm_max_concurrency"], Fraction(428888, 2048 + 131))
        self.assertEqual(_fixed(minimum["vllm_max_concurrency"], 2), "196.83")
        self.assertEqual(minimum["sessions_per_node"], 196)

    def test_without_the_hybrid_manager_every_layer_is_full(self):
        # The same run with LMCache (no hybrid support) printed 104.71x: 428,888 x 18 / (36 x 2048).
        minimum = results(report_for(self.log_args("--disable-hybrid-kv-cache-manager")), "minimum")
        self.assertEqual(minimum["vllm_max_concurrency"], Fraction(428888 * 18, 36 * 2048))
        self.assertEqual(_fixed(minimum["vllm_max_concurrency"], 2), "104.71")
        self.assertEqual(minimum["sessions_per_node"], 104)

    def test_gemma_3_sliding_layers_are_padded_to_whole_groups(self):
        # 10 full + 52 sliding: groups of 10, so six sliding groups charge 60 layers (8 of padding).
        args = ["--model-config", self.hf_config("gemma-3-27b-it.json"), "--server", "dgx300", "--concurrency",
                "100", "--effective-context", "8192", "--kv-accounting", "vllm", "--tensor-parallel", "1"]
        report = report_for(args)
        inputs = dict(report.common[0].inputs)
        self.assertEqual((inputs["kv_cache_group_size"], inputs["padding_layers"]), (10, 8))
        full_blocks, sliding_blocks = 8192 // 16, 8192 // 16 + 1
        self.assertEqual(inputs["blocks_per_request"], full_blocks + 6 * sliding_blocks)
        per_layer_token_bytes = 2 * 16 * 128
        self.assertEqual(results(report, "minimum")["kv_per_session_bytes"],
                         (10 * full_blocks + 60 * sliding_blocks) * 16 * per_layer_token_bytes)
        # Summing the 52 sliding layers would admit about 13% more sessions than vLLM does at 8k.
        unpadded = 10 * full_blocks + 52 * sliding_blocks
        self.assertEqual(_fixed(Fraction(10 * full_blocks + 60 * sliding_blocks, unpadded), 3), "1.129")

    def test_pipeline_stages_share_the_whole_models_groups(self):
        # Gemma-3-27B, TP 2 x PP 4 (15 + 16 + 16 + 15 layers): vLLM keeps the whole model's groups
        # (1 full, 6 sliding of 10 layers, the i-th sliding group taking every 6th sliding layer), so
        # each stage holds at most 3 layers of any group, and every stage takes that block count.
        args = ["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500", "--effective-context",
                "32768", "--kv-accounting", "vllm", "--tensor-parallel", "2", "--pipeline-parallel", "4"]
        report = report_for(args)
        blocks = [f for f in report.scenario("minimum").figures if f.key == "vllm_gpu_blocks"][0]
        self.assertEqual(say(dict(blocks.inputs)["block_layers_per_stage"], "en"), "3, 3, 3, 3")
        page = 2 * 16 * 8 * 128 * 1          # K and V, 16 tokens, 8 KV heads per GPU, head_dim 128, fp8
        budget = results(report, "minimum")["kv_budget_gib"] * GIB_BYTES / 8
        self.assertEqual(blocks.value, int(budget // (3 * page)))
        self.assertEqual(blocks.value, 889340)
        # Five batches in flight (PP 4 + async) cover the 32k context, so sliding groups charge it all:
        # 7 groups x 2048 blocks per request; (889,340 - the null block) // 14,336 = 62 sessions.
        self.assertEqual(results(report, "minimum")["sessions_per_node"], (889340 - 1) // (7 * 2048))
        self.assertEqual(results(report, "minimum")["sessions_per_node"], 62)
        self.assertEqual(blocks.formula.id, "formula.vllm_gpu_blocks_stages")

    def test_a_drafter_runs_on_the_last_stage(self):
        # Llama-3.1-8B + EAGLE, TP 2 x PP 4: 8 + 8 + 8 + 8 layers and the draft layer on the last stage,
        # whose 9 layers per block set the pool for all four.
        report = report_for(["--model", "Llama-3.1-8B", "--server", "dgx200", "--concurrency", "500",
                             "--effective-context", "32768", "--kv-accounting", "vllm", "--tensor-parallel", "2",
                             "--pipeline-parallel", "4", "--speculative", "eagle"])
        blocks = [f for f in report.scenario("minimum").figures if f.key == "vllm_gpu_blocks"][0]
        self.assertEqual(say(dict(blocks.inputs)["block_layers_per_stage"], "en"), "8, 8, 8, 9")
        self.assertEqual(results(report, "minimum")["sessions_per_node"], (blocks.value - 1) // 2048)
        self.assertEqual(results(report, "minimum")["sessions_per_node"], 289)

    def test_a_uniform_model_gets_the_same_sessions_per_node_with_or_without_stages(self):
        common = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "500", "--effective-context",
                  "131072", "--kv-accounting", "vllm", "--runtime-overhead-gib", "160"]
        flat = results(report_for(common + ["--tensor-parallel", "8"]), "minimum")
        piped = results(report_for(common + ["--tensor-parallel", "4", "--pipeline-parallel", "2"]), "minimum")
        # 80 layers in one group: TP 8 puts 1 KV head of 80 layers on a GPU, TP 4 x PP 2 puts 2 heads of
        # 40 layers, so a block is 80 head-pages either way and the pools match.
        self.assertEqual(piped["vllm_gpu_blocks"], flat["vllm_gpu_blocks"])
        self.assertEqual(piped["sessions_per_node"], flat["sessions_per_node"])

    def test_granite_attention_layers_are_full(self):
        report = report_for(["--model-config", self.hf_config("granite-4.0-micro.json"), "--server", "dgx300",
                             "--concurrency", "10", "--effective-context", "8192"])
        self.assertEqual([(g.kind, g.count) for g in report.model.layer_groups], [("full_attention", 40)])
        self.assertIsNone(report.model.num_local_experts)
        self.assertIn("Granite 4.0", explanation(report.common[0]))

    def test_spec_above_max_num_seqs_is_a_warning(self):
        self.assertIn("max_num_seqs_exceeded_spec", codes(report_for(QUICK_START[:9] + ["8192"])))
        self.assertNotIn("max_num_seqs_exceeded_spec", codes(report_for(QUICK_START)))
        self.assertNotIn("max_num_seqs_exceeded_spec",
                         codes(report_for(QUICK_START[:9] + ["8192", "--max-num-seqs", "100000"])))

    def test_the_summary_shows_the_other_basis_when_the_nodes_differ(self):
        _, out, _ = run_cli(QUICK_START + ["--kv-accounting", "vllm", "--summary-only", "--lang", "en"])
        self.assertIn("basis_nodes_differ: The accounting bases give different node counts: RECOMMENDED 3 by the "
                      "guide's formula (spec), 4 by vLLM (basis used: vllm).", out)
        _, text, _ = run_cli(QUICK_START + ["--kv-accounting", "vllm"])
        self.assertIn("  IDEAL: 5 nós (N+2, 30% headroom, budget 65%)\n  (pela base spec: RECOMENDADO 3 nós)\n", text)
        same = ["--model", "Llama-3.1-8B", "--server", "dgx200", "--concurrency", "100", "--effective-context",
                "8192", "--max-num-seqs", "2000"]
        self.assertNotIn("basis_nodes_differ", codes(report_for(same)))
        self.assertNotIn("(pela base", run_cli(same)[1])


class VllmReleases(TempDirTest):
    """Rules that changed between vLLM releases, on the cases vLLM's own tests pin."""

    def pool_of(self, blocks, bytes_per_block, **config):
        """A one-GPU server whose KV budget is exactly `blocks` blocks, and a config (fp8 KV, TP 1)."""
        servers = self.write("servers.json", '{"one": {"gpus": 1, "hbm_per_gpu_gb": %s}}'
                             % repr(blocks * bytes_per_block / 10 ** 9))
        model = dict({"num_attention_heads": 1, "num_key_value_heads": 1, "head_dim": 64}, **config)
        return ["--model-config", self.write("model.json", model), "--server", "one", "--servers-file", servers,
                "--concurrency", "1", "--runtime-overhead-gib", "0", "--kv-budget-ratio", "1",
                "--kv-accounting", "vllm"]

    def test_sliding_windows_reserve_for_the_batches_in_flight(self):
        # vLLM's test_get_max_concurrency_for_kv_cache_config pins sync scheduling: 32 sliding layers,
        # window 1024, 1024 batched tokens, max_model_len 16384 need cdiv(1023 + 1024, 16) + 1 = 129
        # blocks per request, 387 / 129 = 3.0x; with async scheduling two batches are in flight:
        # cdiv(1023 + 2048, 16) + 1 = 193 blocks, 387 / 193 = 2.005x. A block is 32 layers x a page of
        # 16 tokens x 2 x 64 bytes = 65,536 bytes.
        args = self.pool_of(387, 65536, num_hidden_layers=32, max_position_embeddings=16384, sliding_window=1024)
        args += ["--effective-context", "16384", "--max-num-batched-tokens", "1024"]
        sync = results(report_for(args + ["--no-async-scheduling"]), "minimum")
        default = results(report_for(args), "minimum")
        self.assertEqual((sync["vllm_gpu_blocks"], sync["vllm_max_concurrency"]), (387, 3))
        self.assertEqual(default["vllm_max_concurrency"], Fraction(387, 193))
        # One block is vLLM's null block, so two whole-context sessions run at once either way.
        self.assertEqual((sync["sessions_per_node"], default["sessions_per_node"]), (2, 2))
        # Before 0.26 the window reserved max_num_batched_tokens, async or not.
        old = results(report_for(args + ["--vllm-version", "0.22", "--async-scheduling"]), "minimum")
        self.assertEqual((old["vllm_max_concurrency"], old["sessions_per_node"]), (3, 3))

    def test_the_null_block_decides_whether_vllm_starts(self):
        # One full layer, max_model_len 512: a request is 32 blocks of 2,048 bytes. vLLM 0.33 holds the
        # null block back, so 32 blocks are refused and 33 accepted (printed 33 / 32 = 1.03x); its own
        # estimate of the longest max_model_len for 31 usable blocks is 31 x 16 = 496 tokens.
        config = {"num_hidden_layers": 1, "max_position_embeddings": 512}
        status, out, _ = run_cli(self.pool_of(32, 2048, **config) + ["--effective-context", "512", "--json-only"])
        document = json.loads(out)
        self.assertEqual((status, document["status"]), (1, "infeasible"))
        message = [a["message"] for a in document["alerts"] if a["code"] == "vllm_would_not_start"][0]
        self.assertIn("estima o max_model_len possível em 496 tokens", message)
        self.assertNotIn("no_session_fits", [a["code"] for a in document["alerts"]])
        self.assertEqual({s["limit"] for s in document["scenarios"].values()}, {"vllm_would_not_start"})
        accepted = results(report_for(self.pool_of(33, 2048, **config) + ["--effective-context", "512"]), "minimum")
        self.assertEqual((accepted["vllm_max_concurrency"], accepted["sessions_per_node"]), (Fraction(33, 32), 1))
        self.assertEqual(_fixed(accepted["vllm_max_concurrency"], 2), "1.03")
        older = report_for(self.pool_of(32, 2048, **config) + ["--effective-context", "512", "--vllm-version", "0.22"])
        # Before 0.33 no block is held back: the 32 blocks start (IDEAL's smaller budget is refused, with
        # vLLM's estimate on all of its blocks).
        self.assertEqual(results(older, "minimum")["sessions_per_node"], 1)
        self.assertEqual([result.capacity.vllm_refusal is None for result in older.scenarios], [True, True, False])

    def test_before_0_9_concurrency_counted_tokens(self):
        config = {"num_hidden_layers": 1, "max_position_embeddings": 1000}
        old = results(report_for(self.pool_of(100, 2048, **config) + ["--effective-context", "1000",
                                                                      "--vllm-version", "0.8"]), "minimum")
        self.assertEqual(old["vllm_max_concurrency"], Fraction(100 * 16, 1000))

    def test_versions_outside_the_modeled_releases_are_refused(self):
        for text in ("1.0", "0.34", "0", "abc", "0.33.0.1", "0.٣"):
            with self.subTest(text=text):
                status, _, err = run_cli(QUICK_START + ["--vllm-version", text])
                self.assertEqual(status, 2)
                self.assertIn("--vllm-version", err)
        self.assertEqual(run_cli(QUICK_START + ["--vllm-version", "0.22.1", "--json-only"])[0], 0)


class StateLayersTests(TempDirTest):
    """Mamba2 and Gated DeltaNet layers: a constant state per session, sized as vLLM 0.33 sizes it."""

    def sized(self, config, *extra, context="262144"):
        return report_for(["--model-config", self.hf_config(config), "--server", "dgx200", "--concurrency", "10",
                           "--effective-context", context, "--kv-precision", "bf16"] + list(extra))

    @staticmethod
    def inputs(report, key):
        return dict([f for f in report.common + report.scenario("minimum").figures if f.key == key][0].inputs)

    def test_qwen3_next_reproduces_the_published_log(self):
        # Issue 10: Qwen3-Next-80B on 2x H200 at 262,144 tokens prints block 544, 7162 blocks, 14.77x.
        # Gated DeltaNet state per GPU at TP 2: conv (2 x 16 x 128 + 32 x 128) / 2 x 3 x 2 bytes = 24,576 plus
        # SSM 32 / 2 x 128 x 128 x 2 = 524,288 -> 548,864 bytes; an attention token is 1 KV head x 256 x 2 x 2
        # = 1,024 bytes per GPU, so the block is 16 x cdiv(548,864, 16 x 1,024) = 544 tokens. 12 full + 36
        # linear layers in groups of 12: a request needs cdiv(262144, 544) = 482 + 3 x 1 = 485 blocks.
        page = 544 * 1024
        report = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", "--kv-accounting", "vllm",
                            "--no-enable-prefix-caching", "--kv-cache-memory-bytes", str(7162 * 12 * page))
        values = results(report, "minimum")
        self.assertEqual((values["vllm_gpu_blocks"], _fixed(values["vllm_max_concurrency"], 2)),
                         (7162, "14.77"))
        blocks = self.inputs(report, "vllm_gpu_blocks")
        self.assertEqual((blocks["block_size"], blocks["kv_cache_group_size"], blocks["padding_layers"],
                          say(blocks["kv_cache_groups"], "en")), (544, 12, 0, "1 full, 3 linear"))
        self.assertEqual(self.inputs(report, "vllm_max_concurrency")["blocks_per_request"], 485)
        kv = self.inputs(report, "kv_per_session_bytes")
        self.assertEqual((kv["requested_block_size"], say(kv["state_bytes_per_layer_gpu"], "en")),
                         (16, "linear 548864"))
        self.assertIn("de 16 para 544 tokens", explanation(report.common[0]))
        # vLLM 0.33 turns prefix caching on ('align' mode): FlashInfer's GDN prefill keeps one checkpoint page
        # more (2 + 1 per request) on a 64-token grid, so the block is 64 x cdiv(548,864, 64 x 1,024) = 576
        # tokens and a request needs cdiv(262144, 576) = 456 + 3 x 3 = 465 blocks.
        default = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", "--kv-accounting", "vllm",
                             "--kv-cache-memory-bytes", str(7162 * 12 * page))
        self.assertEqual(self.inputs(default, "vllm_gpu_blocks")["block_size"], 576)
        self.assertEqual(self.inputs(default, "vllm_max_concurrency")["blocks_per_request"], 465)
        # vLLM 0.32 had neither (the GDN layer exported no checkpoints): 482 + 3 x 2.
        older = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", "--kv-accounting", "vllm",
                           "--enable-prefix-caching", "--vllm-version", "0.32", "--kv-cache-memory-bytes", str(7162 * 12 * page))
        self.assertEqual(self.inputs(older, "vllm_max_concurrency")["blocks_per_request"], 488)

    def test_spec_basis_adds_the_state_bytes(self):
        # 12 full layers x 8192 tokens x 2 x (2 KV heads x 256) x 2 bytes + 36 layers x 548,864 x 2 GPUs.
        report = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", context="8192")
        self.assertEqual(report.kv.bytes, 2 * 12 * 8192 * 512 * 2 + 36 * 548864 * 2)
        self.assertIn("+ 36 × 1097728 =", formula(report.common[0]))

    def test_mamba2_block_sizes(self):
        # Nemotron-H-56B at TP 1: conv (256 x 64 + 2 x 8 x 256) x 3 x 2 = 122,880 bytes, SSM in NemotronH's
        # float32: 256 x 64 x 256 x 4 = 16,777,216; a token of attention is 2 x 8 x 128 x 2 = 4,096 bytes:
        # 16 x cdiv(16,900,096, 65,536) = 4128 tokens (one of the published block sizes).
        # Nemotron 3 Nano, SSM in bfloat16: conv (64 x 64 + 2 x 8 x 128) x 3 x 2 = 36,864, SSM 64 x 64 x 128 x
        # 2 = 1,048,576; a token is 2 x 2 x 128 x 2 = 1,024 bytes: 16 x cdiv(1,085,440, 16,384) = 1072.
        # With its config's float32 SSM state: 16 x cdiv(2,134,016, 16,384) = 2096.
        for config, extra, block in (("Nemotron-H-56B-Base-8K.json", (), 4128),
                                     ("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json",
                                      ("--mamba-ssm-cache-dtype", "bfloat16"), 1072),
                                     ("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json", (), 2096)):
            with self.subTest(config=config, extra=extra):
                report = self.sized(config, "--tensor-parallel", "1", "--kv-accounting", "vllm", *extra,
                                    context="8192")
                self.assertEqual(self.inputs(report, "kv_per_session_bytes")["block_size"], block)

    def test_state_that_does_not_split_is_refused(self):
        # 256 Mamba heads do not split across 3 GPUs (vLLM's divide() asserts it).
        servers = self.write("servers.json", {"three": {"gpus": 3, "hbm_per_gpu_gb": 80}})
        status, out, err = run_cli(["--model-config", self.hf_config("Nemotron-H-56B-Base-8K.json"), "--server",
                                    "three", "--servers-file", servers, "--concurrency", "1",
                                    "--effective-context", "8192", "--tensor-parallel", "3"])
        self.assertEqual((status, out), (2, ""))
        self.assertIn("--tensor-parallel 3", err)
        for option in ("--mamba-cache-dtype", "--mamba-ssm-cache-dtype"):
            with self.subTest(option=option):
                self.assertIn(option, run_cli(QUICK_START + [option, "int8"])[2])
        self.assertEqual(run_cli(QUICK_START + ["--mamba-cache-dtype", "auto", "--json-only"])[0], 0)

    def test_hybrid_manager_off_refuses_state_layers(self):
        # vLLM 0.33.0 unify_hybrid_kv_cache_specs: attention and Mamba specs cannot become one type, and
        # _promote_local_kv_cache_specs raises ValueError (kv_cache_planning.py:814); 0.31 raised the older text.
        args = ["--model-config", self.hf_config("Qwen3-Next-80B-A3B-Thinking.json"), "--server", "dgx200",
                "--concurrency", "1", "--effective-context", "8192", "--tensor-parallel", "2", "--kv-accounting",
                "vllm", "--disable-hybrid-kv-cache-manager", "--lang", "en"]
        for version, quote in (("0.33", "Failed to promote local KV cache specs to one unified type."),
                               ("0.31", "Hybrid KV cache manager is disabled but failed to convert the KV cache "
                                        "specs to one unified type.")):
            with self.subTest(version=version):
                status, out, err = run_cli(args + ["--vllm-version", version])
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn('"%s"' % quote, err)
                self.assertIn("(12 full, 36 linear attention (Gated DeltaNet) (constant state))", err)


class VllmOwnTests(TempDirTest):
    """vLLM's own KV-sizing unit tests, each as a config plus CLI arguments with the test's expected number.

    Read at vllm-project/vllm commit eaba533a5e3853c730318c8b5960de4d159a82ed (tests/v1/core/
    test_kv_cache_utils.py, "UTILS") and tests/v1/worker/test_gpu_model_runner.py ("RUNNER"). vLLM
    builds layer specs by hand; here each spec becomes a config.json (one KV head group per layer
    kind) and the KV memory per GPU is passed as --kv-cache-memory-bytes on a one-GPU server.
    Reproduced: 21 assertions (UTILS one_worker 7, multiple_workers 1, max_concurrency 3,
    estimate_max_model_len 2; RUNNER 2; TestFullAttentionSpec page sizes 6). Not expressible, 13
    (README, "Limites"): per-layer head sizes (3) and num_gpu_blocks_override (1) in one_worker;
    workers with different memory or different pipeline-stage layers (6) in multiple_workers; KV
    sharing between layers (2) in RUNNER; the Mamba block-size alignment test (1).
    """

    FULL, SLIDING = "full_attention", "sliding_attention"

    def sized(self, kinds, kv_bytes, context, heads=2, head_dim=64, precision="fp32", window=None,
              positions=None, extra=()):
        config = {"num_hidden_layers": len(kinds), "num_attention_heads": heads, "num_key_value_heads": heads,
                  "head_dim": head_dim, "max_position_embeddings": positions or context, "layer_types": list(kinds)}
        if window is not None:
            config["sliding_window"] = window
        servers = self.write("servers.json", {"one": {"gpus": 1, "hbm_per_gpu_gb": 10 ** 4}})
        return report_for(["--model-config", self.write("model.json", config), "--server", "one",
                           "--servers-file", servers, "--concurrency", "1", "--kv-accounting", "vllm",
                           "--kv-precision", precision, "--kv-cache-memory-bytes", str(kv_bytes),
                           "--effective-context", str(context)] + list(extra))

    @staticmethod
    def pool(report):
        """(GPU blocks, layers per group, padding layers, groups by kind) as the report shows them."""
        blocks = [f for f in report.scenario("minimum").figures if f.key == "vllm_gpu_blocks"][0]
        inputs = dict(blocks.inputs)
        return (blocks.value, inputs["kv_cache_group_size"], inputs["padding_layers"],
                say(inputs["kv_cache_groups"], "en"))

    @staticmethod
    def refusal(report):
        return report.scenario("minimum").capacity.vllm_refusal

    def test_get_kv_cache_config_one_worker(self):
        # UTILS::test_get_kv_cache_config_one_worker: new_kv_cache_spec() is 2 KV heads x 64, fp32, block 16,
        # so mem_per_block_per_layer = 16 x 2 x 64 x 4 x 2 = 16,384 bytes; max_model_len 16, sliding window 1.
        page = 16 * 2 * 64 * 4 * 2
        F, S = self.FULL, self.SLIDING
        cases = (
            ("all full -> one group", [F, F], 2, (), (32, 2, 0, "1 full")),
            ("all sliding -> one group", [S, S], 2, (), (32, 2, 0, "1 sliding")),
            ("full + sliding, hybrid manager off", [F, S], 2, ("--disable-hybrid-kv-cache-manager",),
             (32, 2, 0, "1 full")),
            ("full + sliding, hybrid manager", [F, S], 2, (), (64, 1, 0, "1 full, 1 sliding")),
            ("2 full + 4 sliding, 2 layers per group", [F] * 2 + [S] * 4, 2, (), (32, 2, 0, "1 full, 2 sliding")),
            ("3 full + 7 sliding, padded to 3 + 9", [F] * 3 + [S] * 7, 3, (), (32, 3, 2, "1 full, 3 sliding")),
            ("6 full + 5 sliding, padded to 6 + 6 (gpt-oss + eagle)", [F] * 6 + [S] * 5, 6, (),
             (32, 6, 1, "1 full, 1 sliding")),
        )
        for name, kinds, layers_in_memory, extra, expected in cases:
            with self.subTest(case=name):
                report = self.sized(kinds, page * layers_in_memory * 32, 16, window=1, extra=extra)
                self.assertEqual(self.pool(report), expected)
                self.assertIsNone(self.refusal(report))

    def test_get_kv_cache_configs_multiple_workers(self):
        # UTILS::test_get_kv_cache_configs_multiple_workers, "all things are the same": two workers with
        # the same two layers and page x 2 x 10 bytes each get 10 blocks each. Here: TP 2 on a two-GPU
        # server, 4 KV heads split 2 per GPU (one worker's spec). The other cases (workers with different
        # memory, pipeline stages with different layers) are in the README's limits.
        page = 16 * 2 * 64 * 4 * 2
        config = {"num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 64,
                  "max_position_embeddings": 16}
        servers = self.write("servers.json", {"two": {"gpus": 2, "hbm_per_gpu_gb": 10}})
        report = report_for(["--model-config", self.write("model.json", config), "--server", "two",
                             "--servers-file", servers, "--concurrency", "1", "--kv-accounting", "vllm",
                             "--kv-precision", "fp32", "--tensor-parallel", "2", "--effective-context", "16",
                             "--kv-cache-memory-bytes", str(page * 2 * 10)])
        self.assertEqual(self.pool(report), (10, 2, 0, "1 full"))

    def test_get_max_concurrency_for_kv_cache_config(self):
        # UTILS::test_get_max_concurrency_for_kv_cache_config (Qwen1.5-7B shapes: 32 KV heads x 128, fp16,
        # block 16, max_model_len 16384, 1024 batched tokens, sliding window 1024; sync scheduling as the
        # test's config, since from 0.26 async scheduling doubles the window's in-flight tokens).
        # A block of one 32-layer group is 32 x 16 x 2 x 32 x 128 x 2 bytes = 8 MiB.
        block = 32 * 16 * 2 * 32 * 128 * 2
        extra = ("--max-num-batched-tokens", "1024", "--no-async-scheduling", "--max-num-seqs", "256")
        F, S = self.FULL, self.SLIDING
        for name, kinds, blocks, expected in (("full attention", [F] * 32, int(1024 * 1.5), Fraction(3, 2)),
                                               ("sliding window", [S] * 32, 129 * 3, 3),
                                               ("hybrid model", [F] * 32 + [S] * 32, (1024 + 129) * 3, 3)):
            with self.subTest(case=name):
                report = self.sized(kinds, blocks * block, 16384, heads=32, head_dim=128, precision="fp16",
                                    window=1024, extra=extra)
                values = results(report, "minimum")
                self.assertEqual((values["vllm_gpu_blocks"], values["vllm_max_concurrency"]), (blocks, expected))

    def test_estimate_max_model_len(self):
        # UTILS::test_estimate_max_model_len: 32 full layers, 32 KV heads x 128, fp16, 8 GiB: max_model_len
        # 16385 -> 16384, 16383 -> 16383 (it fits). vLLM calls estimate_max_model_len on all 8 GiB; it is
        # what 0.22 prints when it refuses. From 0.33 the refusal estimates on one block (8 MiB) less:
        # 1,023 blocks of 16 tokens = 16,368.
        def sized(context, *version):
            return self.sized([self.FULL] * 32, 8 * GIB, context, heads=32, head_dim=128, precision="fp16",
                              positions=32768, extra=("--max-num-batched-tokens", "32768") + version)
        self.assertEqual(self.refusal(sized(16385, "--vllm-version", "0.22"))[2], 16384)
        self.assertIsNone(self.refusal(sized(16383, "--vllm-version", "0.22")))
        self.assertEqual(self.refusal(sized(16385))[2], 16368)
        # Before 0.9 vLLM refused without an estimate (PR #16168 added it in 0.8.5).
        self.assertIsNone(self.refusal(sized(16385, "--vllm-version", "0.8"))[2])

    def test_gpu_model_runner_capacity(self):
        # RUNNER::test_init_kv_cache_without_kv_sharing: 2 layers, 8 KV heads x 64, fp16 (a 32 KiB page):
        # 20 GiB -> 327,680 blocks; estimate_max_model_len(5 GiB) with max_model_len 3,000,000 -> 1,310,720.
        two_layers = [self.FULL] * 2
        report = self.sized(two_layers, 20 * GIB, 16, heads=8, head_dim=64, precision="fp16")
        self.assertEqual(self.pool(report)[:2], (327680, 2))
        refused = self.sized(two_layers, 5 * GIB, 3000000, heads=8, head_dim=64, precision="fp16",
                             extra=("--vllm-version", "0.22"))
        self.assertEqual(self.refusal(refused)[2], 1310720)

    def test_page_sizes(self):
        # vLLM's TestFullAttentionSpec (block 16, 4 KV heads x 64, fp16): a page is 2 x 16 x 4 x 64 x 2 =
        # 16,384 bytes, an MLA page has no factor 2 (8,192), and 16/17/32/53 tokens take 1/2/2/4 pages.
        for tokens, pages in ((16, 1), (17, 2), (32, 2), (53, 4)):
            with self.subTest(tokens=tokens):
                report = self.sized([self.FULL], 10 ** 9, tokens, heads=4, head_dim=64, precision="fp16")
                self.assertEqual(report.kv.bytes, pages * 16384)
        mla = {"num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 64,
               "max_position_embeddings": 16, "kv_lora_rank": 192, "qk_rope_head_dim": 64}
        servers = self.write("servers.json", {"one": {"gpus": 1, "hbm_per_gpu_gb": 10}})
        report = report_for(["--model-config", self.write("mla.json", mla), "--server", "one", "--servers-file",
                             servers, "--concurrency", "1", "--kv-accounting", "vllm", "--kv-precision", "fp16",
                             "--effective-context", "16", "--kv-cache-memory-bytes", "1000000"])
        self.assertEqual(report.kv.bytes, 8192)

    def test_multi_module_mtp_keeps_tokens_below_the_window(self):
        # vLLM 0.33.0 kv_cache_planning.py: extra_retained_tokens = num_prefill_lookahead_tokens - 1 = k - 1
        # for multi-module MTP (min(num_nextn_predict_layers, k) > 1). Window 128, 8192 batched tokens
        # (sync), block 16, 2 MTP layers: with k = 1 one module runs and a sliding layer takes
        # cdiv(128 - 1 + 8192, 16) + 1 = 521 blocks; with k = 4, cdiv(128 - 1 + 3 + 8192, 16) + 1 = 522.
        # k = 3 is refused, as vLLM refuses it: 3 rounds of 2 modules do not divide evenly.
        config = {"num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 2, "head_dim": 64,
                  "max_position_embeddings": 32768, "layer_types": [self.SLIDING, self.FULL],
                  "sliding_window": 128, "num_nextn_predict_layers": 2, "hidden_size": 128,
                  "intermediate_size": 256, "vocab_size": 1000}
        servers = self.write("servers.json", {"one": {"gpus": 1, "hbm_per_gpu_gb": 10}})
        base = ["--model-config", self.write("mtp.json", config), "--server", "one", "--servers-file", servers,
                "--concurrency", "1", "--kv-accounting", "vllm", "--effective-context", "32768",
                "--no-async-scheduling", "--speculative", "mtp"]
        sliding = SlidingWindowLayers(1, window=128)
        for tokens, per_layer in (("1", 521), ("4", 522)):
            with self.subTest(num_speculative_tokens=tokens):
                report = report_for(base + ["--num-speculative-tokens", tokens])
                groups = [g for g in report.model.layer_groups if isinstance(g, SlidingWindowLayers)]
                self.assertEqual(groups[0].vllm_blocks(32768, 16, 8192), per_layer)
        self.assertEqual(sliding.vllm_blocks(32768, 16, 8192), 521)
        older = report_for(base + ["--num-speculative-tokens", "4", "--vllm-version", "0.32"])
        self.assertEqual([g.retained_tokens for g in older.model.layer_groups
                          if isinstance(g, SlidingWindowLayers)], [0])
        status, _, err = run_cli(base + ["--num-speculative-tokens", "3"])
        self.assertEqual((status, "--num-speculative-tokens" in err), (2, True))
        self.assertIn("--speculative", run_cli(QUICK_START + ["--num-speculative-tokens", "2"])[2])


class SpeculativeDecoding(TempDirTest):
    def sized(self, config, *extra):
        return report_for(["--model-config", self.hf_config(config), "--server", "dgx300", "--concurrency", "10",
                           "--effective-context", "8192", "--runtime-overhead-gib", "auto"] + list(extra))

    def test_eagle_adds_one_layer_of_the_targets_shape(self):
        # Llama-3.1-8B + EAGLE: 33 attention layers in the pool (the published H100 run).
        base = results(self.sized("Llama-3.1-8B-Instruct.json"), "minimum")["kv_per_session_bytes"]
        eagle = self.sized("Llama-3.1-8B-Instruct.json", "--speculative", "eagle")
        self.assertEqual(results(eagle, "minimum")["kv_per_session_bytes"], base * 33 // 32)
        self.assertIn("eagle", explanation(eagle.common[0]))

    def test_eagle_on_gpt_oss_20b_is_padded_as_vllm_says(self):
        # vLLM's grouping comment: gpt-oss-20b + eagle has 12 sw + 13 full and is padded to 13 + 13.
        report = self.sized("gpt-oss-20b.json", "--speculative", "eagle3", "--kv-accounting", "vllm")
        inputs = dict(report.common[0].inputs)
        self.assertEqual((inputs["kv_cache_group_size"], inputs["padding_layers"]), (13, 1))

    def test_mtp_adds_the_checkpoints_next_token_layers(self):
        base = results(self.sized("DeepSeek-V3.json", "--tensor-parallel", "1"), "minimum")["kv_per_session_bytes"]
        mtp = results(self.sized("DeepSeek-V3.json", "--tensor-parallel", "1", "--speculative", "mtp"), "minimum")
        self.assertEqual((base, mtp["kv_per_session_bytes"]), (61 * 8192 * 576, 62 * 8192 * 576))
        status, _, err = run_cli(QUICK_START + ["--speculative", "mtp"])
        self.assertEqual(status, 2)
        self.assertIn("num_nextn_predict_layers", err)
        self.assertIn("--speculative", run_cli(QUICK_START + ["--speculative", "medusa"])[2])
