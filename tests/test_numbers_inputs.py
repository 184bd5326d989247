"""Numbers and inputs: exact arithmetic, properties, bad input, robustness and fuzzing."""

import json
import os
import random
import re
import stat
import subprocess
import sys
import threading
import time
import unittest
from fractions import Fraction

from sizer.cli.main import reads_as_thousands
from sizer.inputs import MAX_JSON_FILE_BYTES, is_date_text
from sizer.numbers import is_int_text, printable
from tests.support import (QUICK_START, ROOT, SMALL_MODEL, TempDirTest, hf_config_text, nodes, options_for,
                           report_for, results, run_cli, with_option)


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
# Bad input: exit 2, one line on stderr, nothing written
# ---------------------------------------------------------------------------

class TextShapes(unittest.TestCase):
    """The shapes checked with str methods (no regex to compile at start) accept exactly what these
    patterns match, on every string drawn from the characters that matter."""

    SHAPES = ((is_int_text, r"[+-]?[0-9]+"),
              (reads_as_thousands, r"[0-9]{1,3}(,[0-9]{3})+"),
              (is_date_text, r"[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?"))

    def test_each_check_agrees_with_its_pattern(self):
        draw = random.Random(17)
        alphabet = "0123456789-+,1 x\u0663\u00b2"      # ASCII digits, signs, a space, Arabic-Indic three, ²
        samples = ["", "2026-09", "2026-9", "2026-13", "2026-12-31", "2026-12-32", "2,500", "131,072", "1,0000",
                   "12,500,000", "+12", "-", "+"] + ["".join(draw.choice(alphabet) for _ in range(draw.randint(1, 11)))
                                                     for _ in range(20000)]
        parts = ["%02d" % n for n in range(100)] + [str(n) for n in range(10)] + ["", "+1", "1a"]
        samples += ["%s-%s" % (year, month) for year in ("2026", "202", "20260") for month in parts]
        samples += ["2026-%s-%s" % (month, day) for month in parts for day in parts]      # every MM and DD shape
        for check, pattern in self.SHAPES:
            compiled = re.compile(pattern, re.ASCII)
            wrong = [text for text in samples if check(text) != bool(compiled.fullmatch(text))]
            with self.subTest(check=check.__name__):
                self.assertEqual(wrong, [])

    def test_printable_escapes_exactly_what_it_did(self):
        needs_escape = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
        for code in list(range(0x3000)) + list(range(0xD800, 0xE000)) + [0xFEFF, 0x10FFFF]:
            char = chr(code)
            with self.subTest(code=hex(code)):
                self.assertEqual(printable("a" + char) != "a" + char, bool(needs_escape.search(char)))


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
        with open(os.path.join(ROOT, "models.json"), encoding="utf-8") as handle:
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
        with open(os.path.join(ROOT, "models.json"), encoding="utf-8") as handle:
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
# Robustness (issue 7): every run ends in exit 0, 1 or 2 with one error line;
# no traceback, no hang, no changed file but the outputs, no temporary file
# ---------------------------------------------------------------------------

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
        self.assert_error(QUICK_START + ["--model-config", os.path.join(self.tmp, "\udcff.json")], "--model")
        self.assert_error(["--model-config", os.path.join(self.tmp, "\udcff\n.json")] + QUICK_START[2:],
                          "\\xff\\n.json")

    def test_bytes_that_are_not_utf8_in_a_real_process(self):
        env = dict(os.environ, PYTHONUTF8="0", LC_ALL="C", LANG="C")
        for arg, shown in ((b"\xff", "\\xff"), ("é".encode("utf-8"), "")):
            with self.subTest(arg=arg):
                done = subprocess.run([sys.executable, os.path.join(ROOT, "sizing.py"), b"--model", arg]
                                      + QUICK_START[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
                err = done.stderr.decode("utf-8")
                self.assertEqual(done.returncode, 2, err)
                self.assertEqual(err.count("\n"), 1, err)
                self.assertIn("--model", err)
                self.assertIn(shown, err)
        path = os.path.join(self.tmp.encode(), b"r\xff.json")
        done = subprocess.run([sys.executable, os.path.join(ROOT, "sizing.py")] + QUICK_START
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
        config = json.loads(hf_config_text("Llama-3.1-8B-Instruct.json"))
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
        with open(os.path.join(ROOT, "models.json"), encoding="utf-8") as handle:
            models = json.load(handle)
        for field, value in (("model_type", []), ("weight_precision", []), ("aliases", "opt"),
                             ("aliases", [1]), ("sliding_window", [])):
            with self.subTest(field=field, value=value):
                broken = json.loads(json.dumps(models))
                broken["opt-oss-20b"][field] = value
                path = self.write("models.json", broken)
                self.assert_error(QUICK_START + ["--models-file", path], path, "'opt-oss-20b'", field)

    def test_numbers_too_small_for_a_float(self):
        with open(os.path.join(ROOT, "storage.json"), encoding="utf-8") as handle:
            storage = handle.read()
        path = self.write("storage.json", storage.replace('"read_throughput_gb_s": 28', '"read_throughput_gb_s": 1e-399'))
        self.assert_error(QUICK_START + ["--storage-file", path], "read_throughput_gb_s", "1.000e-399")
        with open(os.path.join(ROOT, "servers.json"), encoding="utf-8") as handle:
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
            handle.truncate(MAX_JSON_FILE_BYTES + 1)
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
        models = self.write("models.json", open(os.path.join(ROOT, "models.json"), encoding="utf-8").read())
        config = self.write("gpt.json", hf_config_text("gpt-oss-120b.json"))
        link = os.path.join(self.tmp, "link.json")
        os.symlink(models, link)
        for args, output in ((QUICK_START + ["--models-file", models], models),
                             (QUICK_START + ["--models-file", models], link),
                             (["--model-config", config] + QUICK_START[2:], config),
                             (QUICK_START, os.path.join(ROOT, "servers.json")),
                             (QUICK_START, os.path.join(ROOT, "storage.json"))):
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
        original = os.fsync

        def interrupted(descriptor):
            raise KeyboardInterrupt()
        os.fsync = interrupted
        try:
            # Ctrl-C is exit 130 with one line and no traceback (issue 18, item 16).
            for lang, words in (("pt-BR", "interrompido"), ("en", "interrupted")):
                status, out, err = run_cli(QUICK_START + ["--output-json-file", path, "--json-only", "--lang", lang])
                self.assertEqual((status, out, err.count("\n")), (130, "", 1), err)
                self.assertIn(words, err)
                self.assertNotIn("Traceback", err)
        finally:
            os.fsync = original
        self.assertEqual(os.listdir(self.tmp), ["r" * 250])
        with open(path, encoding="utf-8") as handle:
            self.assertTrue(handle.read().startswith("{"))

    def shell(self, *redirects):
        """Run sizing under bash with each redirection (closed or full streams), all at once."""
        command = "%s %s %s " % (sys.executable, os.path.join(ROOT, "sizing.py"), " ".join(QUICK_START))
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
        done = subprocess.run([old, os.path.join(ROOT, "sizing.py")] + QUICK_START,
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
            config = json.loads(hf_config_text(generator.choice(names)), parse_constant=float)
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
            with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
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
