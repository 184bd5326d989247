"""The tool's vLLM basis against vLLM 0.33.0's own KV-cache planner (issue 23, item 4).

The cases in fixtures/vllm_oracle/cases.json were made by tools/vllm_oracle.py in a venv with
vLLM 0.33.0 (see fixtures/vllm_oracle/SOURCES.md); this module needs none of that: it runs the
tool in-process, offline, and compares its GPU blocks and maximum concurrency with vLLM's, exactly,
and checks that it refuses, with vLLM's rule, every case vLLM refuses.
"""

import json
import os
import unittest
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "fixtures", "vllm_oracle", "cases.json")
REFUSALS_IMPLEMENTED = True

# What vLLM raised (its file:line, or its message) -> the tool's message id and, for the model files'
# asserts, the rule the tool must name.
VLLM_ASSERTS = {
    "rule.vllm_tp_heads": ("llama.py:145", "gemma3.py:115", "llama4.py:189", "qwen3_next.py:296", "nemotron_h.py:440",
                           "deepseek_v2.py:484"),
    "rule.vllm_tp_kv_split": ("llama.py:151", "gemma3.py:121", "llama4.py:195", "qwen3_next.py:302", "nemotron_h.py:446"),
    "rule.vllm_tp_kv_replicate": ("llama.py:155", "gemma3.py:125", "llama4.py:199", "qwen3_next.py:306",
                                  "nemotron_h.py:450"),
    "rule.vllm_mamba_heads": ("mamba_mixer2.py:316",), "rule.vllm_mamba_groups": ("mamba_mixer2.py:320",),
    "rule.vllm_gdn_heads": ("qwen_gdn_linear_attn.py:651",), "rule.vllm_state_split": ("mamba_utils.py",),
}
VLLM_MESSAGES = {"Failed to promote local KV cache specs": "err.vllm_unify",
                 "Async scheduling is not supported by the V1 model runner": "err.async_speculative",
                 "cannot express this model's mixed page sizes ([])": "err.vllm_empty_stage",
                 "To serve at least one request with the model's max seq len": "vllm_would_not_start"}

_TOOL = {}


def _tool():
    """The parser, and the catalog's server and storage with the roofline's facts left out (the KV pool
    does not read them; without them no performance figure is computed)."""
    if not _TOOL:
        from sizer.cli.options import options_from_args
        from sizer.cli.parser import build_parser
        from sizer.model.catalog import load_inputs
        from sizer.frozen import replace
        parser = build_parser()
        base = options_from_args(parser.parse_args(["--model", "opt-oss-120b", "--server", "dgxh100",
                                                    "--concurrency", "1", "--effective-context", "1"]))
        _, server, storage = load_inputs(base)
        _TOOL.update(parser=parser, storage=storage,
                     server=replace(server, hbm_bandwidth_tb_s=None, bf16_dense_tflops=None, fp8_dense_tflops=None))
    return _TOOL


def tool_vllm_figures(case):
    """The tool's (vllm_gpu_blocks, vllm_max_concurrency) for one case, or the exception it raised.

    The only place that touches the tool's internals (the parser, model_from_config, build_report).
    """
    from sizer.cli.options import options_from_args
    from sizer.compute.report import build_report
    from sizer.model.config import model_from_config
    from sizer.numbers import InputError
    from sizer.frozen import replace
    tool = _tool()
    argv = ["--model-config", case["id"], "--server", case["server"], "--concurrency", "1", "--json-only"]
    try:
        options = options_from_args(tool["parser"].parse_args(argv + list(case["args"])))
        model = model_from_config(case["id"], case["config"], case["id"] + ".json")
        assert tool["server"].name == case["server"]
        # vLLM's figures only: no hints about other layouts, no decode or cost figures.
        options = replace(options, layout_hints=False, scenario_performance=False)
        report = build_report(options, model, tool["server"], tool["storage"])
    except InputError as error:
        return error
    result = report.scenario("recommended")
    if result.capacity.vllm_refusal is not None:
        return RuntimeError("vllm_would_not_start", result.capacity.vllm_refusal)
    return result.value("vllm_gpu_blocks"), result.value("vllm_max_concurrency")


def load_cases():
    with open(CASES) as handle:
        return json.load(handle)["cases"]


def expected_refusal(refused):
    """(the tool's message id, the rule id it must name or None) for vLLM's refusal."""
    for rule, places in VLLM_ASSERTS.items():
        if refused["type"] == "AssertionError" and any(place in refused["where"] for place in places):
            return "err.vllm_tp_layout", rule
    for fragment, message_id in VLLM_MESSAGES.items():
        if fragment in refused["message"]:
            return message_id, None
    raise AssertionError("a vLLM refusal the test does not know: %r" % (refused,))


class VllmOracle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cases = load_cases()

    def test_blocks_and_concurrency_equal_vllm(self):
        accepted = [c for c in self.cases if "refused" not in c["vllm"]]
        self.assertGreaterEqual(len(accepted), 500)
        for case in accepted:
            with self.subTest(case=case["id"]):
                got = tool_vllm_figures(case)
                self.assertNotIsInstance(got, Exception, "the tool refused what vLLM accepts: %r" % (got,))
                blocks, concurrency = got
                vllm = case["vllm"]
                self.assertEqual(blocks, vllm["num_gpu_blocks"])
                # vLLM prints blocks / blocks-per-request as a float; the tool keeps the Fraction.
                num, den = vllm["max_concurrency_fraction"]
                self.assertEqual(concurrency, Fraction(num, den))
                self.assertEqual(float(concurrency), vllm["max_concurrency"])

    def test_the_cases_cover_what_the_issue_asks(self):
        # Dense, sliding, chunked (with and without the hybrid manager), MLA, Mamba2 and GDN with prefix caching
        # on and off, pipeline stages, block sizes, sync/async, draft layers and none: each among vLLM's accepted.
        accepted = [c for c in self.cases if "refused" not in c["vllm"]]
        seen = set()
        for case in accepted:
            args = case["args"]
            option = dict(zip(args, args[1:]))
            seen.update({case["family"], "pp%s" % option["--pipeline-parallel"], "block%s" % option["--block-size"],
                         option.get("--speculative", "no-speculation")})
            seen.update(flag for flag in args if flag.startswith("--"))
            if case["family"] in ("nemotron_h", "qwen3_next"):
                seen.add(case["family"] + ("-align" if "--enable-prefix-caching" in args else "-none"))
        for wanted in ("llama", "mistral", "gemma3", "llama4", "deepseek", "nemotron_h", "qwen3_next", "pp1", "pp2",
                       "pp4", "block16", "block48", "nemotron_h-align", "nemotron_h-none", "qwen3_next-align",
                       "qwen3_next-none", "eagle", "mtp", "ngram", "suffix", "--async-scheduling",
                       "--no-async-scheduling", "--disable-hybrid-kv-cache-manager",
                       "--allow-chunked-local-attn-with-hybrid-kv-cache"):
            self.assertIn(wanted, seen)

    @unittest.skipUnless(REFUSALS_IMPLEMENTED, "the tool does not refuse every configuration vLLM 0.33 refuses yet")
    def test_tool_refuses_what_vllm_refuses(self):
        refused = [c for c in self.cases if "refused" in c["vllm"]]
        self.assertGreater(len(refused), 100)
        for case in refused:
            with self.subTest(case=case["id"], vllm=case["vllm"]["refused"]["message"][:80]):
                message_id, rule = expected_refusal(case["vllm"]["refused"])
                got = tool_vllm_figures(case)
                self.assertIsInstance(got, Exception)
                if message_id == "vllm_would_not_start":
                    self.assertEqual(got.args[0], message_id)
                    continue
                self.assertEqual(got.text.id, message_id)
                if rule is not None:
                    rules = dict(got.text.params)["rules"].items
                    self.assertIn(rule, [r.id for r in rules])


if __name__ == "__main__":
    unittest.main()
