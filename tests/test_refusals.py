"""Issue 18: what the tool cannot size right is refused with one line, never sized as something else."""

import json

from tests.support import QUICK_START, TempDirTest, hf_config_text, run_cli


def one_line_error(test, args, *fragments):
    """The run ends with exit 2, nothing on stdout and one line on stderr holding every fragment."""
    status, out, err = run_cli(args)
    test.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
    test.assertNotIn("Traceback", err)
    for fragment in fragments:
        test.assertIn(fragment, err)
    return err


class AmbiguousInput(TempDirTest):
    """Item 3: a list that also reads as a thousands-separated number is refused with both readings."""

    def test_thousands_separated_numbers_are_refused_with_both_readings(self):
        base = ["--model", "opt-oss-120b", "--server", "dgx300", "--summary-only"]
        cases = (("--concurrency", "2,500", ["--effective-context", "8192"], "2500", "2, 500"),
                 ("--effective-context", "131,072", ["--concurrency", "1000"], "131072", "131, 72"),
                 ("--concurrency", "1,000,000", ["--effective-context", "8192"], "1000000", "1, 0, 0"))
        for option, value, other, number, spaced in cases:
            for lang, words in (("en", "Thousands separators"), ("pt-BR", "Separadores de milhar")):
                with self.subTest(option=option, lang=lang):
                    one_line_error(self, base + other + [option, value, "--lang", lang], words,
                                   "%s %s" % (option, number), '%s "%s"' % (option, spaced))

    def test_real_comparisons_stay_easy_to_write(self):
        base = ["--model", "opt-oss-120b", "--server", "dgx300", "--effective-context", "8192", "--json-only"]
        for value, expected in (("2, 500", [2, 500]), ("500,2", [500, 2]), ("1000,2000", [1000, 2000]),
                                ("2500", [2500])):
            with self.subTest(value=value):
                status, out, err = run_cli(base + ["--concurrency", value])
                self.assertEqual(status, 0, err)
                document = json.loads(out)
                rows = document.get("comparison")
                found = [row["concurrency"] for row in rows] if rows else [document["inputs"]["concurrency"]]
                self.assertEqual(found, expected)


class ImpossibleMemory(TempDirTest):
    """Item 2: --kv-cache-memory-bytes is per GPU; more than a GPU holds is an input error."""

    def test_kv_cache_memory_bytes_beyond_one_gpu(self):
        # 126,484,217,856 bytes = 117.80 GiB of KV per GPU; an H100 of dgxh100 holds 85,017,493,504 bytes (79.18 GiB).
        base = ["--model", "Llama-3.1-70B", "--server", "dgxh100", "--concurrency", "1000", "--effective-context",
                "8192", "--kv-accounting", "vllm", "--kv-cache-memory-bytes"]
        for lang, words in (("en", "more than a GPU of dgxh100 holds (79.18 GiB)"),
                            ("pt-BR", "passam do que uma GPU de dgxh100 comporta (79.18 GiB)")):
            with self.subTest(lang=lang):
                one_line_error(self, base + ["126484217856", "--lang", lang], "117.80 GiB", words)
        # 40 GiB per GPU beside 16.43 GiB of weights (TP 8) fits, and is sized.
        status, _, err = run_cli(base + [str(40 * 2 ** 30), "--summary-only"])
        self.assertEqual(status, 0, err)


class Tracebacks(TempDirTest):
    """Items 15 and 16: input that used to end in a traceback."""

    def test_a_decimal_option_of_thousands_of_digits(self):
        for option in ("--mfu", "--decode-mfu", "--runtime-overhead-gib", "--kv-budget-ratio"):
            with self.subTest(option=option):
                one_line_error(self, QUICK_START + [option, "0." + "1" * 5000], option, "5002")
        one_line_error(self, QUICK_START + ["--mfu", "1" * 4400, "--lang", "en"], "at most 40")

    def test_qwen3_next_without_head_dim(self):
        config = json.loads(hf_config_text("Qwen3-Next-80B-A3B-Thinking.json"))
        del config["head_dim"]
        path = self.write("Qwen3-Next-no-head-dim.json", config)
        status, out, err = run_cli(["--model-config", path, "--server", "dgx200", "--concurrency", "10",
                                    "--effective-context", "8192", "--runtime-overhead-gib", "auto", "--json-only"])
        self.assertIn(status, (0, 1), err)
        self.assertGreater(json.loads(out)["inputs"]["model_details"]["parameter_count"]["total"], 70 * 10 ** 9)
