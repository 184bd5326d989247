"""Current model families (issue 18, part D): the 117 configs of aiconfigurator-core 0.12.0 sized with their
model cards' parameter counts or refused by name, and each family's own layers sized as vLLM 0.33.0 sizes them."""

import copy
import json
import os
from fractions import Fraction

from sizer.i18n import say
from sizer.inputs import load_json_file
from sizer.model.config import model_from_config
from sizer.numbers import InputError
from tests.support import TempDirTest, fixture_path, formula, read_fixture, report_for, results, run_cli

CONFIGS = fixture_path("hf-configs", "aiconfigurator")
CARDS = json.loads(read_fixture("model-cards", "cards.json"))["files"]


def aiconfigurator(name):
    return os.path.join(CONFIGS, name)


def model(name, folder=CONFIGS):
    path = os.path.join(folder, name)
    return model_from_config(name, load_json_file(path, allow_constants=True), path)


def read_or_refuse(name):
    """(the Model, None) for a config the tool reads, or (None, the English line of the InputError)."""
    try:
        return model(name), None
    except InputError as error:
        return None, say(error.text, "en")


def card_tolerance(value):
    """3%, or half a unit of the card's last digit (a card's "A3B" is 3 +- 0.5), whichever is larger."""
    text = ("%r" % value).rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    unit = Fraction(1, 10 ** decimals) if decimals else Fraction(10 ** (len(text) - len(text.rstrip("0"))))
    return max(Fraction(3, 100) * Fraction(value), unit / 2)


def kv_formula(report):
    return formula([f for f in report.common if f.key == "kv_per_session_bytes"][0], "en")


class AIConfiguratorConfigs(TempDirTest):
    def test_every_config_sizes_within_3_percent_of_its_card_or_is_refused_by_name(self):
        names = sorted(n for n in os.listdir(CONFIGS) if n.endswith(".json"))
        self.assertEqual((len(names), len([n for n in names if n.endswith("_hf_quant_config.json")])), (117, 28))
        self.assertEqual(sorted(CARDS), names)
        outcome = {"sized": 0, "refused": 0}
        for name in names:
            card = CARDS[name]
            with self.subTest(config=name):
                read, refused = read_or_refuse(name)
                if card.get("refused_field") is not None:
                    self.assertIn("field '%s'" % card["refused_field"], refused or "")
                    outcome["refused"] += 1
                    continue
                self.assertIsNone(refused)
                counted = read.parameters
                total, active = Fraction(counted.total, 10 ** 9), Fraction(counted.active, 10 ** 9)
                if card["total_b"] is None:
                    self.assertGreater(total, card["floor_b"])
                else:
                    self.assertLessEqual(abs(total / Fraction(card["total_b"]) - 1), Fraction(3, 100), float(total))
                if card.get("active_b") is not None:
                    # Cards count the input embedding or not: the card lies between the two counts.
                    embedding, tolerance = Fraction(counted.embedding, 10 ** 9), card_tolerance(card["active_b"])
                    self.assertGreaterEqual(card["active_b"] + tolerance, active, float(active))
                    self.assertLessEqual(card["active_b"] - tolerance, active + embedding, float(active + embedding))
                elif card["total_b"] is not None:
                    self.assertEqual(counted.active + counted.embedding + counted.vision_encoder, counted.total)
                outcome["sized"] += 1
        self.assertEqual(outcome, {"sized": 81, "refused": 36})

    def test_the_cli_sizes_one_config_of_each_family_on_both_bases_or_refuses_it_by_name(self):
        sized = ("meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json", "nvidia--Kimi-K2.6-NVFP4_config.json",
                 "Qwen--Qwen3-Coder-480B-A35B-Instruct_config.json",
                 "nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-FP8_config.json", "Qwen--Qwen3.5-397B-A17B_config.json",
                 "google--gemma-4-26B-A4B_config.json", "nvidia--GLM-5.2-NVFP4_config.json",
                 "XiaomiMiMo--MiMo-V2-Flash_config.json", "moonshotai--Kimi-K3_config.json",
                 "nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json")
        for name in sized:
            with self.subTest(config=name):
                status, _, err = run_cli(["--model-config", aiconfigurator(name), "--server", "dgxb200", "--json-only",
                                          "--concurrency", "64", "--effective-context", "32768", "--kv-accounting",
                                          "vllm", "--tensor-parallel", "4", "--pipeline-parallel", "2"])
                self.assertIn(status, (0, 1), err)
        refused = (("deepseek-ai--DeepSeek-V4-Flash_config.json", "compress_ratios", "DeepSeek-V4"),
                   ("nvidia--MiniMax-M3-NVFP4_config.json", "sparse_attention_config", "MiniMax"),
                   ("nvidia--GLM-5-NVFP4_hf_quant_config.json", "quantization", "hf_quant_config.json"))
        for name, field, words in refused:
            for lang, quote in (("en", "field '%s'"), ("pt-BR", "campo '%s'")):
                with self.subTest(config=name, lang=lang):
                    status, out, err = run_cli(["--model-config", aiconfigurator(name), "--server", "dgx200",
                                                "--concurrency", "10", "--effective-context", "8192", "--lang", lang])
                    self.assertEqual((status, out), (2, ""))
                    self.assertIn(quote % field, err)
                    self.assertIn(words, err)
                    self.assertEqual(err.count("\n"), 1)


class FamilyParameters(TempDirTest):
    def test_llama4_shared_expert_in_every_moe_layer_and_interleaved_dense_layers(self):
        # vLLM llama4.py: layer i is MoE iff (i + 1) % interleave_moe_layer_step == 0, with a shared expert of
        # intermediate_size beside the routed ones; the others are dense of intermediate_size_mlp (16384).
        maverick = model("meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json").parameters
        self.assertEqual(maverick.shared_experts, 24 * 3 * 5120 * 8192)
        self.assertEqual(maverick.dense_mlp, 24 * 3 * 5120 * 16384)
        self.assertEqual(round(maverick.total / 1e9, 1), 400.7)       # card: 400B total / 17B active
        self.assertEqual(round((maverick.active + maverick.embedding) / 1e9, 1), 17.2)
        scout = model("meta-llama--Llama-4-Scout-17B-16E-Instruct_config.json").parameters
        self.assertEqual(round(scout.total / 1e9, 1), 107.8)           # card 109B with its 1.7B vision tower

    def test_zero_means_none_for_mtp_layers_and_the_shared_expert(self):
        kimi = model("moonshotai--Kimi-K2-Instruct_config.json").parameters
        self.assertEqual((kimi.mtp_layers, round(kimi.total / 1e9, 1)), (0, 1026.4))      # card: 1T / 32B
        coder = model("Qwen--Qwen3-Coder-480B-A35B-Instruct_config.json").parameters
        self.assertEqual((coder.shared_experts, round(coder.total / 1e9, 1)), (0, 480.2))  # card: 480B-A35B
        status, _, err = run_cli(["--model-config", aiconfigurator("moonshotai--Kimi-K2-Instruct_config.json"),
                                  "--server", "dgxb200", "--concurrency", "10", "--effective-context", "8192",
                                  "--speculative", "mtp", "--lang", "en"])
        self.assertEqual(status, 2)
        self.assertIn("num_nextn_predict_layers", err)

    def test_nemotron3_latent_moe_and_layers_block_type(self):
        # LatentMoE (vLLM nemotron_h.py): routed experts of 2 x moe_latent_size x moe_intermediate_size, and the
        # hidden <-> latent projections in every MoE layer.
        super_ = model("nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8_config.json")
        self.assertEqual(super_.parameters.experts, 40 * 512 * 2 * 1024 * 2688)
        self.assertEqual(round(super_.parameters.total / 1e9, 1), 120.7)
        self.assertEqual([(g.kind, g.count) for g in super_.layer_groups], [("full_attention", 8), ("mamba", 40)])
        # Ultra has no num_hidden_layers: 108 = len(layers_block_type), as transformers derives it.
        ultra = model("nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16_config.json")
        self.assertEqual(ultra.num_hidden_layers, 108)
        self.assertEqual([(g.kind, g.count) for g in ultra.layer_groups], [("full_attention", 12), ("mamba", 48)])
        self.assertEqual(round(ultra.parameters.total / 1e9, 1), 549.3)
        lightning = model("nvidia--NVIDIA-Nemotron-3.5-Lightning-30B-A3B-NVFP4_config.json")
        self.assertEqual([(g.kind, g.count) for g in lightning.layer_groups], [("full_attention", 6), ("mamba", 23)])
        self.assertEqual(round(lightning.parameters.total / 1e9, 2), 31.58)

    def test_qwen35_gated_deltanet_moe_and_its_vision_tower(self):
        qwen = model("Qwen--Qwen3.5-397B-A17B_config.json")
        self.assertEqual([(g.kind, g.count) for g in qwen.layer_groups],
                         [("full_attention", 15), ("linear_attention", 45)])
        self.assertEqual((round(qwen.parameters.total / 1e9, 1), round(qwen.parameters.vision_encoder / 1e9, 2)),
                         (396.8, 0.46))
        # Qwen3-VL-8B: 8.19B of text and the 0.58B tower with its three deepstack mergers (card 8.77B).
        self.assertEqual(round(model("Qwen--Qwen3-VL-8B-Instruct_config.json").parameters.total / 1e9, 2), 8.77)

    def test_gemma4_moe_beside_the_dense_mlp(self):
        gemma = model("google--gemma-4-26B-A4B_config.json").parameters
        self.assertEqual(gemma.experts, 30 * 128 * 3 * 2816 * 704)
        self.assertEqual(gemma.inactive_experts, 30 * 120 * 3 * 2816 * 704)
        self.assertEqual(gemma.dense_mlp, 30 * 3 * 2816 * 2112)
        self.assertEqual((round(gemma.total / 1e9, 2), round((gemma.active + gemma.embedding) / 1e9, 2)),
                         (25.23, 3.82))                                    # card: 25.2B / 3.8B


class FamilyCaches(TempDirTest):
    def sized(self, name, *extra):
        return report_for(["--model-config", aiconfigurator(name), "--server", "dgx200", "--concurrency", "10",
                           "--effective-context", "32768", "--kv-precision", "bf16"] + list(extra))

    def test_gemma4_full_layers_have_their_own_heads_and_width(self):
        # Full layers: 2 KV heads of global_head_dim 512 (V cached although it equals K); sliding: 8 of 256.
        # vLLM grows the full layers' block to 32 tokens so that both pages are 131,072 bytes.
        report = self.sized("google--gemma-4-26B-A4B_config.json", "--tensor-parallel", "1", "--kv-accounting", "vllm")
        self.assertEqual(kv_formula(report), "5 × cdiv(32768, 32) × 32 × 2 × 2 × 512 × 2 + 25 × (cdiv(min(1024 - 1 + "
                                             "16384, 32768), 16) + 1) × 16 × 2 × 8 × 256 × 2 = 4239523840 bytes")
        pool = report.kv.pool
        self.assertEqual((pool.page_bytes_gpu, [g.page_scale for g in pool.charged]), (131072, [2, 1]))
        spec = self.sized("google--gemma-4-26B-A4B_config.json", "--tensor-parallel", "1")
        self.assertEqual(results(spec, "minimum")["kv_per_session_bytes"], 5 * 32768 * 4096 + 25 * 1024 * 8192)

    def test_deepseek_sparse_attention_keeps_the_indexer_cache(self):
        # vLLM DeepseekV32IndexerCache: 128 fp8 keys + one fp32 scale = 132 bytes per token per layer beside the
        # latent; quantized, the latent is fp8_ds_mla (656 bytes), replicated on the 8 GPUs.
        v32 = self.sized("deepseek-ai--DeepSeek-V3.2_config.json", "--tensor-parallel", "8", "--kv-precision", "fp8")
        self.assertEqual(kv_formula(v32), "61 × 32768 × (656 + 132) × 8 = 12600737792 bytes")
        # GLM-5.2 builds an indexer in 21 of 78 layers (index_topk_freq 4, index_skip_topk_offset 3); vLLM puts all
        # 78 MLA layers in one group, whose block holds every layer's page.
        glm = self.sized("nvidia--GLM-5.2-NVFP4_config.json", "--tensor-parallel", "8", "--kv-accounting", "vllm")
        self.assertEqual([(g.kind, g.count) for g in glm.model.layer_groups],
                         [("mla_attention", 57), ("sparse_mla_attention", 21)])
        pool = glm.kv.pool
        self.assertTrue(pool.merged)
        self.assertEqual((pool.group_size, pool.bytes_per_block_gpu), (78, 16 * (78 * 1152 + 21 * 132)))

    def test_mimo_v2_hybrid_layer_pattern(self):
        report = self.sized("XiaomiMiMo--MiMo-V2-Flash_config.json", "--tensor-parallel", "1")
        self.assertEqual([(g.kind, g.count) for g in report.model.layer_groups],
                         [("full_attention", 9), ("sliding_attention", 39)])
        self.assertEqual(kv_formula(report), "9 × 32768 × 4 × (192 + 128) × 2 + 39 × min(128, 32768) × 8 × (192 + 128) "
                                             "× 2 = 780533760 bytes")

    def test_llama_nemotron_block_configs(self):
        report = self.sized("nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json", "--tensor-parallel", "8")
        self.assertEqual((report.model.num_key_value_heads, report.model.layer_groups[0].count), (8, 49))
        self.assertEqual(results(report, "minimum")["kv_per_session_bytes"], 2 * 49 * 32768 * 8 * 128 * 2)


class KimiLinear(TempDirTest):
    """vLLM #28228: Kimi-Linear-48B-A3B (AWQ) on 2x RTX 3090 at TP 2, --max-model-len 120000, with 2.30 GiB of KV
    cache per GPU, logged a maximum concurrency of 2.48x."""

    def run_log(self, config, *extra):
        servers = self.write("servers.json", {"rtx3090x2": {"gpus": 2, "hbm_per_gpu_gb": 24}})
        return report_for(["--model-config", config, "--servers-file", servers, "--server", "rtx3090x2",
                           "--tensor-parallel", "2", "--concurrency", "1", "--effective-context", "120000",
                           "--kv-accounting", "vllm", "--kv-cache-memory-bytes", "2469606195", "--kv-precision",
                           "bf16", "--max-num-batched-tokens", "64000", "--max-num-seqs", "8", "--weight-precision",
                           "int4"] + list(extra))

    def test_kda_layers_hold_a_constant_state_and_the_log_concurrency_follows(self):
        config = self.hf_config("Kimi-Linear-48B-A3B-Instruct.json")
        kimi = model(config, folder="")
        self.assertEqual([(g.kind, g.count) for g in kimi.layer_groups],
                         [("mla_attention", 7), ("kimi_delta_attention", 20)])
        self.assertEqual(round(kimi.parameters.total / 1e9, 1), 49.1)      # card: 48B total, 3B activated
        # vLLM kda_state_shape / kda_state_dtype at TP 2: conv 3 x 32 x 128 / 2 channels x 3 in bf16, recurrent
        # 16 heads x 128 x 128 in float32.
        self.assertEqual(kimi.layer_groups[1].state_bytes_gpu(2), 6144 * 3 * 2 + 16 * 128 * 128 * 4)
        for extra, per_request in ((("--enable-prefix-caching",), 124), (("--no-enable-prefix-caching",), 121)):
            with self.subTest(extra=extra):
                figures = results(self.run_log(config, *extra), "minimum")
                # Block 128 x cdiv(1,085,440, 128 x 1152) = 1024 tokens; 7 MLA layers a group: 299 blocks of 7 pages;
                # a request: cdiv(120000, 1024) = 118 MLA blocks + 3 KDA groups x 2 pages (prefix caching) or 1.
                self.assertEqual((figures["vllm_gpu_blocks"], figures["vllm_max_concurrency"]),
                                 (299, Fraction(299, per_request)))
                self.assertLess(abs(figures["vllm_max_concurrency"] / Fraction("2.48") - 1), Fraction(3, 100))
        # Sized as 27 MLA layers, as the tool did before reading linear_attn_config: 0.66x, not 2.48x.
        raw = json.loads(read_fixture("hf-configs", "Kimi-Linear-48B-A3B-Instruct.json"))
        del raw["linear_attn_config"]
        figures = results(self.run_log(self.write("all-mla.json", raw)), "minimum")
        self.assertEqual(round(float(figures["vllm_max_concurrency"]), 2), 0.66)

    def test_malformed_layer_lists_and_unsized_features_are_refused_by_name(self):
        status, _, err = run_cli(["--model-config", self.hf_config("Kimi-Linear-48B-A3B-Instruct.json"), "--server",
                                  "dgx200", "--concurrency", "1", "--effective-context", "4096", "--lang", "en",
                                  "--mamba-ssm-cache-dtype", "float16"])
        self.assertEqual(status, 2)
        self.assertIn("--mamba-ssm-cache-dtype: Kimi Delta Attention (KDA) layers keep their recurrent state in", err)
        raw = json.loads(read_fixture("hf-configs", "Kimi-Linear-48B-A3B-Instruct.json"))
        raw["linear_attn_config"]["kda_layers"] = raw["linear_attn_config"]["kda_layers"][1:]
        gemma = json.loads(read_fixture("hf-configs", os.path.join("aiconfigurator", "google--gemma-4-26B-A4B_config.json")))
        gemma["text_config"]["num_kv_shared_layers"] = 10
        for config, field in ((raw, "linear_attn_config"), (gemma, "num_kv_shared_layers"),
                              ({"model_type": "minimax_m2", "num_hidden_layers": 2, "num_attention_heads": 8,
                                "max_position_embeddings": 4096, "head_dim": 64, "attn_type_list": [0, 1]},
                               "attn_type_list")):
            with self.subTest(field=field):
                status, _, err = run_cli(["--model-config", self.write("bad.json", config), "--server", "dgx200",
                                          "--concurrency", "1", "--effective-context", "4096", "--lang", "en"])
                self.assertEqual(status, 2)
                self.assertIn("field '%s'" % field, err)


class FamilyFuzz(TempDirTest):
    # The fields each family reads, as (config, path to the field): every one set to a value of each JSON type
    # is read or refused with an InputError, never an exception.
    FIELDS = (("moonshotai--Kimi-K3_config.json", ("text_config", "moe_intermediate_size")),
              ("moonshotai--Kimi-K3_config.json", ("text_config", "linear_attn_config", "kda_layers")),
              ("moonshotai--Kimi-K3_config.json", ("text_config", "linear_attn_config", "num_heads")),
              ("moonshotai--Kimi-K3_config.json", ("text_config", "routed_expert_hidden_size")),
              ("moonshotai--Kimi-K3_config.json", ("text_config", "num_shared_experts")),
              ("Qwen--Qwen3.5-397B-A17B_config.json", ("text_config", "mlp_only_layers")),
              ("Qwen--Qwen3.5-397B-A17B_config.json", ("vision_config", "depth")),
              ("nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16_config.json", ("layers_block_type",)),
              ("nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16_config.json", ("moe_latent_size",)),
              ("nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json", ("block_configs", 0, "attention", "n_heads_in_group")),
              ("nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json", ("block_configs", 0, "ffn", "ffn_mult")),
              ("nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json", ("block_configs",)),
              ("google--gemma-4-26B-A4B_config.json", ("text_config", "intermediate_size")),
              ("google--gemma-4-26B-A4B_config.json", ("text_config", "num_global_key_value_heads")),
              ("XiaomiMiMo--MiMo-V2-Flash_config.json", ("intermediate_size",)),
              ("XiaomiMiMo--MiMo-V2-Flash_config.json", ("hybrid_layer_pattern",)),
              ("XiaomiMiMo--MiMo-V2-Flash_config.json", ("moe_layer_freq",)),
              ("zai-org--GLM-5.2_config.json", ("index_topk_pattern",)),
              ("zai-org--GLM-5.2_config.json", ("index_topk_freq",)),
              ("meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json", ("text_config", "interleave_moe_layer_step")))
    VALUES = (None, [[1]], "x", 0, {"a": 1})

    def test_mutated_family_fields_are_read_or_refused_never_an_exception(self):
        for name, field in self.FIELDS:
            original = json.loads(read_fixture("hf-configs", "aiconfigurator", name))
            for value in self.VALUES:
                config = copy.deepcopy(original)
                target = config
                for key in field[:-1]:
                    target = target[key]
                target[field[-1]] = value
                with self.subTest(config=name, field=field, value=value):
                    self.write("fuzz.json", json.dumps(config))
                    try:
                        model("fuzz.json", folder=self.tmp)
                    except InputError as error:
                        self.assertIn("'", say(error.text, "en"))
