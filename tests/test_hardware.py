"""The hardware planners buy in 2026 (issue 19): the server catalog's sourced figures, its fields,
rack-scale systems (racks bought, trays failing, instances inside one NVLink domain) and PCIe cards."""

import json
import os
import unittest
from fractions import Fraction

from sizer.frozen import fields
from sizer.inputs import load_catalog
from sizer.records import SERVER_FIELD_NAMES, Server, server_from_entry
from sizer.i18n import say
from sizer.vocab import LANGUAGES, T
from tests.support import (F, QUICK_START, ROOT, TempDirTest, codes, formula, report_for, results, run_cli,
                           run_json)

CATALOG = os.path.join(ROOT, "servers.json")
NEW = ("gb200_nvl72", "gb300_nvl72", "mi300x_8", "mi325x_8", "mi355x_8", "h20_hgx8", "l40s_8", "rtx_pro_6000_se_8")
GIB, MIB = 2 ** 30, 2 ** 20


def catalog():
    return {name: server_from_entry(name, entry, CATALOG) for name, entry in load_catalog(CATALOG, "servers").items()}


def ceil_div(a, b):
    return -(-a // b)


class Catalog(unittest.TestCase):
    """Every server's figures are in the catalog with their source, and check against the published totals."""

    def test_every_server_loads_with_sourced_dated_figures(self):
        servers = catalog()
        self.assertLessEqual(set(NEW) | {"dgx300", "dgx200", "dgxh100", "dgxb200"}, set(servers))
        for name, server in servers.items():
            with self.subTest(server=name):
                for field in ("hbm_per_gpu_gb", "memory_kind", "hbm_bandwidth_tb_s", "bf16_dense_tflops",
                              "fp8_dense_tflops", "interconnect", "interconnect_per_gpu_gb_s",
                              "interconnect_direction", "source", "use", "description"):
                    self.assertIsNotNone(getattr(server, field), field)
                if server.cuda_visible_bytes_per_gpu is not None and name in NEW:
                    self.assertIsNotNone(server.visible_memory_source)
                if name in NEW:
                    self.assertIsNotNone(server.source_date)
                priced = server.node_cost_per_hour_usd is not None or server.node_price_usd is not None
                self.assertEqual(priced, server.cost_source is not None)
        fp4 = {name for name, server in servers.items() if server.fp4_dense_tflops is not None}
        self.assertEqual(fp4, {"gb200_nvl72", "gb300_nvl72", "mi355x_8", "rtx_pro_6000_se_8", "dgxb200", "dgx300"})
        dated_prices = {name for name, server in servers.items() if server.cost_date is not None}
        self.assertGreaterEqual(len(dated_prices), 5)
        self.assertIn("dgx300", dated_prices)
        self.assertEqual({name for name, server in servers.items() if server.rack_scale}, {"gb200_nvl72", "gb300_nvl72"})

    def test_figures_against_the_published_totals(self):
        s = catalog()
        # NVL72: rack totals with sparsity (1,440 / 720 / 360 PFLOPS), per GPU and halved; 576 TB/s; 130 TB/s NVLink.
        for name in ("gb200_nvl72", "gb300_nvl72"):
            self.assertEqual((s[name].bf16_dense_tflops, s[name].fp8_dense_tflops), (360000 / 72 / 2, 720000 / 72 / 2))
            self.assertEqual((s[name].hbm_bandwidth_tb_s, s[name].interconnect_per_gpu_gb_s * 72 / 1000), (576 / 72, F("129.6")))
        self.assertEqual(s["gb200_nvl72"].fp4_dense_tflops, 1440000 / 72 / 2)
        self.assertEqual(s["gb300_nvl72"].fp4_dense_tflops, 1080000 / 72)      # NVIDIA gives GB300's dense FP4 itself
        self.assertEqual(round(s["gb200_nvl72"].total_hbm_gb / 1000, 1), F("13.4"))
        # AMD: CUs x FLOP per CU per clock x clock; Infinity Fabric: 7 links per GPU.
        self.assertEqual(round(s["mi300x_8"].fp8_dense_tflops), round(Fraction(304 * 4096 * 21, 10 ** 4)))
        self.assertEqual(s["mi355x_8"].fp8_dense_tflops, round(Fraction(256 * 8192 * 24, 10 ** 4), 1))
        self.assertEqual((s["mi300x_8"].interconnect_per_gpu_gb_s, s["mi355x_8"].interconnect_per_gpu_gb_s),
                         (7 * 128, 7 * F("153.6")))
        # Visible memory: what rocm-smi / torch printed, exactly.
        expected = {"mi300x_8": 192 * GIB - 16 * MIB, "mi355x_8": 288 * GIB - 16 * MIB, "mi325x_8": 256 * GIB - 320 * MIB,
                    "h20_hgx8": 97285 * MIB, "l40s_8": 45589 * MIB, "rtx_pro_6000_se_8": 97250 * MIB}
        self.assertEqual({name: s[name].cuda_visible_bytes_per_gpu for name in expected}, expected)
        # Prices: a rack is 18 CoreWeave trays at 42 USD/h; per-GPU rates x 8.
        self.assertEqual([s[n].node_cost_per_hour_usd for n in ("gb200_nvl72", "dgx300", "mi300x_8", "mi325x_8")],
                         [18 * 42, 8 * F("7.40"), 8 * F("1.50"), 8 * F("1.95")])
        self.assertEqual(s["h20_hgx8"].node_price_usd, 195000)

    def test_each_new_server_sizes_the_small_model(self):
        for name in NEW:
            with self.subTest(server=name):
                report = report_for(["--model", "opt-oss-20b", "--server", name, "--concurrency", "100",
                                     "--effective-context", "8192", "--tensor-parallel", "1"])
                self.assertTrue(all(r.capacity.feasible for r in report.scenarios))
                self.assertEqual(report.layout.rack_scale, name.endswith("nvl72"))

    def test_one_way_link_bandwidth_for_the_communication_model(self):
        s = catalog()
        # aiconfigurator's systems files give these one way: 900 GB/s NVLink 5, 32 GB/s PCIe 4, 64 GB/s PCIe 5.
        self.assertEqual([s[n].interconnect_bytes_s_per_direction for n in ("gb200_nvl72", "l40s_8", "rtx_pro_6000_se_8",
                                                                             "mi300x_8")],
                         [900 * 10 ** 9, 32 * 10 ** 9, 64 * 10 ** 9, 448 * 10 ** 9])


class ServersFile(TempDirTest):
    """Every field of a servers file is checked by name and documented."""

    BASE = {"gpus": 8, "hbm_per_gpu_gb": 80}

    def test_bad_fields_name_file_entry_and_field(self):
        cases = (({"interconect": "nvlink"}, "interconect"), ({"interconnect": "nvswitch"}, "interconnect"),
                 ({"interconnect_per_gpu_gb_s": 900}, "'interconnect'"),
                 ({"interconnect": "nvlink", "interconnect_per_gpu_gb_s": 900}, "interconnect_direction"),
                 ({"interconnect_direction": "both"}, "interconnect_direction"), ({"memory_kind": "HBM9"}, "memory_kind"),
                 ({"cost_date": "2026-13"}, "cost_date"), ({"source_date": 2026}, "source_date"),
                 ({"gpus": 72, "hbm_per_gpu_gb": 186, "gpus_per_tray": 5}, "gpus_per_tray"),
                 ({"gpus_per_tray": 0}, "gpus_per_tray"), ({"fp4_dense_tflops": -1}, "fp4_dense_tflops"),
                 ({"use": ""}, "'use'"), ({"visible_memory_source": 1}, "visible_memory_source"))
        for change, field in cases:
            with self.subTest(change=change):
                path = self.write("servers.json", {"box": dict(self.BASE, **change)})
                status, out, err = run_cli(["--model", "opt-oss-20b", "--server", "box", "--servers-file", path,
                                            "--concurrency", "1", "--effective-context", "1024"])
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(path, err)
                self.assertIn("'box'", err)
                self.assertIn(field, err)
        path = self.write("servers.json", {"box": dict(self.BASE, _note="a comment", cost_date="2026-09")})
        self.assertEqual(run_cli(["--model", "opt-oss-20b", "--server", "box", "--servers-file", path, "--concurrency",
                                  "1", "--effective-context", "1024", "--summary-only"])[0], 0)

    def test_list_servers_documents_every_field_and_what_each_platform_is_for(self):
        record_fields = [name for name in fields(Server) if name != "name"]
        self.assertEqual(sorted(SERVER_FIELD_NAMES), sorted(record_fields))
        names = sorted(load_catalog(CATALOG, "servers"))
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                document = json.loads(run_cli(["--list", "servers", "--json-only", "--lang", lang])[1])
                self.assertEqual(list(document["fields"]), list(SERVER_FIELD_NAMES))
                self.assertTrue(all(field["description"].strip() for field in document["fields"].values()))
                self.assertEqual(document["fields"]["interconnect"]["choices"], ["nvlink", "infinity_fabric", "pcie"])
                self.assertEqual(sorted(item["name"] for item in document["items"] if item["use"]), names)
                text = run_cli(["--list", "servers", "--lang", lang])[1]
                use_word = say(T("list.use", use=""), lang)          # "use: ", in the language's own words
                self.assertEqual(text.count("  " + use_word), len(names))
        gb200 = [line for line in text.splitlines() if line.startswith("gb200_nvl72")][0]
        self.assertIn("72 GPUs × 186 GB HBM3e, rack of 18 trays × 4 GPUs, NVLink, 1800 GB/s per GPU (bidirectional)", gb200)


class RackScale(unittest.TestCase):
    """NVL72: racks are bought, trays fail, an instance lives inside the rack's 72-GPU NVLink domain."""

    DEEPSEEK = ["--model", "DeepSeek-V3", "--server", "gb200_nvl72", "--concurrency", "1000",
                "--effective-context", "32768", "--runtime-overhead-gib", "auto"]

    def test_the_scenario_headings_count_racks(self):
        status, text, _ = run_cli(self.DEEPSEEK + ["--lang", "en"])
        self.assertEqual(status, 0)
        self.assertRegex(text, r"── RECOMMENDED ✅: \d+ racks? \(\d+ trays in service\) ──")
        self.assertRegex(text, r"RECOMMENDED needs \d+ racks instead of \d+\.")      # an alert's counts are racks too
        markdown = run_cli(self.DEEPSEEK + ["--markdown-only"])[1]
        self.assertRegex(markdown, r"- Racks Finais: \*\*\d+ racks? \(\d+ bandejas em serviço\)\*\*")
        self.assertRegex(markdown, r"\| \*\*Racks Finais\*\* \| \d+ racks? \(")
        self.assertNotIn("Nós Finais", markdown)

    def check_racks(self, report, trays_per_instance):
        """Racks and trays by hand: instances of sessions, 18 trays a rack less 0/1/2 spare trays."""
        for key, headroom, spares in (("minimum", 0, 0), ("recommended", F("0.2"), 1), ("ideal", F("0.3"), 2)):
            values = results(report, key)
            sessions = values.get("sessions_per_instance", values.get("sessions_per_node"))
            instances = ceil_div(1000 * (1 + headroom), sessions)
            per_rack = (18 - spares) // trays_per_instance
            racks = ceil_div(instances, per_rack)
            self.assertEqual((values["nodes_final"], values["trays_final"]),
                             (racks, instances * trays_per_instance + spares * racks), key)
        return report

    def test_deepseek_v3_on_gb200_nvl72_with_a_16_gpu_instance(self):
        for extra in (["--tensor-parallel", "16"], ["--tensor-parallel", "16", "--data-parallel-attention"]):
            with self.subTest(extra=extra):
                report = self.check_racks(report_for(self.DEEPSEEK + extra), 4)
                self.assertEqual((report.layout.tensor_parallel, report.layout.nodes_per_instance,
                                  report.layout.node_gpus), (16, 4, 4))
                # One tray holds a quarter of the 671 GB of fp8 weights; the tray's HBM is 4 x 186 GB.
                common = {f.key: f.value for f in report.common}
                self.assertEqual(common["weights_per_node_gib"], Fraction(671 * 10 ** 9, 4 * GIB))
                self.assertEqual(common["hbm_total_gib"], Fraction(4 * 186 * 10 ** 9, GIB))
                self.assertNotIn("tensor_parallel_over_pcie", codes(report))
        # Data-parallel attention keeps one MLA latent per session (61 layers x 32768 tokens x 576 x 1 byte).
        self.assertEqual(report.kv.bytes, 61 * 32768 * 576)
        document = run_json(self.DEEPSEEK + extra + ["--lang", "en"])
        recommended = document["scenarios"]["recommended"]
        self.assertEqual((recommended["units"]["nodes_final"], recommended["units"]["trays_final"]), ("racks", "trays"))
        self.assertEqual(recommended["summary"], "RECOMMENDED: %d rack (%d trays in service) (N+1, 20%% headroom) ← USE IN "
                         "PRODUCTION" % (recommended["results"]["nodes_final"], recommended["results"]["trays_final"]))

    def test_instances_inside_the_domain_and_larger_ones_refused(self):
        self.check_racks(report_for(self.DEEPSEEK + ["--tensor-parallel", "32"]), 8)
        for tp, fragment in (("144", "NVLink"), ("6", "tray")):
            with self.subTest(tp=tp):
                status, _, err = run_cli(self.DEEPSEEK + ["--tensor-parallel", tp, "--lang", "en"])
                self.assertEqual(status, 2)
                self.assertIn(fragment, err)
        # A 72-GPU instance leaves no tray free beside it: the reserve is whole instances (racks). vLLM
        # cannot split 128 heads over TP 72, so attention runs data-parallel (DEP72).
        report = report_for(self.DEEPSEEK + ["--tensor-parallel", "72", "--data-parallel-attention"])
        for key, reserve in (("minimum", 0), ("recommended", 1), ("ideal", 2)):
            values = results(report, key)
            instances = ceil_div(1000 * (1 + {"minimum": 0, "recommended": F("0.2"), "ideal": F("0.3")}[key]),
                                 values["sessions_per_instance"])
            self.assertEqual((values["nodes_final"], values["trays_final"]), (instances + reserve, 18 * (instances + reserve)))

    def test_default_tensor_parallel_is_a_tray_or_the_fewest_trays_that_hold_the_weights(self):
        self.assertEqual(report_for(QUICK_START[:2] + ["--server", "gb200_nvl72"] + QUICK_START[4:]).tensor_parallel, 4)
        # DeepSeek-V3 in bf16 is 1,342 GB: more than one tray's 744 GB, less than two trays' 1,488 GB.
        bf16 = report_for(self.DEEPSEEK + ["--weight-precision", "bf16"])
        self.assertEqual((bf16.tensor_parallel, bf16.layout.nodes_per_instance), (8, 2))

    def test_a_tray_fails_and_the_reserve_is_spare_trays(self):
        report = report_for(QUICK_START[:2] + ["--server", "gb200_nvl72"] + QUICK_START[4:])
        self.check_racks(report, 1)
        recommended = results(report, "recommended")
        failure = [f for f in report.scenario("recommended").figures if f.key == "tpot_after_failure_ms"][0]
        planned = recommended["trays_final"] - recommended["nodes_final"]          # one instance per tray, 1 spare a rack
        self.assertEqual(dict(failure.inputs)["instances_left"], planned - 1)
        restore = [f for f in report.scenario("recommended").figures if f.key == "failover_restore_s"][0]
        self.assertEqual(dict(restore.inputs)["receiving_nodes"], 1)              # the spare tray
        # Cost and power are per rack: 18 trays x 42 USD/h.
        self.assertEqual(recommended["monthly_cost_usd"], recommended["nodes_final"] * 756 * 730)
        self.assertEqual(recommended["nodes_final"], 1)
        cost = [f for f in report.scenario("recommended").figures if f.key == "monthly_cost_usd"][0]
        trays = [f for f in report.scenario("recommended").figures if f.key == "trays_final"][0]
        for lang, words in (("en", ("1 rack × (756 USD/h", "trays in 1 rack of 18)")),
                            ("pt-BR", ("1 rack × (756 USD/h", "bandejas em 1 rack de 18)"))):
            with self.subTest(lang=lang):            # one rack, in the singular
                self.assertIn(words[0], formula(cost, lang))
                self.assertIn(words[1], formula(trays, lang))
        status, _, err = run_cli(QUICK_START[:2] + ["--server", "gb200_nvl72", "--disaggregated", "--requests-per-second",
                                                    "2", "--mean-session-seconds", "60", "--effective-context", "8192"])
        self.assertEqual(status, 2)
        self.assertIn("--disaggregated", err)


class PcieCards(unittest.TestCase):
    """Tensor parallel over PCIe is not costed as NVLink: the tool says so."""

    def test_tensor_parallel_over_pcie_warns(self):
        small = ["--model", "opt-oss-20b", "--concurrency", "100", "--effective-context", "8192"]
        cases = ((["--server", "l40s_8"], True), (["--server", "l40s_8", "--tensor-parallel", "1"], False),
                 (["--server", "rtx_pro_6000_se_8", "--tensor-parallel", "2"], True), (["--server", "mi300x_8"], False),
                 (["--server", "dgx300"], False))
        for extra, warned in cases:
            with self.subTest(extra=extra):
                self.assertEqual("tensor_parallel_over_pcie" in codes(report_for(small + extra)), warned)
        _, text, _ = run_cli(small + ["--server", "l40s_8", "--summary-only", "--lang", "en"])
        self.assertIn("TP 8 on 'l40s_8' runs its all-reduces over PCIe (64 GB/s per GPU, bidirectional)", text)
        self.assertIn("--tensor-parallel 1", text)


if __name__ == "__main__":
    unittest.main()
