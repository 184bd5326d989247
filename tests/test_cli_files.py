"""The command line: files, terminal and encodings, edges in process, finding things."""

import io
import json
import os
import sys
from fractions import Fraction

from sizer import __version__
from sizer.cli.parser import default_catalog
from sizer.display import _sci
from sizer.layers import ChunkedLocalLayers, FullAttentionLayers, MLALatentLayers, SlidingWindowLayers
from sizer.numbers import printable
from tests.support import (F, QUICK_START, TempDirTest, codes, nodes, report_for, run_cli, sizing,
                           subprocess_cli, with_option)


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
        self.assertEqual((status, out), (0, "sizing %s\n" % __version__))

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
            self.assertEqual(_sci(value), shown)
        self.assertEqual(printable("a\nb\t\x1b\x85\u2028\ud800\udcff"), "a\\nb\\t\\x1b\\x85\\u2028\\ud800\\xff")

    def test_attended_pairs_of_each_layer_kind(self):
        # A causal prefill of 10 tokens: 55 pairs in a full layer; a window of 4 sees 1+2+3+4 then 4 each;
        # chunks of 4 restart: (1+2+3+4) x 2 + (1+2).
        self.assertEqual(FullAttentionLayers(1).attended_pairs(10), 55)
        self.assertEqual(SlidingWindowLayers(1, window=4).attended_pairs(10), 10 + 6 * 4)
        self.assertEqual(ChunkedLocalLayers(1, chunk=4).attended_pairs(10), 10 * 2 + 3)
        self.assertEqual(MLALatentLayers(1, latent_dim=576).attended_pairs(10), 55)

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
        with open(default_catalog("models.json"), encoding="utf-8") as handle:
            models = sorted(name for name in json.load(handle) if not name.startswith("_"))
        status, out, _ = run_cli(["--list", "models", "--json-only"])
        document = json.loads(out)
        self.assertEqual((status, document["list"]), (0, "models"))
        self.assertEqual(sorted(item["name"] for item in document["items"]), models)
        self.assertIn("gpt-oss-120b", [a for item in document["items"] for a in item["aliases"]])
        for kind, fragment in (("servers", "dgx300             8 GPUs × 288 GB HBM3e"), ("storage", "profile_default"),
                               ("precisions", "nvfp4  KV: 0.5625 byte(s) per element")):
            with self.subTest(kind=kind):
                status, out, _ = run_cli(["--list", kind, "--lang", "en"])
                self.assertEqual(status, 0)
                self.assertIn(fragment, out)
        status, _, err = run_cli(["--list", "gpus"])
        self.assertEqual(status, 2)
        self.assertIn("--list", err)


class FormatsWithoutARenderer(TempDirTest):
    """A format may leave out comparisons or --search (README, "adding an output format"): asked for one
    of those, it is refused by its option before anything is sized, never a traceback."""

    def test_a_format_without_comparison_or_search_output_is_refused_by_name(self):
        from unittest import mock
        from sizer.frozen import replace
        from sizer.render import FORMAT_BY_NAME
        bare = replace(FORMAT_BY_NAME["csv"], comparison=None, search=None)
        out_file = os.path.join(self.tmp, "out.csv")
        with mock.patch.dict(FORMAT_BY_NAME, {"csv": bare}):
            for args, option, words in (
                    (QUICK_START[:4] + ["--concurrency", "10,20", "--effective-context", "8192", "--csv-only"],
                     "--csv-only", "comparações"),
                    (QUICK_START[:4] + ["--concurrency", "10,20", "--effective-context", "8192", "--output-csv-file",
                                        out_file], "--output-csv-file", "comparações"),
                    (["--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency", "10", "--effective-context",
                      "8192", "--search", "--csv-only", "--lang", "en"], "--csv-only", "no output for --search")):
                with self.subTest(option=option, words=words):
                    status, out, err = run_cli(args)
                    self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                    self.assertIn(option + ":", err)
                    self.assertIn(words, err)
                    self.assertFalse(os.path.exists(out_file))
