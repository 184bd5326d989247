"""Cost and power."""

import unittest

from sizer.display import _fixed
from tests.support import F, QUICK_START, report_for, results, run_cli, run_json


class CostAndPower(unittest.TestCase):
    """Monthly cost, power and cost per million output tokens, in USD, from the catalog or the options."""

    ARGS = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "500", "--effective-context",
            "32768", "--runtime-overhead-gib", "160"]

    def test_the_catalogs_hourly_rent_and_power(self):
        report = report_for(self.ARGS)
        for key in ("minimum", "recommended", "ideal"):
            with self.subTest(scenario=key):
                values = results(report, key)
                nodes_final = values["nodes_final"]
                # dgx200: 43.26 USD per node-hour (AWS p5e.48xlarge Capacity Block rate), 10.2 kW maximum.
                self.assertEqual(values["monthly_cost_usd"], nodes_final * F("43.26") * 730)
                self.assertEqual(values["power_kw"], nodes_final * F("10.2"))
                tokens_month = 500 * values["tokens_per_s_session_load"] * 730 * 3600
                self.assertEqual(values["cost_per_million_tokens_usd"], values["monthly_cost_usd"] / tokens_month * 10 ** 6)
        recommended = results(report, "recommended")
        self.assertEqual((recommended["nodes_final"], _fixed(recommended["monthly_cost_usd"], 2)),
                         (6, "189478.80"))
        document = run_json(self.ARGS)
        self.assertEqual(document["scenarios"]["recommended"]["units"]["monthly_cost_usd"], "USD/month")
        self.assertEqual(document["scenarios"]["recommended"]["rationale"]["monthly_cost_usd"]["inputs"]["currency"],
                         "USD")

    def test_a_bought_node_amortized_with_its_energy(self):
        values = results(report_for(self.ARGS + ["--node-price", "400000", "--amortization-months", "48",
                                                 "--power-cost-per-kwh", "0.12"]), "recommended")
        # 6 nodes x (400,000 / 48) + 6 x 10.2 kW x 730 h x 0.12 USD/kWh = 50,000 + 5,361.12.
        self.assertEqual(values["monthly_cost_usd"], 6 * F(400000) / 48 + 6 * F("10.2") * 730 * F("0.12"))
        self.assertEqual(_fixed(values["monthly_cost_usd"], 2), "55361.12")

    def test_no_price_no_cost_and_the_options_give_one(self):
        # dgx300 rents at 59.20 USD per node-hour (Hyperstack's B300 rate) and has no published power.
        quick = results(report_for(QUICK_START), "recommended")
        self.assertEqual(quick["monthly_cost_usd"], 3 * F("59.20") * 730)
        self.assertIsNone(quick.get("power_kw"))
        unpriced = results(report_for(QUICK_START[:2] + ["--server", "mi355x_8"] + QUICK_START[4:]), "recommended")
        self.assertIsNone(unpriced.get("monthly_cost_usd"))
        priced = results(report_for(QUICK_START + ["--node-cost-per-hour", "100"]), "recommended")
        self.assertEqual(priced["monthly_cost_usd"], 3 * 100 * 730)
        _, text, _ = run_cli(QUICK_START + ["--node-cost-per-hour", "100", "--lang", "en"])
        self.assertIn("3 nodes × (100 USD/h × 730 h = 73000.00 USD per node-month) = 219000.00 USD/month", text)
        status, _, err = run_cli(QUICK_START + ["--node-cost-per-hour", "100", "--node-price", "1"])
        self.assertEqual(status, 2)
        self.assertIn("--node-price", err)
