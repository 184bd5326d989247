"""What vLLM refuses or decides before it plans (sizer/engines/vllmrules.py), each against vLLM's own
words: its asserts and error messages (quoted from vLLM 0.33.0's source), its unit tests, and the
numbers its planner gave on the oracle's cases (fixtures/vllm_oracle/cases.json, tools/vllm_oracle.py).
"""

import json
from fractions import Fraction

from sizer.compute.memory import smallest_fitting_layout
from sizer.engines.vllmrules import accepted_tensor_parallel
from sizer.layers import StateLayers
from tests.support import TempDirTest, report_for, results, run_cli, run_json
from tests.test_vllm_oracle import load_cases, tool_vllm_figures

ORACLE = {case["id"]: case for case in load_cases()}


def dense(heads, kv_heads, **extra):
    """A small Llama-shaped config.json."""
    config = {"model_type": "llama", "num_hidden_layers": 4, "num_attention_heads": heads,
              "num_key_value_heads": kv_heads, "head_dim": 64, "hidden_size": heads * 64, "intermediate_size": 1024,
              "vocab_size": 1000, "max_position_embeddings": 8192}
    config.update(extra)
    return config


def without(args, option, values=1):
    """The arguments with `option` (and its value) left out."""
    index = args.index(option)
    return args[:index] + args[index + 1 + values:]


class TensorParallelRefusals(TempDirTest):
    def refused(self, config, tp, *extra):
        status, out, err = run_cli(["--model-config", self.write("m.json", config), "--server", "dgx200",
                                    "--concurrency", "1", "--effective-context", "4096", "--tensor-parallel", str(tp),
                                    "--lang", "en"] + list(extra))
        self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
        return err

    def test_attention_heads_against_tp(self):
        # llama.py:145-155 in vLLM 0.33.0 (and QKVParallelLinear): assert total_num_heads % tp_size == 0; KV heads
        # >= TP: assert total_num_kv_heads % tp_size == 0; fewer: assert tp_size % total_num_kv_heads == 0.
        # The case: 12 heads and 6 KV heads at TP 4, where the tool gave 61,035 blocks and vLLM does not start.
        cases = ((dense(12, 6), 4, "assert total_num_kv_heads % tp_size == 0; llama.py:151", "1, 2"),
                 (dense(28, 4), 8, "assert total_num_heads % tp_size == 0; llama.py:145", "1, 2, 4"),
                 (dense(12, 3), 4, "assert tp_size % total_num_kv_heads == 0; llama.py:155", "1"))
        for config, tp, rule, accepted in cases:
            with self.subTest(heads=config["num_attention_heads"], kv_heads=config["num_key_value_heads"], tp=tp):
                err = self.refused(config, tp)
                self.assertIn("--tensor-parallel %d: vLLM does not build" % tp, err)
                self.assertIn(rule, err)
                self.assertIn("Tensor-parallel sizes it builds on dgx200: %s\n" % accepted, err)

    def test_mla_splits_only_its_query_heads(self):
        # deepseek_v2.py:484: assert num_heads % tp_size == 0; the latent has no KV heads to split.
        mla = dense(20, 20, kv_lora_rank=512, qk_rope_head_dim=64, qk_nope_head_dim=128, v_head_dim=128)
        self.assertIn("its 20 query heads must divide by the TP size", self.refused(mla, 8))
        report = report_for(["--model-config", self.write("mla.json", mla), "--server", "dgx200", "--concurrency", "1",
                             "--effective-context", "4096", "--tensor-parallel", "4"])
        self.assertEqual(accepted_tensor_parallel(report.model, report.server), (1, 2, 4))

    def test_mamba2_and_gated_deltanet_rules(self):
        # mamba_mixer2.py:320 and qwen_gdn_linear_attn.py:651 (distributed/utils.py:53's message), quoted.
        with open(self.hf_config("Nemotron-H-56B-Base-8K.json")) as handle:
            nemotron = dict(json.load(handle), n_groups=3)
        self.assertIn('"If tensor parallel world size does not divide num_groups, then num_groups must equal 1." '
                      "(n_groups 3, TP 2; mamba_mixer2.py:320)", self.refused(nemotron, 2))
        with open(self.hf_config("Qwen3-Next-80B-A3B-Thinking.json")) as handle:
            qwen = dict(json.load(handle), linear_num_value_heads=12)
        self.assertIn('"12 is not divisible by 8" (linear_num_value_heads; qwen_gdn_linear_attn.py:651)',
                      self.refused(qwen, 8))
        # n_groups = 1 is replicated to every TP rank: vLLM builds it.
        one_group = dict(nemotron, n_groups=1)
        report_for(["--model-config", self.write("one.json", one_group), "--server", "dgx200", "--concurrency", "1",
                    "--effective-context", "4096", "--tensor-parallel", "8", "--kv-accounting", "vllm"])

    def test_a_comparison_shows_the_refused_tp_as_an_error_row(self):
        document = run_json(["--model-config", self.write("m.json", dense(12, 6)), "--server", "dgx200",
                             "--concurrency", "10", "--effective-context", "4096", "--tensor-parallel", "2,4",
                             "--lang", "en"])
        rows = {row["tensor_parallel"]: row for row in document["comparison"]}
        self.assertEqual(rows[2]["status"], "ok")
        self.assertEqual(rows[4]["status"], "error")
        self.assertIn("assert total_num_kv_heads % tp_size == 0", rows[4]["error"])

    def test_the_layout_suggestion_skips_refused_tps(self):
        # 12 heads, 6 KV heads: vLLM builds TP 1 or 2 only; weights that need 4 GPUs get TP 2 x PP 2, not TP 4.
        config = dense(12, 6, num_hidden_layers=8, hidden_size=768, intermediate_size=10 ** 6)
        model = report_for(["--model-config", self.write("big.json", config), "--server", "dgx200", "--concurrency",
                            "1", "--effective-context", "4096", "--tensor-parallel", "1"]).model
        # GPUs of a third of the weights: 4 GPUs are needed, as TP 4 (refused) or TP 2 x PP 2.
        server = _server(gpus=8, hbm_gb=Fraction(model.weights.weights_bytes, 3 * 10 ** 9))
        self.assertEqual(smallest_fitting_layout(model, server), (2, 2))
        self.assertEqual(smallest_fitting_layout(report_for(["--model-config", self.write("ok.json", dict(
            config, num_key_value_heads=4)), "--server", "dgx200", "--concurrency", "1", "--effective-context", "4096",
            "--tensor-parallel", "1"]).model, server), (4, 1))


def _server(gpus, hbm_gb):
    from sizer.records import Server
    return Server("s", gpus, hbm_gb, hbm_gb * gpus, None)


class HybridManagerRefusals(TempDirTest):
    """vLLM's tests/v1/core/test_kv_cache_utils.py::test_unify_hybrid_kv_cache_specs (read at vllm-project/vllm
    eaba533a5e38): full + sliding, full + chunked and full + sliding + chunked become full attention; sliding
    + chunked with no full layer raises ValueError ("Failed to promote local KV cache specs to one unified type."
    in 0.33.0, kv_cache_planning.py:814)."""

    def sized(self, kinds, *extra):
        config = dict(dense(2, 2, num_hidden_layers=len(kinds)), layer_types=list(kinds), sliding_window=1024,
                      attention_chunk_size=512)
        return ["--model-config", self.write("m.json", config), "--server", "dgx200", "--concurrency", "1",
                "--effective-context", "8192", "--tensor-parallel", "1", "--kv-accounting", "vllm",
                "--disable-hybrid-kv-cache-manager", "--lang", "en"] + list(extra)

    def test_unify_hybrid_kv_cache_specs(self):
        full, sliding, chunked = "full_attention", "sliding_attention", "chunked_attention"
        for kinds in ((full, sliding), (full, chunked), (full, sliding, chunked)):
            with self.subTest(kinds=kinds):
                report = report_for(self.sized(kinds, "--allow-chunked-local-attn-with-hybrid-kv-cache"))
                blocks = dict(report.common[0].inputs)
                self.assertEqual(blocks["blocks_per_request"], 8192 // 16)      # one full group: cdiv(8192, 16)
        status, out, err = run_cli(self.sized((sliding, chunked), "--allow-chunked-local-attn-with-hybrid-kv-cache"))
        self.assertEqual((status, out), (2, ""))
        self.assertIn('without its hybrid KV-cache manager: "Failed to promote local KV cache specs to one unified '
                      'type."', err)

    def test_all_sliding_keeps_its_window(self):
        # Specs of one kind need no unifying: vLLM keeps the window. Oracle case mistral-0323 (20 sliding layers,
        # window 1024, PP 2, hybrid manager off): 24,482 blocks, 81 per request, concurrency 24482/81.
        case = ORACLE["mistral-0323"]
        self.assertIn("--disable-hybrid-kv-cache-manager", case["args"])
        self.assertEqual(tool_vllm_figures(case), (24482, Fraction(24482, 81)))

    def test_a_stage_without_cache_layers(self):
        # Oracle case nemotron_h-0468: pattern MME* over 4 stages; the third holds one MoE layer and nothing else.
        error = tool_vllm_figures(ORACLE["nemotron_h-0468"])
        self.assertEqual(error.text.id, "err.vllm_empty_stage")
        self.assertIn("VLLM_KV_CACHE_LAYOUT=BLHNC", dict(error.text.params)["message"])


class DraftFreeSpeculation(TempDirTest):
    """--speculative ngram and suffix: no drafter layers. vLLM 0.33.0 reserves no lookahead slot for them in its
    planner (VllmConfig.num_lookahead_tokens is 0: config/vllm.py:626-652); state layers keep
    num_speculative_tokens more pages and conv columns. The numbers are vLLM's own planner's, on the oracle's cases."""

    def test_dense_model_unchanged(self):
        # llama-0021, n-gram with 3 tokens: 446 blocks, 256 per request (1.7421875), as without speculation.
        case = ORACLE["llama-0021"]
        self.assertEqual(case["vllm"]["max_concurrency_fraction"], [446, 256])
        plain = dict(case, args=without(without(case["args"], "--speculative"), "--num-speculative-tokens"))
        self.assertEqual(tool_vllm_figures(case), (446, Fraction(446, 256)))
        self.assertEqual(tool_vllm_figures(plain), (446, Fraction(446, 256)))

    def test_state_layers_keep_the_speculative_pages(self):
        # qwen3_next-0747, n-gram 2, TP 4, prefix caching on: the GDN page grows two conv columns, the block is
        # 576 tokens (the 64-token grid), each GDN group takes 2 + 1 checkpoint + 2 = 5 pages, full attention 114:
        # 36,197 blocks, 129 per request. nemotron_h-0713, suffix 2, no prefix caching: Mamba 1 + 2 = 3 pages,
        # full attention 8 of 544 tokens: 1,803 blocks, 14 per request.
        for name, blocks, per_request in (("qwen3_next-0747", 36197, 129), ("nemotron_h-0713", 1803, 14)):
            with self.subTest(case=name):
                case = ORACLE[name]
                self.assertEqual(case["vllm"]["max_concurrency_fraction"], [blocks, per_request])
                self.assertEqual(tool_vllm_figures(case), (blocks, Fraction(blocks, per_request)))

    def test_what_vllm_refuses(self):
        base = ["--model", "Llama-3.1-8B", "--server", "dgx200", "--concurrency", "1", "--effective-context", "4096",
                "--kv-accounting", "vllm", "--lang", "en"]
        status, _, err = run_cli(base + ["--speculative", "ngram"])
        self.assertEqual(status, 2)
        self.assertIn('("num_speculative_tokens must be provided with speculative model unless the draft model '
                      'config contains an n_predict parameter.")', err)
        status, _, err = run_cli(base + ["--speculative", "suffix", "--async-scheduling"])
        self.assertEqual(status, 2)
        self.assertIn('"Async scheduling is not supported by the V1 model runner with suffix-based speculative '
                      'decoding."', err)
        # Before 0.33 n-gram ran without async scheduling too (0.32.0 config/vllm.py:1571-1575).
        status, _, err = run_cli(base + ["--speculative", "ngram", "--num-speculative-tokens", "3",
                                         "--async-scheduling", "--vllm-version", "0.32"])
        self.assertIn('"Currently, async scheduling is only supported with EAGLE/MTP/Draft Model/NGram GPU/DSpark/'
                      'DFlash kind of speculative decoding"', err)

    def test_suffix_runs_synchronously_with_24_tokens(self):
        # Suffix decoding: num_speculative_tokens defaults to suffix_decoding_max_tree_depth (24); the V1 runner
        # turns async scheduling off, so sliding layers reserve for one batch in flight (8192 tokens), not two.
        config = dense(8, 8, layer_types=["sliding_attention", "full_attention"] * 2, sliding_window=1024)
        args = ["--model-config", self.write("m.json", config), "--server", "dgx200", "--concurrency", "1",
                "--effective-context", "65536", "--tensor-parallel", "1", "--kv-accounting", "vllm"]
        synchronous = dict(report_for(args + ["--speculative", "suffix"]).common[0].inputs)
        self.assertEqual(synchronous["max_in_flight_tokens"], 8192)
        self.assertEqual(dict(report_for(args).common[0].inputs)["max_in_flight_tokens"], 2 * 8192)
        with open(self.hf_config("Nemotron-H-56B-Base-8K.json")) as handle:
            nemotron = self.write("n.json", json.load(handle))
        state = report_for(["--model-config", nemotron, "--server", "dgx200", "--concurrency", "1",
                            "--effective-context", "4096", "--kv-accounting", "vllm", "--speculative", "suffix"])
        # Prefix caching on (0.33's default): 2 pages + 1 prefill checkpoint + 24 speculative, and 24 more conv columns.
        self.assertEqual([(g.state_blocks, g.conv_spec_columns) for g in state.model.layer_groups
                          if isinstance(g, StateLayers)], [(27, 24)])
        self.assertIsNotNone(results(state, "minimum")["vllm_gpu_blocks"])
