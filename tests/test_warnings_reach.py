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
        for lang, sized, count in (("en", "Context sized", "1 warning"), ("pt-BR", "Contexto dimensionado", "1 aviso")):
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
        self.assertEqual([row["alerts_warning"] for row in rows], ["1", "1"])
        self.assertEqual([row["alert_codes"] for row in rows], ["context_clamped", "context_clamped"])
