"""The JSON document, and the three output formats agreeing on the numbers."""

import json
import unittest

from sizer import SCHEMA_VERSION
from tests.support import GIB, QUICK_START, SMALL_MODEL, run_cli, run_json


# ---------------------------------------------------------------------------
# JSON document and the three formats agreeing
# ---------------------------------------------------------------------------

class JsonDocument(unittest.TestCase):
    def test_schema_and_required_keys(self):
        document = run_json(QUICK_START)
        self.assertTrue({"schema_version", "inputs", "parameter_dictionary", "scenarios",
                         "alerts"} <= set(document))
        self.assertEqual(document["schema_version"], SCHEMA_VERSION)
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
