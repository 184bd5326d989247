"""The tool's vLLM basis against vLLM 0.33.0's own KV-cache planner (issue 23, item 4).

The cases in fixtures/vllm_oracle/cases.json were made by tools/vllm_oracle.py in a venv with
vLLM 0.33.0 (see fixtures/vllm_oracle/SOURCES.md); this module needs none of that: it runs the
tool in-process, offline, and compares its GPU blocks and maximum concurrency with vLLM's, exactly.
"""

import json
import os
import sys
import tempfile
import unittest
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASES = os.path.join(HERE, "fixtures", "vllm_oracle", "cases.json")
# The tool does not refuse every configuration vLLM refuses yet; flip when it does.
REFUSALS_IMPLEMENTED = False

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


_PARSER = {}


def tool_vllm_figures(config_path, args, server):
    """The tool's (vllm_gpu_blocks, vllm_max_concurrency) for one case, or the exception it raised.

    The only place that touches the tool's internals: repoint it after the package refactor.
    """
    from sizer.cli.options import options_from_args
    from sizer.cli.parser import build_parser
    from sizer.compute.report import build_report
    from sizer.model.catalog import load_inputs
    from sizer.numbers import InputError
    parser = _PARSER.get("parser") or _PARSER.setdefault("parser", build_parser())
    argv = ["--model-config", config_path, "--server", server, "--concurrency", "1", "--json-only"] + list(args)
    try:
        options = options_from_args(parser.parse_args(argv))
        report = build_report(options, *load_inputs(options))
    except InputError as error:
        return error
    result = report.scenario("recommended")
    if result.capacity.vllm_refusal is not None:
        return RuntimeError("vllm_would_not_start", result.capacity.vllm_refusal)
    return result.value("vllm_gpu_blocks"), result.value("vllm_max_concurrency")


def load_cases():
    with open(CASES) as handle:
        return json.load(handle)["cases"]


class _Cases(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cases = load_cases()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.paths = {}
        for case in cls.cases:
            path = os.path.join(cls.tmp.name, case["id"] + ".json")
            with open(path, "w") as handle:
                json.dump(case["config"], handle)
            cls.paths[case["id"]] = path

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()


class VllmOracleAccepted(_Cases):
    def test_blocks_and_concurrency_equal_vllm(self):
        accepted = [c for c in self.cases if "refused" not in c["vllm"]]
        self.assertGreater(len(accepted), 300)
        for case in accepted:
            with self.subTest(case=case["id"]):
                got = tool_vllm_figures(self.paths[case["id"]], case["args"], case["server"])
                self.assertNotIsInstance(got, Exception, "the tool refused what vLLM accepts: %r" % (got,))
                blocks, concurrency = got
                vllm = case["vllm"]
                self.assertEqual(blocks, vllm["num_gpu_blocks"])
                # vLLM prints blocks / blocks-per-request as a float; the tool keeps the Fraction.
                num, den = vllm["max_concurrency_fraction"]
                self.assertEqual(concurrency, Fraction(num, den))
                self.assertEqual(float(concurrency), vllm["max_concurrency"])


class VllmOracleRefusals(_Cases):
    @unittest.skipUnless(REFUSALS_IMPLEMENTED, "the tool does not refuse every configuration vLLM 0.33 refuses yet")
    def test_tool_refuses_what_vllm_refuses(self):
        for case in (c for c in self.cases if "refused" in c["vllm"]):
            with self.subTest(case=case["id"], vllm=case["vllm"]["refused"]["message"][:80]):
                got = tool_vllm_figures(self.paths[case["id"]], case["args"], case["server"])
                self.assertIsInstance(got, Exception)


if __name__ == "__main__":
    unittest.main()
