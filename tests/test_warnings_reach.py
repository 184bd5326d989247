"""Issue 18, part C: every warning reaches the reader (comparison rows, both bases, layout hints, cost, words)."""

import csv
import io
import json

from tests.support import TempDirTest, run_cli

QWEN_CONTEXTS = ["--model", "Qwen3-32B", "--server", "dgx200", "--concurrency", "1000", "--effective-context",
                 "65536,131072", "--runtime-overhead-gib", "auto"]


def output(test, args):
    status, out, err = run_cli(args)
    test.assertIn(status, (0, 1), err)
    return out


class ComparisonRowsCarryTheirAlerts(TempDirTest):
    """Item 5: Qwen3-32B at 64k and 128k is sized at its 40,960 tokens; each row says so and shows its alerts."""

    def test_json_rows(self):
        rows = json.loads(output(self, QWEN_CONTEXTS + ["--json-only"]))["comparison"]
        self.assertEqual([(row["effective_context"], row["effective_context_sized"]) for row in rows],
                         [(65536, 40960), (131072, 40960)])
        for row in rows:
            self.assertIn({"level": "warning", "code": "context_clamped"}, row["alerts"])
            self.assertEqual(row["alert_counts"]["warning"], len([a for a in row["alerts"] if a["level"] == "warning"]))

    def test_text_and_markdown_rows(self):
        # Each row has two warnings: the context clamped, and vLLM's own memory rule against the guide's budget.
        for lang, sized, count in (("en", "Context sized", "2 warnings"), ("pt-BR", "Contexto dimensionado", "2 avisos")):
            for fmt in ("--summary-only", "--markdown-only"):
                with self.subTest(lang=lang, fmt=fmt):
                    text = output(self, QWEN_CONTEXTS + [fmt, "--lang", lang])
                    self.assertIn(sized, text)
                    self.assertIn("40960", text)
                    self.assertIn(count, text)
                    self.assertIn("⚠️ context_clamped", text)

    def test_csv_rows(self):
        rows = list(csv.DictReader(io.StringIO(output(self, QWEN_CONTEXTS + ["--csv-only"]))))
        self.assertEqual([row["effective_context_sized"] for row in rows], ["40960", "40960"])
        self.assertEqual([row["alerts_warning"] for row in rows], ["2", "2"])
        self.assertEqual([row["alert_codes"] for row in rows], ["context_clamped engine_memory_gap"] * 2)


class BothBases(TempDirTest):
    """Item 6: bases more than 10% apart show both node counts, why, and which one is checked against logs."""
    BASE = ["--server", "dgxh100", "--concurrency", "1000", "--runtime-overhead-gib", "auto", "--summary-only"]
    CASES = (  # (args, RECOMENDADO spec, RECOMENDADO vLLM, the reason's words in English)
        (["--model", "opt-oss-120b", "--tensor-parallel", "1", "--effective-context", "65536"], "26", "39",
         "window plus the tokens in flight (128 + 16384 tokens)"),
        (["--model", "Gemma-3-27B", "--tensor-parallel", "2", "--effective-context", "131072"], "26", "44",
         "layers of padding"),
        (["--model-config", "tests/fixtures/hf-configs/Nemotron-H-56B-Base-8K.json", "--tensor-parallel", "2",
          "--effective-context", "8192"], "14", "26", "pages of state per request"))

    def test_summary_table_and_alert(self):
        for args, spec, engine, reason in self.CASES:
            for lang, checked in (("en", "The vLLM basis reproduces vLLM's own startup logs"),
                                  ("pt-BR", "A base vLLM reproduz os logs de partida do próprio vLLM")):
                with self.subTest(model=args[1], lang=lang):
                    text = output(self, args + self.BASE + ["--lang", lang])
                    header, _, recommended = text.split("\n")[:3]
                    self.assertIn("(vllm)", header)
                    self.assertEqual(recommended.split()[2:4], [spec, engine])
                    self.assertIn(checked, text)
                    if lang == "en":
                        self.assertIn(reason, text)

    def test_vllms_own_memory_the_other_way(self):
        # Llama-3.1-70B on H200 (TP 8, 32k): the guide's 70% budget holds 124 sessions per node, vLLM's 0.9 of each GPU 169.
        args = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--effective-context", "32768", "--concurrency", "1000",
                "--runtime-overhead-gib", "auto"]
        for lang, words in (("en", "(124 sessions per node, RECOMMENDED 11 nodes)"),
                            ("pt-BR", "(124 sessões por nó, RECOMENDADO 11 nós)")):
            with self.subTest(lang=lang):
                text = output(self, args + ["--lang", lang])
                self.assertIn(words, text)
                self.assertIn("169", text)
                self.assertIn("--gpu-memory-utilization 0.9: " + ("RECOMMENDED 9 nodes" if lang == "en"
                                                                   else "RECOMENDADO 9 nós"), text)
