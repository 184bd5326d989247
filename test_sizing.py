#!/usr/bin/env python3
"""Tests for sizing. Run: python3 test_sizing.py (or python3 -m unittest).

The tests live in tests/, one module per area (tests/test_<area>.py), with their fixtures as
files under tests/fixtures/ and the shared helpers in tests/support.py. This script discovers
and runs every tests/test_*.py, from any folder, and exits non-zero when one fails.
"""

import os
import sys
import unittest

ROOT = os.path.dirname(os.path.abspath(__file__))


def run_all():
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    suite = unittest.defaultTestLoader.discover(os.path.join(ROOT, "tests"), pattern="test_*.py", top_level_dir=ROOT)
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    total = result.testsRun
    # A test with failing subtests is one failed test, however many of its subtests failed.
    failed = len({test.id() if not hasattr(test, "test_case") else test.test_case.id()
                  for test, _ in result.failures + result.errors})
    print("%d passed, %d failed" % (total - failed, failed))
    if failed or not total:
        print("❌ %d de %d testes falharam" % (failed, total))
    else:
        print("✅ %d testes passados (100%%)" % total)
    return 0 if total and not failed else 1


if __name__ == "__main__":
    sys.exit(run_all())
