"""Comparisons: options given as lists, one row per combination."""

import io
import os
import re

from sizer.render.csv import CSV_COLUMNS
from tests.support import QUICK_START, TempDirTest, golden, nodes, report_for, results, run_cli, run_json


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
        self.assertEqual((status, text), (0, golden("comparison-servers-contexts.pt-BR.txt")))
        _, markdown, _ = run_cli(["--model", "opt-oss-120b", "--server", "dgx200", "--concurrency", "1000",
                                  "--effective-context", "8192,32768,131072", "--markdown-only", "--lang", "en"])
        self.assertEqual(markdown, golden("comparison-contexts.en.md"))

    def test_the_chart_needs_exactly_one_numeric_option(self):
        self.assertIn("```mermaid", run_cli(["--model", "opt-oss-120b", "--server", "dgx200", "--concurrency",
                                             "100,1000", "--effective-context", "8192", "--markdown-only"])[1])
        self.assertNotIn("mermaid", run_cli(["--model", "opt-oss-120b", "--server", "dgx200,dgx300", "--concurrency",
                                             "100", "--effective-context", "8192", "--markdown-only"])[1])
        self.assertNotIn("mermaid", run_cli(self.GRID + ["--markdown-only"])[1])

    def test_every_chart_line_is_named_and_coloured(self):
        # xychart-beta has no legend and its default palette draws the first line in #ECECFF, nearly white (the
        # issue, checked with Mermaid 11): the tool sets one dark colour per scenario and names each below.
        for lang, names in (("en", ("MINIMUM in blue", "RECOMMENDED in orange-red", "IDEAL in green")),
                            ("pt-BR", ("MÍNIMO em azul", "RECOMENDADO em vermelho-alaranjado", "IDEAL em verde"))):
            with self.subTest(lang=lang):
                markdown = run_cli(["--model", "opt-oss-120b", "--server", "dgx200", "--concurrency", "100,1000",
                                    "--effective-context", "8192", "--markdown-only", "--lang", lang])[1]
                chart = markdown.split("```mermaid\n")[1].split("```")[0]
                palette = re.search(r'"plotColorPalette": "([^"]+)"', chart).group(1).split(", ")
                self.assertEqual(chart.count("    line ["), len(palette))
                self.assertEqual(len(set(palette)), 3)
                for colour in palette:      # relative luminance well below white's (1.0): visible on a white page
                    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
                    self.assertLess(0.2126 * red + 0.7152 * green + 0.0722 * blue, 0.5)
                note = markdown.split("```")[2]
                self.assertLess(note.index(names[0]), note.index(names[1]))
                self.assertLess(note.index(names[1]), note.index(names[2]))

    def test_csv_for_spreadsheets(self):
        import csv
        path = os.path.join(self.tmp, "grid.csv")
        status, out, _ = run_cli(self.GRID + ["--output-csv-file", path, "--csv-only"])
        self.assertEqual(status, 0)
        with open(path, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), out)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 16)
        self.assertEqual(tuple(rows[0]), CSV_COLUMNS)
        first = rows[0]
        self.assertEqual((first["server"], first["concurrency"], first["nodes_minimum"], first["nodes_recommended"],
                          first["nodes_ideal"], first["sessions_per_node_recommended"], first["status"],
                          first["monthly_cost_usd_recommended"]),
                         ("dgx300", "100", "1", "2", "3", "2511", "ok", "86432.00"))
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
        document = run_json(["--model", "opt-oss-120b", "--server", "mi355x_8,dgx300,dgxh100,dgx200", "--concurrency",
                             "1000", "--effective-context", "32768", "--order-by", "cost"])
        # dgx300: 2 nodes x 59.20 USD/h (Hyperstack B300) x 730 h; mi355x_8 has no published price: last.
        self.assertEqual([(r["server"], r["monthly_cost_usd"]) for r in document["comparison"]],
                         [("dgx300", 86432), ("dgx200", 94739.4), ("dgxh100", 114843.6), ("mi355x_8", None)])
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
