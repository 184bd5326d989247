#!/usr/bin/env python3
"""Tests for sizing. Run: python3 test_sizing.py (or python3 -m unittest).

The tests live in tests/, one module per area (tests/test_<area>.py), with their fixtures as
files under tests/fixtures/ and the shared helpers in tests/support.py. This script discovers
every tests/test_*.py and runs the modules on as many worker processes as the machine has cores
(SIZING_TEST_JOBS=1 runs them one after another in this process), from any folder, and exits
non-zero when a test fails.
"""

import io
import os
import shutil
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(ROOT, "tests")


def module_names():
    """The test modules, the largest first (a rough cost: the workers take them in this order)."""
    names = [name[:-3] for name in os.listdir(TESTS) if name.startswith("test_") and name.endswith(".py")]
    return ["tests." + name for name in sorted(names, key=lambda n: (-os.path.getsize(os.path.join(TESTS, n + ".py")),
                                                                      n))]


def test_classes(modules):
    """'module.Class' of every TestCase class of the modules, in their order: the workers' tasks."""
    names = []
    for module in modules:
        for suite in unittest.defaultTestLoader.loadTestsFromName(module):
            for test in suite:
                name = "%s.%s" % (module, type(test).__name__)
                if name not in names and isinstance(test, unittest.TestCase):
                    names.append(name)
    return names


def run_module(name):
    """Run one test module or class: (its name, tests run, the ids of the failed tests, the failures' text)."""
    stream = io.StringIO()
    suite = unittest.defaultTestLoader.loadTestsFromName(name)
    result = unittest.TextTestRunner(stream=stream, verbosity=1).run(suite)
    # A test with failing subtests is one failed test, however many of its subtests failed.
    failed = sorted({test.id() if not hasattr(test, "test_case") else test.test_case.id()
                     for test, _ in result.failures + result.errors})
    return name, result.testsRun, failed, stream.getvalue() if failed else ""


def jobs():
    wanted = os.environ.get("SIZING_TEST_JOBS")
    return max(1, int(wanted)) if wanted and wanted.isdigit() else max(1, min(os.cpu_count() or 1, 4))


def run_all():
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    # One bytecode cache for every process of the run (the workers and the `python3 sizing.py` the tests
    # start), outside the repository and removed at the end: tests/support.py points them at it.
    cache = tempfile.mkdtemp(prefix="sizing-pycache-")
    os.environ["SIZING_TEST_PYCACHE"] = cache
    try:
        names = module_names()
        # Imported once here, so that forked workers start with the package and the tests loaded.
        for name in names:
            __import__(name)
        if jobs() == 1:
            results = [run_module(name) for name in names]
        else:
            import multiprocessing
            methods = multiprocessing.get_all_start_methods()
            with multiprocessing.get_context("fork" if "fork" in methods else "spawn").Pool(jobs()) as pool:
                results = list(pool.imap_unordered(run_module, test_classes(names)))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    total = sum(run for _, run, _, _ in results)
    failed = sum(len(ids) for _, _, ids, _ in results)
    for name, _, ids, text in sorted(results):
        if ids:
            print(text)
    print("%d passed, %d failed" % (total - failed, failed))
    if failed or not total:
        print("❌ %d de %d testes falharam" % (failed, total))
    else:
        print("✅ %d testes passados (100%%)" % total)
    return 0 if total and not failed else 1


if __name__ == "__main__":
    sys.exit(run_all())
