"""Engine commands (--commands): every emitted flag exists in the parser of the release it is written
for (tests/fixtures/engine-flags, read from the engines' own parsers), flag by flag, over several
layouts; the worked examples' exact lines; the JSON keys; and what has no command."""

import json
import shlex
import unittest

from tests.support import GIB, QUICK_START, fixture_path, read_fixture, report_for, results, run_cli, run_json
from sizer.compute.commands import TRTLLM_OPTIONS_FILE, engine_commands
from sizer.i18n import say

DEEPSEEK_CONFIG = fixture_path("hf-configs", "DeepSeek-V3.json")
LLAMA_70B_TP4 = ["--model", "Llama-3.1-70B", "--server", "dgxh100", "--tensor-parallel", "4", "--kv-precision", "fp8",
                 "--concurrency", "800", "--effective-context", "32768", "--runtime-overhead-gib", "auto"]
DEEPSEEK_DPA = ["--model", "DeepSeek-V3", "--server", "dgx200", "--data-parallel-attention", "--concurrency", "1000",
                "--effective-context", "32768", "--runtime-overhead-gib", "auto"]
EIGHT_B = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--tensor-parallel", "1", "--concurrency", "100",
           "--effective-context", "8192", "--runtime-overhead-gib", "auto"]
# One layout per feature the commands carry (dense TP, PP, MLA with DP attention, sliding window, KV
# precisions, speculative MTP and EAGLE, the engine's own memory figures, prefix caching and scheduling).
LAYOUTS = {
    "dense TP, fp8 KV": LLAMA_70B_TP4,
    "PP across nodes": ["--model", "Llama-3.1-70B", "--server", "dgxh100", "--tensor-parallel", "8",
                        "--pipeline-parallel", "2", "--concurrency", "800", "--effective-context", "32768",
                        "--runtime-overhead-gib", "auto", "--kv-precision", "bf16"],
    "MLA, DP attention": DEEPSEEK_DPA,
    "sliding window": QUICK_START,
    "sliding window, bf16 KV": ["--model", "Gemma-3-27B", "--server", "dgxh100", "--tensor-parallel", "2",
                                "--concurrency", "100", "--effective-context", "32768", "--kv-precision", "bf16",
                                "--runtime-overhead-gib", "auto", "--weight-precision", "fp8"],
    "MTP, DP attention": ["--model-config", DEEPSEEK_CONFIG, "--server", "dgx200", "--concurrency", "100",
                          "--effective-context", "32768", "--runtime-overhead-gib", "auto", "--speculative", "mtp",
                          "--data-parallel-attention", "--no-enable-prefix-caching"],
    "EAGLE-3": EIGHT_B + ["--speculative", "eagle3",
                "--num-speculative-tokens", "3", "--draft-model", "yuhuili/EAGLE3-LLaMA3.1-Instruct-8B",
                "--enable-prefix-caching", "--no-async-scheduling"],
    "engine memory (utilization)": ["--model", "Qwen3-32B", "--server", "dgxh100", "--tensor-parallel", "2",
                                    "--concurrency", "100", "--effective-context", "32768",
                                    "--gpu-memory-utilization", "0.9", "--async-scheduling"],
    "engine memory (bytes)": ["--model", "Qwen3-32B", "--server", "dgxh100", "--tensor-parallel", "2",
                              "--concurrency", "100", "--effective-context", "32768",
                              "--kv-cache-memory-bytes", "40000000000"],
}
# TensorRT-LLM converts no weights at load time: a 16-bit checkpoint served in fp8 has no command there.
REFUSED = {("sliding window, bf16 KV", "trtllm")}


def flags(name):
    return json.loads(read_fixture("engine-flags", name + ".json"))


def yaml_keys(text):
    """{section: [keys]} and {dotted key: value} of the flat two-level YAML the commands write."""
    sections, values, section = {"": []}, {}, ""
    for line in text.splitlines():
        key, _, value = line.strip().partition(":")
        if not line.startswith(" "):
            section = "" if value.strip() else None
            sections[""].append(key)
            if value.strip() == "":
                section = key
                sections[key] = []
            continue
        sections[section].append(key)
        values[section + "." + key] = value.strip()
    return sections, values


class EmittedFlagsTest(unittest.TestCase):
    """Each flag of each command is one the release's parser defines, with a value exactly when it takes
    one, never deprecated, and its value (dtype, quantization, method) one the release accepts."""

    def check_argv(self, argv, fixture):
        head = fixture["command"]
        self.assertEqual(list(argv[:len(head)]), head)
        rest = list(argv[len(head):])
        if head != ["python", "-m", "sglang.launch_server"]:
            rest = rest[1:]         # the model, positional
        seen = []
        while rest:
            flag = rest.pop(0)
            self.assertTrue(flag.startswith("--"), flag)
            known = fixture["options"].get(flag)
            self.assertTrue(known is not None or flag in fixture["accepted_negations"], flag)
            self.assertNotIn(flag, fixture["deprecated"])
            if known is not None and known["takes_value"]:
                value = rest.pop(0)
                self.assertFalse(value.startswith("--"), (flag, value))
                if flag in fixture["values"]:
                    self.assertIn(value, fixture["values"][flag], flag)
                if flag in fixture["json_keys"]:
                    config = json.loads(value)
                    self.assertLessEqual(set(config), set(fixture["json_keys"][flag]))
                    self.assertIn(config["method"], fixture["json_keys"][flag + ".method"])
            seen.append(flag)
        self.assertEqual(len(seen), len(set(seen)), "a flag given twice")
        return seen

    def check_trtllm_yaml(self, text, fixture):
        sections, values = yaml_keys(text)
        for section, keys in sections.items():
            allowed = fixture["llm_api_keys"].get(section) or fixture["llm_api_keys"].get(
                "%s.%s" % (section, values.get(section + ".decoding_type")))
            self.assertLessEqual(set(keys), set(allowed), section)
        self.assertIn(values["kv_cache_config.dtype"], fixture["values"]["kv_cache_config.dtype"])
        if "speculative_config" in sections:
            self.assertIn(values["speculative_config.decoding_type"],
                          fixture["values"]["speculative_config.decoding_type"])

    def test_every_flag_exists_in_its_release(self):
        fixtures = {code: flags(name) for code, name in (("vllm", "vllm-0.33.0"), ("sglang", "sglang-0.5.23"),
                                                           ("trtllm", "trtllm-main-00209af"))}
        for name, args in LAYOUTS.items():
            commands = engine_commands(report_for(args))
            for command in commands.engines:
                with self.subTest(layout=name, engine=command.release.engine):
                    self.assertEqual(command.refusal is not None, (name, command.release.engine) in REFUSED)
                    if command.refusal is not None:
                        continue
                    self.assertEqual(fixtures[command.release.engine]["release"], command.release.release)
                    self.check_argv(command.args, fixtures[command.release.engine])
                    if command.extra_options_yaml is not None:
                        self.check_trtllm_yaml(command.extra_options_yaml, fixtures["trtllm"])

    def test_calibrated_memory(self):
        # granite.log (vLLM 0.11, TP 1): 463,136 tokens = 28,946 blocks of 40 layers x 16 tokens x 2 x 8 x 64 x 2
        # bytes = 37,940,101,120 bytes per GPU, which SGLang and TensorRT-LLM get as their pool's tokens; the
        # log's vLLM 0.11 has no parser read, so vLLM has no command.
        document = run_json(["--model-config", fixture_path("hf-configs", "granite-4.0-micro.json"), "--server", "dgxh100",
                             "--concurrency", "100", "--effective-context", "8192", "--commands", "--lang", "en",
                             "--calibrate-from", fixture_path("engine-logs", "granite.log")])["commands"]
        self.assertEqual(document["kv_cache_bytes_per_gpu"], 37940101120)
        self.assertEqual((document["vllm"], document["refused"]["vllm"]),
                         (None, "the flags of vLLM 0.11 were not read (read: 0.33.0)"))
        self.check_argv(document["sglang"], flags("sglang-0.5.23"))
        self.check_argv(document["trtllm"]["args"], flags("trtllm-main-00209af"))
        self.check_trtllm_yaml(document["trtllm"]["extra_options_yaml"], flags("trtllm-main-00209af"))
        self.assertIn("--max-total-tokens 463136 ", shlex.join(document["sglang"]))

    def test_the_check_refuses_an_unknown_or_deprecated_flag(self):
        # A test that cannot fail is a defect: the check above sees a flag the release does not have.
        vllm, sglang = flags("vllm-0.33.0"), flags("sglang-0.5.23")
        for argv, fixture in ((["vllm", "serve", "m", "--tensor-parallel", "8"], vllm),
                              (["vllm", "serve", "m", "--kv-cache-dtype", "fp8_e4m3x"], vllm),
                              (["python", "-m", "sglang.launch_server", "--enable-dp-attention"], sglang),
                              (["python", "-m", "sglang.launch_server", "--speculative-algorithm", "MTP"], sglang)):
            with self.subTest(argv=argv):
                with self.assertRaises(AssertionError):
                    self.check_argv(argv, fixture)

    def test_the_fixtures_hold_the_parsers_flags(self):
        # The extraction read the whole parsers: counts as extracted, and the flags the commands use.
        self.assertEqual(len(flags("vllm-0.33.0")["options"]), 411)
        self.assertEqual(len(flags("sglang-0.5.23")["options"]), 560)
        self.assertEqual(len(flags("trtllm-main-00209af")["options"]), 40)
        self.assertIn("--enable-dp-attention", flags("sglang-0.5.23")["deprecated"])


class WorkedExamplesTest(unittest.TestCase):
    """The exact lines of three deployments (the memory per GPU is each RECOMENDADO KV budget over the
    node's 8 GPUs; the token pools are worked out by hand in the comments)."""

    def lines(self, args):
        report = report_for(args)
        commands = engine_commands(report)
        budget = results(report, "recommended")["kv_budget_gib"]
        self.assertEqual(commands.kv_bytes_per_gpu, int(budget * GIB / 8))
        return commands, [shlex.join(c.args) for c in commands.engines]

    def test_quick_start(self):
        # dgx300: (8 x 288e9 - 120 GiB) x 0.7 / 8 = 190325710848 bytes per GPU. gpt-oss-120b, TP 8: one KV
        # head of 64 per GPU in fp8 = 128 bytes per layer and token; 36 layers: 4608 bytes. SGLang: 41303322
        # tokens of all layers, split full : SWA = 1 : 0.8 -> 41303322 x 2 / 1.8 = 45892580 full tokens.
        # TensorRT-LLM: cdiv(190325710848 / 4608, 32) x 32 = 41303328.
        commands, lines = self.lines(QUICK_START)
        self.assertEqual(commands.kv_bytes_per_gpu, 190325710848)
        self.assertEqual(lines, [
            "vllm serve openai/gpt-oss-120b --tensor-parallel-size 8 --pipeline-parallel-size 1 --max-model-len 131072 --kv-cache-memory-bytes 190325710848 --kv-cache-dtype fp8 --block-size 16 --max-num-seqs 1024 --max-num-batched-tokens 8192",
            "python -m sglang.launch_server --model-path openai/gpt-oss-120b --tp-size 8 --pp-size 1 --context-length 131072 --max-total-tokens 45892580 --kv-cache-dtype fp8_e4m3 --page-size 1 --max-running-requests 1024 --chunked-prefill-size 8192 --swa-full-tokens-ratio 0.8",
            "trtllm-serve openai/gpt-oss-120b --tp_size 8 --pp_size 1 --max_seq_len 131072 --max_num_tokens 8192 --max_batch_size 1024 --kv_cache_free_gpu_memory_fraction 0.9 --extra_llm_api_options extra-llm-api-options.yaml"])
        self.assertEqual(commands.engine("trtllm").extra_options_yaml,
                         "enable_attention_dp: false\nkv_cache_config:\n  dtype: fp8\n  tokens_per_block: 32\n"
                         "  free_gpu_memory_fraction: 0.9\n  max_tokens: 41303328\n")

    def test_llama_70b_tp4_fp8_kv(self):
        # Two TP 4 instances per dgxh100 node. Two KV heads of 128 per GPU in fp8 = 512 bytes per layer and
        # token, 80 layers: 40960 bytes. 28428855526 // 40960 = 694063 tokens; cdiv(..., 32) x 32 = 694080.
        commands, lines = self.lines(LLAMA_70B_TP4)
        self.assertEqual((commands.instances_per_node, commands.kv_bytes_per_gpu), (2, 28428855526))
        self.assertEqual(lines, [
            "vllm serve meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 4 --pipeline-parallel-size 1 --max-model-len 32768 --kv-cache-memory-bytes 28428855526 --kv-cache-dtype fp8 --block-size 16 --max-num-seqs 1024 --max-num-batched-tokens 8192",
            "python -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct --tp-size 4 --pp-size 1 --context-length 32768 --max-total-tokens 694063 --kv-cache-dtype fp8_e4m3 --page-size 1 --max-running-requests 1024 --chunked-prefill-size 8192",
            "trtllm-serve meta-llama/Llama-3.1-70B-Instruct --tp_size 4 --pp_size 1 --max_seq_len 32768 --max_num_tokens 8192 --max_batch_size 1024 --kv_cache_free_gpu_memory_fraction 0.9 --extra_llm_api_options extra-llm-api-options.yaml"])

    def test_deepseek_v3_with_data_parallel_attention(self):
        # Each GPU keeps its sessions: vLLM runs 8 DP ranks of TP 1 with the experts over all 8 (EP);
        # SGLang --attn-dp-size 8; TensorRT-LLM enable_attention_dp. The MLA latent of every layer on each
        # GPU: 61 x 576 bytes in fp8 = 35136 per token; 25757103204 // 35136 = 733068; in blocks 733088. Each GPU
        # also keeps every weight but the routed experts whole (DEP), so its KV budget is smaller than at TP 8.
        commands, lines = self.lines(DEEPSEEK_DPA)
        self.assertEqual(lines, [
            "vllm serve deepseek-ai/DeepSeek-V3 --tensor-parallel-size 1 --pipeline-parallel-size 1 --data-parallel-size 8 --enable-expert-parallel --max-model-len 32768 --kv-cache-memory-bytes 25757103204 --kv-cache-dtype fp8 --block-size 16 --max-num-seqs 1024 --max-num-batched-tokens 8192",
            "python -m sglang.launch_server --model-path deepseek-ai/DeepSeek-V3 --tp-size 8 --pp-size 1 --attn-dp-size 8 --ep-size 8 --context-length 32768 --max-total-tokens 733068 --kv-cache-dtype fp8_e4m3 --page-size 1 --max-running-requests 1024 --chunked-prefill-size 8192",
            "trtllm-serve deepseek-ai/DeepSeek-V3 --tp_size 8 --pp_size 1 --ep_size 8 --max_seq_len 32768 --max_num_tokens 8192 --max_batch_size 1024 --kv_cache_free_gpu_memory_fraction 0.9 --extra_llm_api_options extra-llm-api-options.yaml"])
        self.assertIn("enable_attention_dp: true\n", commands.engine("trtllm").extra_options_yaml)

    def test_speculative_and_engine_memory_options(self):
        mtp = engine_commands(report_for(LAYOUTS["MTP, DP attention"]))
        self.assertEqual(mtp.engine("vllm").args[-3:], ("--speculative-config", '{"method":"mtp","num_speculative_tokens":1}',
                                                        "--no-enable-prefix-caching"))
        self.assertTrue(mtp.engine("trtllm").extra_options_yaml.endswith(
            "  enable_block_reuse: false\nspeculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: 1\n"))
        eagle = engine_commands(report_for(LAYOUTS["EAGLE-3"]))
        self.assertIn('{"method":"eagle3","model":"yuhuili/EAGLE3-LLaMA3.1-Instruct-8B","num_speculative_tokens":3}',
                      eagle.engine("vllm").args)
        self.assertEqual(shlex.join(eagle.engine("sglang").args).split(" --max-running-requests")[1].split(" --speculative-algorithm ")[1],
                         "EAGLE3 --speculative-draft-model-path yuhuili/EAGLE3-LLaMA3.1-Instruct-8B --speculative-num-steps 3 --speculative-eagle-topk 1 --speculative-num-draft-tokens 4")
        utilization = engine_commands(report_for(LAYOUTS["engine memory (utilization)"]))
        self.assertIn("--gpu-memory-utilization 0.9 ", shlex.join(utilization.engine("vllm").args))
        self.assertIn("--mem-fraction-static 0.9 ", shlex.join(utilization.engine("sglang").args))
        given = engine_commands(report_for(LAYOUTS["engine memory (bytes)"]))
        self.assertIn("--kv-cache-memory-bytes 40000000000 ", shlex.join(given.engine("vllm").args))


class RefusalsTest(unittest.TestCase):
    """What no command can run is said by name, engine by engine."""

    def refusals(self, args):
        return {c.release.engine: (None if c.refusal is None else say(c.refusal, "en"))
                for c in engine_commands(report_for(args)).engines}

    def test_what_has_no_command(self):
        cases = (
            (QUICK_START + ["--vllm-version", "0.20"], "vllm", "the flags of vLLM 0.20 were not read (read: 0.33.0)"),
            (QUICK_START + ["--kv-precision", "int8"], "sglang", "SGLang has no KV-cache dtype for int8"),
            (LLAMA_70B_TP4 + ["--weight-precision", "int4"], "vllm", "vLLM converts no weights to int4 at load time"),
            (LLAMA_70B_TP4 + ["--weight-precision", "fp8"], "trtllm", "TensorRT-LLM converts no weights to fp8"),
            (EIGHT_B + ["--speculative", "eagle"], "trtllm", "does not offer the speculative method eagle"),
            (EIGHT_B + ["--speculative", "eagle"], "vllm", "eagle needs its drafter: give --draft-model"),
            (LLAMA_70B_TP4[:-2], "vllm", "RECOMMENDED has no feasible deployment"),
        )
        for args, engine, reason in cases:
            with self.subTest(reason=reason):
                self.assertIn(reason, self.refusals(args)[engine] or "")

    def test_bad_combinations_are_input_errors(self):
        for args, message in ((QUICK_START + ["--draft-model", "x/y"], "--draft-model"),
                              (QUICK_START + ["--commands", "--solve", "concurrency", "--nodes", "3"], "--solve"),
                              (QUICK_START + ["--commands", "--tensor-parallel", "4,8"], "--commands")):
            with self.subTest(args=args[len(QUICK_START):]):
                status, _, err = run_cli(args)
                self.assertEqual(status, 2)
                self.assertIn(message, err)


class OutputsTest(unittest.TestCase):
    def test_json_has_commands_only_when_asked(self):
        self.assertNotIn("commands", run_json(QUICK_START))
        document = run_json(QUICK_START + ["--commands", "--lang", "en"])["commands"]
        self.assertEqual(set(document), {"scenario", "instances_per_node", "nodes_per_instance", "kv_cache_bytes_per_gpu",
                                         "releases", "vllm", "sglang", "trtllm", "refused"})
        self.assertEqual(document["releases"], {"vllm": "0.33.0", "sglang": "0.5.23", "trtllm": "main@00209af"})
        self.assertEqual(document["vllm"][:3], ["vllm", "serve", "openai/gpt-oss-120b"])
        self.assertEqual(document["trtllm"]["args"][-1], TRTLLM_OPTIONS_FILE)
        self.assertIn("max_tokens: 41303328", document["trtllm"]["extra_options_yaml"])
        refused = run_json(QUICK_START + ["--commands", "--lang", "en", "--kv-precision", "int8"])["commands"]
        self.assertEqual((refused["sglang"], refused["refused"]["sglang"]), (None, "SGLang has no KV-cache dtype for int8"))

    def test_text_and_markdown_print_the_lines_shell_quoted(self):
        args = LAYOUTS["MTP, DP attention"] + ["--commands", "--lang", "en"]
        quoted = "--speculative-config '{\"method\":\"mtp\",\"num_speculative_tokens\":1}'"
        text = run_cli(args)[1]
        self.assertIn("ENGINE COMMANDS (RECOMMENDED)", text)
        self.assertIn(quoted, text)
        markdown = run_cli(args + ["--markdown-only"])[1]
        self.assertIn("## Engine commands (RECOMMENDED)", markdown)
        self.assertIn("```yaml\nenable_attention_dp: true\n", markdown)
        self.assertIn(quoted, markdown)
        self.assertIn("COMANDOS DOS ENGINES", run_cli(args[:-2] + ["--summary-only"])[1])


if __name__ == "__main__":
    unittest.main()
