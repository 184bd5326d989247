"""Issue 18, items 11 and 12: names from catalogs and configs never become formulas, markup or terminal codes."""

import csv
import io
import json
import shutil

from tests.support import ROOT, TempDirTest, fixture_path, run_cli

HOSTILE_NAMES = ("<img src=x onerror=alert(1)>", "tick`code`", "line1\n| x | y |", "\x1b[31mred\x1b[0m",
                 "=SUM(1+1)", "@cmd", "[click](http://evil.example)", "a\rb")


class Injection(TempDirTest):
    def setUp(self):
        TempDirTest.setUp(self)
        with open(ROOT + "/models.json", encoding="utf-8") as handle:
            entry = json.load(handle)["opt-oss-20b"]
        entry.pop("aliases", None)
        self.models = self.write("models.json", {name: entry for name in HOSTILE_NAMES})
        with open(ROOT + "/servers.json", encoding="utf-8") as handle:
            servers = json.load(handle)
        servers["<b>srv</b>\n| a |"] = servers["dgx200"]
        self.servers = self.write("servers.json", servers)

    def run_ok(self, args):
        status, out, err = run_cli(["--models-file", self.models, "--servers-file", self.servers] + args)
        self.assertEqual(status, 0, err)
        return out

    def assert_clean(self, text, markdown):
        self.assertNotIn("\x1b", text)
        self.assertFalse([line for line in text.split("\n") if line.startswith(("| x |", "| a |"))], text[:300])
        if markdown:
            self.assertNotIn("<img", text)
            self.assertNotIn("<b>", text)
            self.assertNotIn("](http://evil", text)
            self.assertNotIn("tick`code`", text)

    def test_names_in_every_renderer(self):
        base = ["--server", "<b>srv</b>\n| a |", "--concurrency", "10", "--effective-context", "8192"]
        markdown, document = self.tmp + "/report.md", self.tmp + "/report.json"
        for index, name in enumerate(HOSTILE_NAMES):
            lang = ("en", "pt-BR")[index % 2]
            with self.subTest(name=name, lang=lang):
                # One run writes the three renderings: text on stdout, Markdown and JSON to files.
                text = self.run_ok(["--model", name, "--lang", lang, "--output-markdown-file", markdown,
                                    "--output-json-file", document] + base)
                self.assert_clean(text[:text.index("\n{")], markdown=False)
                with open(markdown, encoding="utf-8") as handle:
                    self.assert_clean(handle.read(), markdown=True)
                with open(document, encoding="utf-8") as handle:
                    self.assertEqual(json.load(handle)["inputs"]["model"], name)
        listing = self.run_ok(["--list", "models"])
        self.assert_clean(listing, markdown=False)
        self.assertEqual(len(listing.strip().split("\n")), len(HOSTILE_NAMES))

    def test_comparisons_in_markdown_text_and_csv(self):
        args = ["--model", "=SUM(1+1)", "--server", "dgx200,dgxh100", "--concurrency", "10", "--effective-context", "8192"]
        self.assert_clean(self.run_ok(args + ["--markdown-only"]), markdown=True)
        rows = list(csv.reader(io.StringIO(self.run_ok(args + ["--csv-only"]))))
        self.assertEqual([row[0] for row in rows[1:]], ["'=SUM(1+1)"] * 2)
        self.assertEqual(rows[1][rows[0].index("nodes_recommended")], "2")

    def test_a_carriage_return_in_a_csv_cell(self):
        # A bare CR in an unquoted cell ends the row for some readers: control characters are escaped.
        args = ["--model", "a\rb", "--server", "dgx200,dgxh100", "--concurrency", "10", "--effective-context", "8192"]
        rows = list(csv.reader(io.StringIO(self.run_ok(args + ["--csv-only"]), newline="")))
        self.assertEqual([row[0] for row in rows[1:]], ["a\\rb"] * 2)

    def test_a_config_file_named_like_a_formula(self):
        # A config saved as @SUM(1+1).json: its name reaches the CSV as text, not as a formula.
        path = self.tmp + "/@SUM(1+1).json"
        shutil.copyfile(fixture_path("hf-configs", "gpt-oss-20b.json"), path)
        status, out, err = run_cli(["--model-config", path, "--server", "dgx200,dgxh100", "--concurrency", "10",
                                    "--effective-context", "8192", "--csv-only"])
        self.assertEqual(status, 0, err)
        self.assertEqual([row[0] for row in csv.reader(io.StringIO(out))][1:], ["'@SUM(1+1)"] * 2)
