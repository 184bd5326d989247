"""Inverse questions: solving for the largest load a fleet serves."""

import json
import unittest

from sizer.compute.solve import solve_report
from sizer.i18n import say
from sizer.model.catalog import load_inputs
from tests.support import options_for, report_for, run_cli


class InverseQuestions(unittest.TestCase):
    """--solve concurrency|context --nodes N: exact answers per scenario, with the edges."""

    BASE = ["--model", "gpt-oss-120b", "--server", "dgx300", "--storage", "profile_default"]

    def test_sessions_four_nodes_hold(self):
        # 629 sessions per node (KV budget 70%), 584 in IDEAL (65%): MÍNIMO 4 x 629 = 2516; RECOMENDADO
        # ceil(1.2 C / 629) + 1 <= 4 -> C <= 1572.5; IDEAL ceil(1.3 C / 584) + 2 <= 4 -> C <= 898.4.
        report = solve_report(*self.solved(["--effective-context", "131072", "--solve", "concurrency",
                                                   "--nodes", "4"]))
        answers = {r.scenario.key: r.figures[0].value for r in report.scenarios}
        self.assertEqual(answers, {"minimum": 2516, "recommended": 1572, "ideal": 898})
        for key, answer in answers.items():
            with self.subTest(scenario=key):
                self.assertLessEqual(self.nodes_at(key, "--concurrency", answer), 4)
                self.assertGreater(self.nodes_at(key, "--concurrency", answer + 1), 4)
        # The full report is sized at RECOMENDADO's answer; JSON has the answers under `solve`.
        self.assertEqual(report.options.concurrency, 1572)
        status, out, _ = run_cli(self.BASE + ["--effective-context", "131072", "--solve", "concurrency", "--nodes",
                                              "4", "--json-only"])
        self.assertEqual(json.loads(out)["solve"], {"question": "concurrency", "nodes": 4,
                                                     "answers": {"minimum": 2516, "recommended": 1572, "ideal": 898}})
        summary = run_cli(self.BASE + ["--effective-context", "131072", "--solve", "concurrency", "--nodes", "4",
                                       "--summary-only", "--lang", "en"])[1]
        self.assertTrue(summary.startswith("SESSIONS 4 NODES HOLD\nMINIMUM: 2516 sessions\n"), summary[:80])

    def test_longest_context_and_the_edges(self):
        report = solve_report(*self.solved(["--concurrency", "1000", "--solve", "context", "--nodes", "3"]))
        answers = {r.scenario.key: r.figures[0].value for r in report.scenarios}
        # Everything fits: up to max_position_embeddings (131072) in MÍNIMO and RECOMENDADO.
        self.assertEqual((answers["minimum"], answers["recommended"]), (131072, 131072))
        self.assertLessEqual(self.nodes_at("ideal", "--effective-context", answers["ideal"], "1000"), 3)
        self.assertGreater(self.nodes_at("ideal", "--effective-context", answers["ideal"] + 1, "1000"), 3)
        # Nothing fits: RECOMENDADO needs a reserve node, so one node serves no session there.
        one = solve_report(*self.solved(["--effective-context", "131072", "--solve", "concurrency",
                                                "--nodes", "1"]))
        answers = {r.scenario.key: r.figures[0].value for r in one.scenarios}
        self.assertEqual(answers, {"minimum": 629, "recommended": 0, "ideal": 0})
        self.assertIn("no concurrency fits 1 node(s)", say(one.scenario("ideal").figures[0].formula, "en"))
        for lang, heading in (("en", "SESSIONS 1 NODE HOLDS\nMINIMUM: 629 sessions\n"),
                              ("pt-BR", "SESSÕES QUE 1 NÓ COMPORTA\nMÍNIMO: 629 sessões\n")):
            with self.subTest(lang=lang):          # one node, in the singular
                summary = run_cli(self.BASE + ["--effective-context", "131072", "--solve", "concurrency", "--nodes",
                                               "1", "--summary-only", "--lang", lang])[1]
                self.assertTrue(summary.startswith(heading), summary[:60])

    def test_bad_questions(self):
        for args, fragment in ((["--solve", "concurrency", "--effective-context", "1024"], "--nodes"),
                               (["--nodes", "3", "--concurrency", "1", "--effective-context", "1024"], "--solve"),
                               (["--solve", "price", "--nodes", "3", "--effective-context", "1024"], "--solve"),
                               (["--solve", "context", "--nodes", "3", "--requests-per-second", "1",
                                 "--mean-session-seconds", "1"], "--requests-per-second"),
                               (["--solve", "context", "--nodes", "0", "--concurrency", "5"], "--nodes")):
            with self.subTest(args=args):
                status, out, err = run_cli(self.BASE + args)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(fragment, err)

    def solved(self, args):
        options = options_for(self.BASE + args)
        return (options,) + tuple(load_inputs(options))

    def nodes_at(self, key, option, value, concurrency=None):
        args = self.BASE + [option, str(value)] + (["--concurrency", concurrency] if concurrency else [])
        if option == "--concurrency":
            args += ["--effective-context", "131072"]
        return report_for(args).scenario(key).nodes_final
