"""The guide's worked examples and the quick start's whole output, checked against the golden files."""

import unittest

from sizer.display import _fixed
from tests.support import QUICK_START, SMALL_MODEL, golden, nodes, report_for, results, run_cli, run_json


# ---------------------------------------------------------------------------
# The guide's worked examples
# ---------------------------------------------------------------------------

class WorkedExamples(unittest.TestCase):
    def test_quick_start_2_3_5_nodes_and_kv_2_25_gib(self):
        report = report_for(QUICK_START)
        self.assertEqual(nodes(report), (2, 3, 5))
        common = results(report, "minimum")
        self.assertEqual(common["kv_per_session_bytes"], 2 * (18 * 131072 + 18 * 128) * 8 * 64)
        self.assertEqual(_fixed(common["kv_per_session_gib"], 2), "2.25")
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
# Whole output: the quick start's RECOMENDADO section and alerts, as reviewed
# ---------------------------------------------------------------------------

class WholeOutput(unittest.TestCase):
    def test_quick_start_recommended_section_and_alerts_in_markdown(self):
        status, out, _ = run_cli(QUICK_START + ["--markdown-only"])
        self.assertEqual(status, 0)
        start = out.index("### 🟢 Cenário: RECOMENDADO")
        actual = out[start:out.index("### 🔹 Cenário: IDEAL")] + out[out.index("## ⚠️"):]
        self.maxDiff = None
        self.assertEqual(actual, golden("quick-start-recommended-and-alerts.pt-BR.md"))
