"""Engines other than vLLM, and each engine's memory."""

from fractions import Fraction

from sizer.display import _fixed
from sizer.i18n import say
from sizer.vocab import GIB_BYTES
from tests.support import (F, GIB, NEGATIVE_NUMBER, QUICK_START, TempDirTest, codes, report_for, results,
                           run_cli, run_json)


class OtherEngines(TempDirTest):
    """--kv-accounting sglang and trtllm: each engine's own pool, checked against its published logs."""

    def test_sglang_reproduces_a_published_token_pool(self):
        # vllm-project/vllm issue #21348: Qwen3-235B-A22B-FP8 on 4x H100 (TP 4), SGLang printed
        # "KV Cache is allocated. #tokens: 367404, K size: 8.23 GB, V size: 8.23 GB". Its cell is one
        # token of 94 layers with 1 KV head of 128 per GPU in bf16: 94 x (128 + 128) x 2 = 48,128 bytes.
        cell = 94 * (128 + 128) * 2
        args = ["--model", "Qwen3-235B-A22B", "--server", "dgxh100", "--tensor-parallel", "4", "--weight-precision",
                "fp8", "--kv-precision", "bf16", "--kv-accounting", "sglang", "--concurrency", "10",
                "--effective-context", "32768"]
        for extra in (0, cell - 1):
            with self.subTest(extra=extra):
                report = report_for(args + ["--kv-cache-memory-bytes", str(367404 * cell + extra)])
                values = results(report, "minimum")
                self.assertEqual(values["engine_pool_tokens"], 367404)
                # Two TP-4 instances per node, floor(367,404 / 32,768) = 11 sessions each.
                self.assertEqual(values["sessions_per_node"], 2 * 11)
        # The log's K and V sizes are GiB (printed as "GB") of that same cell: 367,404 x 94 x 128 x 2 bytes.
        self.assertEqual(_fixed(Fraction(367404 * 94 * 128 * 2, GIB_BYTES), 2), "8.23")
        inputs = dict([f for f in report.scenario("minimum").figures if f.key == "engine_pool_tokens"][0].inputs)
        self.assertEqual(inputs["bytes_per_token_gpu"], cell)

    def test_sglang_splits_a_hybrid_swa_model_into_two_pools(self):
        # Gemma-3-27B on TP 8: 10 full + 52 sliding layers, 2 x 1 KV head x 128 x fp8 = 512 bytes per
        # layer and token, so F = 5,120 and S = 26,624. set_num_tokens_hybrid_swa: full = int(total x
        # (F + S) / (F + 0.8 S)), swa = int(0.8 full); a session takes 32,768 full and 1,024 SWA tokens.
        report = report_for(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500",
                             "--effective-context", "32768", "--kv-accounting", "sglang"])
        values = results(report, "minimum")
        per_gpu = values["kv_budget_gib"] * GIB_BYTES / 8
        total = int(per_gpu) // (5120 + 26624)
        full = int(Fraction(total * (5120 + 26624)) / (5120 + Fraction(4, 5) * 26624))
        self.assertEqual((values["engine_pool_tokens"], values["engine_swa_tokens"]), (full, int(full * Fraction(4, 5))))
        self.assertEqual((full, int(full * Fraction(4, 5))), (3309173, 2647338))
        self.assertEqual(values["sessions_per_node"], min(3309173 // 32768, 2647338 // 1024))
        self.assertEqual(values["sessions_per_node"], 100)
        # A smaller ratio moves memory to the full pool: at 1/32, both pools hold about as many sessions.
        balanced = results(report_for(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500",
                                       "--effective-context", "32768", "--kv-accounting", "sglang",
                                       "--swa-full-tokens-ratio", "0.03125"]), "minimum")
        self.assertEqual(balanced["sessions_per_node"], 448)
        self.assertIn("swa_pools_unbalanced", codes(report))
        alert = [a for a in report.alerts if a.code == "swa_pools_unbalanced"][0]
        self.assertIn("the full pool holds 100 sessions per instance and the SWA pool 2585: the ratio 0.03125",
                      say(alert.message, "en"))

    def test_sglang_pages_align_the_pool_and_the_requests(self):
        base = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--tensor-parallel", "1", "--concurrency", "10",
                "--effective-context", "1000", "--kv-accounting", "sglang", "--kv-cache-memory-bytes",
                str(65536 * 100000 + 65535)]
        # Llama-3.1-8B in fp8: 2 x 8 x 128 x 32 layers = 65,536 bytes per token; 100,000 tokens fit.
        one = results(report_for(base), "minimum")
        self.assertEqual((one["engine_pool_tokens"], one["sessions_per_node"]), (100000, 8 * (100000 // 1000)))
        paged = results(report_for(base + ["--page-size", "64"]), "minimum")
        # Pages of 64: 99,968 tokens; a request of 1,000 tokens takes 16 pages (1,024 tokens).
        self.assertEqual((paged["engine_pool_tokens"], paged["sessions_per_node"]), (99968, 8 * (99968 // 1024)))

    def test_trtllm_rounds_its_pool_up_to_whole_blocks(self):
        # calculate_max_num_blocks: blocks = ceil(max_tokens / tokens_per_block), which the maintainers
        # confirm in NVIDIA/TensorRT-LLM issue #224 ("rounded up to the next multiple of block size").
        args = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--tensor-parallel", "1", "--concurrency", "10",
                "--effective-context", "8192", "--kv-accounting", "trtllm", "--kv-cache-memory-bytes",
                str(65536 * 32 * 1000 + 1)]
        values = results(report_for(args), "minimum")
        self.assertEqual(values["engine_pool_tokens"], 1001 * 32)
        self.assertEqual(values["sessions_per_node"], 8 * (1001 // 256))

    def test_trtllm_blocks_per_request_match_a_published_log(self):
        # triton-inference-server/tutorials PR #150: "Max KV cache blocks per sequence: 65 [window
        # size=2051], tokens per block=32"; cdiv(2051, 32) = 65 blocks of 32 tokens.
        report = report_for(["--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency", "10",
                             "--effective-context", "2051", "--kv-accounting", "trtllm"])
        self.assertEqual(report.kv.pool.request_full_tokens, 65 * 32)

    def test_trtllm_keeps_the_whole_context_in_sliding_layers(self):
        args = ["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500", "--effective-context",
                "32768", "--kv-accounting"]
        trtllm, spec = report_for(args + ["trtllm"]), report_for(args + ["spec"])
        # Every one of the 62 layers keeps 32,768 tokens (no max_attention_window); the guide's formula
        # charges the 52 sliding ones their 1,024-token window.
        per_layer_token = 2 * 16 * 128
        self.assertEqual(trtllm.kv.bytes, 62 * 32768 * per_layer_token)
        self.assertEqual(spec.kv.bytes, (10 * 32768 + 52 * 1024) * per_layer_token)
        self.assertIn("TensorRT-LLM", say(trtllm.kv.figures[0].label, "en"))

    def test_calibration_from_a_published_sglang_log(self):
        # vllm-project/vllm issue #21348: the launch command and the KV line of an SGLang run of
        # Qwen3-235B-A22B-FP8 on 4x H100 (TP 4, KV in the model dtype).
        log = self.write("sglang.log", "python3 -m sglang.launch_server --model /path/to/Qwen3-235B-A22B-FP8 --tp 4 "
                                       "--trust-remote-code --host 0.0.0.0 --port 8000 --mem-fraction-static 0.93\n"
                                       "KV Cache is allocated. #tokens: 367404, K size: 8.23 GB, V size: 8.23 GB\n")
        document = run_json(["--model", "Qwen3-235B-A22B", "--server", "dgxh100", "--weight-precision", "fp8",
                             "--concurrency", "10", "--effective-context", "32768", "--calibrate-from", log])
        inputs = document["inputs"]
        self.assertEqual((inputs["kv_accounting"], inputs["tensor_parallel"], inputs["kv_precision"]),
                         ("sglang", 4, "bf16"))
        values = document["scenarios"]["minimum"]["results"]
        # 367,404 tokens x 48,128 bytes per token per GPU; the pool it rebuilds is the log's to the token.
        self.assertEqual(values["kv_cache_memory_gib"], 367404 * 48128 * 8 / GIB_BYTES)
        self.assertEqual(values["engine_pool_tokens"], 367404)
        # The log's K + V (16.46 "GB", GiB in fact) is that memory to the rounding of its two decimals.
        self.assertLess(abs(values["calibration_memory_gap_percent"]), 0.1)
        self.assertNotIn("calibration_gap", [a["code"] for a in document["alerts"]])

    def test_calibration_from_an_sglang_swa_log(self):
        # SGLang's hybrid SWA line gives both pools; their memory at Gemma-3-27B's bytes per token (TP 8, fp8:
        # 5,120 for the 10 full layers, 26,624 for the 52 sliding ones) rebuilds them within rounding.
        line = "Use sliding window memory pool. full_layer_tokens=3309173, swa_layer_tokens=2647338\n"
        log = self.write("gemma.log", "model_path='google/gemma-3-27b-it', tp_size=8, kv_cache_dtype='fp8_e4m3'\n"
                         + line)
        document = run_json(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500",
                             "--effective-context", "32768", "--calibrate-from", log])
        values = document["scenarios"]["minimum"]["results"]
        self.assertEqual(values["kv_cache_memory_gib"], (3309173 * 5120 + 2647338 * 26624) * 8 / GIB_BYTES)
        self.assertLessEqual(abs(values["engine_pool_tokens"] - 3309173), 2)
        self.assertLessEqual(abs(values["engine_swa_tokens"] - 2647338), 2)
        self.assertEqual(values["sessions_per_node"], 100)
        self.assertNotIn("calibration_exceeds_hbm", [a["code"] for a in document["alerts"]])
        # The same log read with the model's own dtype (bf16) would need twice that memory: more than a GPU
        # holds, so it is refused (issue 18, item 1) rather than sized.
        bf16 = self.write("gemma16.log", "model_path='google/gemma-3-27b-it', tp_size=8\n" + line)
        status, out, err = run_cli(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500",
                                    "--effective-context", "32768", "--calibrate-from", bf16, "--lang", "en"])
        self.assertEqual((status, out), (2, ""), err)
        self.assertIn("162.84 GiB per GPU", err)
        self.assertIn("more than a GPU of dgx200 holds (139.80 GiB)", err)

    def test_sglang_all_windowed_layers_have_one_pool(self):
        # Mistral-7B-v0.1 slides a 4096-token window on every layer: SGLang keeps only its SWA pool.
        report = report_for(["--model-config", self.hf_config("Mistral-7B-v0.1.json"), "--server", "dgx200",
                             "--concurrency", "100", "--effective-context", "32768", "--kv-accounting", "sglang",
                             "--tensor-parallel", "1"])
        values = results(report, "minimum")
        per_gpu = values["kv_budget_gib"] * GIB_BYTES / 8
        cell = 32 * 2 * 8 * 128          # 32 layers, K and V, 8 KV heads of 128, fp8
        self.assertEqual(values["engine_pool_tokens"], int(per_gpu) // cell)
        self.assertIsNone(values.get("engine_swa_tokens"))
        self.assertEqual(values["sessions_per_node"], 8 * (int(per_gpu) // cell // 4096))
        # The text report names the basis and its page.
        _, text, _ = run_cli(["--model-config", self.hf_config("Mistral-7B-v0.1.json"), "--server", "dgx200",
                              "--concurrency", "100", "--effective-context", "32768", "--kv-accounting", "sglang",
                              "--lang", "en"])
        self.assertIn("sglang (token pool, pages of 1 token(s), swa_full_tokens_ratio 0.8)", text)

    def test_calibration_from_a_trtllm_log(self):
        # The KVCacheManager lines in their published format (triton-inference-server/tutorials PR #150),
        # for a Llama-3.1-8B run at TP 1 with the KV in the model dtype (a log that names no KV dtype):
        # 2 x 8 x 128 x 32 layers x 2 bytes = 131,072 bytes per token; 12,000 blocks are 46.88 GiB per GPU.
        blocks = 12000
        log = self.write("trtllm.log",
                         "[TensorRT-LLM][INFO] Max KV cache blocks per sequence: 256 [window size=8192], tokens per "
                         "block=32, primary blocks=%d, secondary blocks=0\n"
                         "[TensorRT-LLM][INFO] Number of tokens per block: 32.\n"
                         "[TensorRT-LLM][INFO] [MemUsageChange] Allocated %s GiB for max tokens in paged KV cache "
                         "(%d).\n" % (blocks, _fixed(Fraction(blocks * 32 * 131072, GIB_BYTES), 2),
                                       blocks * 32))
        document = run_json(["--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency", "10",
                             "--effective-context", "8192", "--calibrate-from", log])
        self.assertEqual((document["inputs"]["kv_accounting"], document["inputs"]["kv_precision"]), ("trtllm", "bf16"))
        values = document["scenarios"]["minimum"]["results"]
        self.assertEqual(values["kv_cache_memory_gib"], blocks * 32 * 131072 * 8 / GIB_BYTES)
        self.assertEqual(values["engine_pool_tokens"], blocks * 32)
        # Eight TP-1 instances, floor(12,000 / 256) = 46 sessions each.
        self.assertEqual(values["sessions_per_node"], 8 * (blocks // 256))
        self.assertLess(abs(values["calibration_memory_gap_percent"]), 0.1)
        empty = self.write("empty.log", "[TensorRT-LLM][INFO] Engine version 0.21.0 found\n")
        status, _, err = run_cli(["--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency", "10",
                                  "--effective-context", "8192", "--calibrate-from", empty, "--lang", "en"])
        self.assertEqual(status, 2)
        self.assertIn("is a TensorRT-LLM log without its KV pool line", err)

    def test_state_layers_are_refused_on_the_token_pool_engines(self):
        path = self.hf_config("Qwen3-Next-80B-A3B-Thinking.json")
        for basis, engine in (("sglang", "SGLang"), ("trtllm", "TensorRT-LLM")):
            with self.subTest(basis=basis):
                status, out, err = run_cli(["--model-config", path, "--server", "dgx200", "--concurrency", "10",
                                            "--effective-context", "8192", "--kv-accounting", basis])
                self.assertEqual((status, out), (2, ""))
                self.assertRegex(err, r"^sizing: error: --kv-accounting: .*%s.*Qwen3-Next" % engine)
                self.assertEqual(err.count("\n"), 1)

    def test_the_other_basis_line_names_the_engine(self):
        _, out, _ = run_cli(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500",
                             "--effective-context", "32768", "--kv-accounting", "trtllm", "--summary-only",
                             "--lang", "en"])
        self.assertIn("RECOMMENDED 3 by the guide's formula (spec), 9 by TensorRT-LLM;", out)


class EngineMemory(TempDirTest):
    """The engine's own memory figures instead of the guide's overhead and budget (issue 10, part)."""

    def test_kv_cache_memory_bytes_reproduce_a_log_line(self):
        # gpt-oss-120b on 8x H200, vLLM 0.22.1: 428,888 blocks of 294,912 bytes per GPU (18 layers x 64 tokens
        # x 1 KV head x 64 x 2 x 2 bytes) = 126,484,217,856 bytes of KV per GPU, 196.83x.
        self.assertEqual(428888 * 18 * 64 * 64 * 2 * 2, 126484217856)
        report = report_for(["--model", "gpt-oss-120b", "--server", "dgx200", "--concurrency", "100",
                             "--effective-context", "131072", "--kv-precision", "bf16", "--block-size", "64",
                             "--kv-accounting", "vllm", "--vllm-version", "0.22",
                             "--kv-cache-memory-bytes", "126484217856"])
        for key in ("minimum", "recommended", "ideal"):
            with self.subTest(scenario=key):
                values = results(report, key)
                self.assertEqual((values["vllm_gpu_blocks"], values["sessions_per_node"]), (428888, 196))
                self.assertEqual(_fixed(values["vllm_max_concurrency"], 2), "196.83")
        self.assertEqual(results(report, "ideal")["kv_budget_gib"], results(report, "minimum")["kv_budget_gib"])

    def test_gpu_memory_utilization_matches_vllms_own_profile(self):
        # vLLM PR #10511, Meta-Llama-3-8B on an H100: total 79.22 GiB x 0.90 = 71.29 GiB; weights 14.96 GiB,
        # non-torch 1.79 GiB, activation peak 1.26 GiB -> 53.29 GiB of KV cache (max_num_seqs 256).
        visible = int(F("79.22") * GIB)
        servers = self.write("servers.json", {"h100-log": {"gpus": 1, "hbm_per_gpu_gb": 85.06,
                                                           "cuda_visible_bytes_per_gpu": visible}})
        report = report_for(["--model-config", self.hf_config("Llama-3.1-8B-Instruct.json"), "--server", "h100-log",
                             "--servers-file", servers, "--concurrency", "10", "--effective-context", "8192",
                             "--max-num-seqs", "256", "--gpu-memory-utilization", "0.9"])
        engine = results(report, "minimum")["kv_cache_memory_gib"]
        self.assertLess(abs(engine - F("53.29")) / F("53.29"), Fraction(1, 100), float(engine))

    def test_an_engine_without_memory_for_kv_is_infeasible(self):
        status, out, _ = run_cli(["--model", "Llama-3.1-70B", "--server", "dgxh100", "--concurrency", "100",
                                  "--effective-context", "8192", "--tensor-parallel", "2",
                                  "--gpu-memory-utilization", "0.2"])
        self.assertEqual(status, 1)
        self.assertIn("engine_no_memory", out)
        self.assertIsNone(NEGATIVE_NUMBER.search(out[:out.index("\n{")]))
        self.assertIn("--gpu-memory-utilization", run_cli(QUICK_START + ["--gpu-memory-utilization", "1.5"])[2])
        self.assertEqual(run_cli(QUICK_START + ["--gpu-memory-utilization", "0.9", "--kv-cache-memory-bytes",
                                                "1000"])[0], 2)


class EngineRegistryReachesTheWords(TempDirTest):
    def test_help_and_the_search_note_list_every_registered_engine(self):
        from sizer.engines.registry import ENGINES
        from sizer.i18n import say
        from sizer.vocab import LANGUAGES, T
        for lang in LANGUAGES:
            status, out, _ = run_cli(["--help", "--lang", lang])
            flat = " ".join(out.split())                 # argparse wraps the help at the terminal's width
            for code, engine in ENGINES.items():
                with self.subTest(lang=lang, engine=code):
                    self.assertEqual(status, 0)
                    self.assertIn(" ".join(say(T(engine.help_id), lang).split()), flat)
                    self.assertIn(lang, flat.replace("- ", "-"))     # --lang lists the languages (wrapped at a hyphen)
