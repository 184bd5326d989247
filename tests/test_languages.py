"""Languages and the report model: every message in both languages."""

import ast
import json
import os
import re
import string

from sizer.i18n import catalog
from sizer.vocab import LANGUAGES
from tests.support import ROOT, package_sources, package_trees, QUICK_START, SMALL_MODEL, TempDirTest, golden, run_cli, run_json, with_option


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
    def test_every_message_in_every_language_with_the_same_placeholders(self):
        parser = string.Formatter()
        catalogs = [catalog(lang) for lang in LANGUAGES]
        reference = catalogs[0]
        self.assertGreater(len(reference.MESSAGES), 300)
        for other in catalogs[1:]:
            self.assertEqual(sorted(set(other.MESSAGES) ^ set(reference.MESSAGES)), [], other.__name__)
            self.assertEqual(sorted(set(other.ARGPARSE) ^ set(reference.ARGPARSE)), [], other.__name__)
        for message_id in reference.MESSAGES:
            with self.subTest(id=message_id):
                entry = [c.MESSAGES[message_id] for c in catalogs]
                forms = [form if isinstance(form, tuple) else (form,) for form in entry]
                self.assertEqual({len(form) for form in forms}, {len(forms[0])}, "plural in one language only")
                templates = [template for form in forms for template in form]
                fields = [(name, conversion) for t in templates for _, name, _, conversion in parser.parse(t) if name]
                # Plain names only: sizer.i18n.render fills a field by its name, with no attribute, index or !r.
                self.assertEqual([f for f in fields if not f[0].isidentifier() or f[1]], [])
                placeholders = {tuple(sorted(name for _, name, _, _ in parser.parse(t) if name)) for t in templates}
                self.assertEqual(len(placeholders), 1, placeholders)
                self.assertTrue(all(t.strip() for t in templates))

    def test_no_catalog_writes_an_id_twice(self):
        # A dict literal keeps the last of two equal keys without a word: one language would show a
        # stale text while the tests above see one id with one template.
        for lang in LANGUAGES:
            path = os.path.join(ROOT, "sizer", "i18n", lang.replace("-", "_") + ".py")
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            literals = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
            self.assertGreaterEqual(len(literals), 2)
            for literal in literals:
                keys = [key.value for key in literal.keys if isinstance(key, ast.Constant)]
                with self.subTest(lang=lang, line=literal.lineno):
                    self.assertEqual(sorted({key for key in keys if keys.count(key) > 1}), [])

    def test_every_message_id_the_code_names_exists(self):
        named = set()
        for source in package_sources():
            named |= set(re.findall(r'"((?:[a-z_]+\.)+[a-z0-9_%/-]*[a-z0-9_%])"', source))
        ids = set(catalog(LANGUAGES[0]).MESSAGES)
        self.assertGreater(len(named & ids), 400)
        # Strings shaped like ids that are not message ids: module paths and file names.
        missing = sorted(n for n in named - ids if not n.startswith(("sizer.", "model.", "config.")) and
                         n.split(".")[0] in {i.split(".")[0] for i in ids})
        self.assertEqual(missing, [])

    def test_no_message_id_is_built_from_pieces(self):
        # An id is written whole where it is used (or in a table of whole ids), so a search finds
        # every use: no "limit." + code, "label.%s" % key or f"...".
        prefixes = tuple(sorted({i.split(".")[0] + "." for i in catalog(LANGUAGES[0]).MESSAGES}))
        built = []
        for path, nodes in package_trees():
            for node in nodes:
                pieces = []
                if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
                    pieces = [node.left]
                elif isinstance(node, ast.JoinedStr):
                    pieces = node.values[:1]
                for piece in pieces:
                    if isinstance(piece, ast.Constant) and isinstance(piece.value, str) and \
                            piece.value.startswith(prefixes) and " " not in piece.value:
                        built.append("%s:%d: %s" % (os.path.relpath(path, ROOT), node.lineno, piece.value))
        self.assertEqual(built, [])

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
                         ("2.4", "ok", "pt-BR"))
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
        # To review a deliberate change: print the new output, read the diff, then update tests/fixtures/golden/quick-start*.
        self.maxDiff = None
        for lang in ("pt-BR", "en"):
            with self.subTest(lang=lang):
                status, text, _ = run_cli(QUICK_START + ["--lang", lang])
                self.assertEqual(status, 0)
                self.assertEqual(text[:text.index("\n{") + 1], golden("quick-start.%s.txt" % lang))
                self.assertEqual(run_cli(QUICK_START + ["--lang", lang, "--markdown-only"])[1],
                                 golden("quick-start.%s.md" % lang))
                self.assertEqual(run_cli(QUICK_START + ["--lang", lang, "--summary-only"])[1],
                                 golden("quick-start-summary.%s.txt" % lang))

    def test_summary_names_what_limits_each_scenario(self):
        expected = {(): "memória", ("--tpot-slo-ms", "20"): "meta de TPOT", ("--ttft-slo-ms", "1"): "meta de TTFT"}
        for extra, limit in expected.items():
            with self.subTest(extra=extra):
                _, out, _ = run_cli(QUICK_START + list(extra) + ["--summary-only"])
                self.assertEqual([line.split("  ")[-1] for line in out.splitlines()[1:4]], [limit] * 3)
        _, out, _ = run_cli(SMALL_MODEL[:9] + ["1024", "--kv-accounting", "vllm", "--summary-only", "--lang", "en"])
        self.assertTrue(out.splitlines()[1].endswith("  1024                  0.02  max_num_seqs"), out)
