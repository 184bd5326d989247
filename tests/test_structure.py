"""The package's shape (issue 17): a thin entry, modules by responsibility with no import cycle and
none over 800 lines, fixtures as files, and the single-file build that runs from anywhere."""

import ast
import json
import os
import subprocess
import sys
import tempfile
import unittest

from tests.support import QUICK_START, ROOT, package_sources, package_trees

MAX_MODULE_LINES = 800
MAX_ENTRY_LINES = 80
MAX_TEST_LINE = 300


def module_name(path):
    name = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return name[:-len(".__init__")] if name.endswith(".__init__") else name


def package_imports():
    """{module: {package modules it imports}}, top-level and inside functions alike."""
    graph = {}
    for path, nodes in package_trees():
        edges = set()
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sizer":
                edges.add(node.module)
            elif isinstance(node, ast.Import):
                edges |= {alias.name for alias in node.names if alias.name.split(".")[0] == "sizer"}
        graph[module_name(path)] = edges
    return graph


class PackageShape(unittest.TestCase):
    def test_the_entry_is_thin(self):
        with open(os.path.join(ROOT, "sizing.py"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        self.assertLessEqual(len(lines), MAX_ENTRY_LINES)

    def test_modules_by_responsibility_none_too_long(self):
        sources = list(package_sources(with_paths=True))
        self.assertGreaterEqual(len(sources), 10)
        for path, source in sources:
            with self.subTest(module=module_name(path)):
                self.assertLessEqual(len(source.splitlines()), MAX_MODULE_LINES)

    def test_no_import_cycle(self):
        graph = package_imports()
        # A package's __init__ runs before its modules: an edge to "sizer.x.y" also reaches "sizer.x".
        for module, edges in graph.items():
            graph[module] = {e for e in edges if e != module} | {
                e.rsplit(".", 1)[0] for e in edges if e.count(".") > 1 and e.rsplit(".", 1)[0] != module}
        cycles = []
        for start in graph:
            seen, stack = set(), [(start, (start,))]
            while stack:
                module, path = stack.pop()
                for target in graph.get(module, ()):
                    if target == start:
                        cycles.append(" -> ".join(path + (target,)))
                    elif target not in seen:
                        seen.add(target)
                        stack.append((target, path + (target,)))
        self.assertEqual(cycles, [])

    def test_the_cycle_check_finds_a_cycle(self):
        # The check above, run on a graph with a cycle, must see it (a test that cannot fail is a defect).
        graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
        seen, stack, found = set(), [("a", ("a",))], []
        while stack:
            module, path = stack.pop()
            for target in graph[module]:
                if target == "a":
                    found.append(path)
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, path + (target,)))
        self.assertEqual(found, [("a", "b", "c")])

    def test_no_test_line_over_300_characters(self):
        paths = [os.path.join(ROOT, "test_sizing.py")] + [
            os.path.join(ROOT, "tests", name) for name in os.listdir(os.path.join(ROOT, "tests"))
            if name.endswith(".py")]
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    with self.subTest(file=os.path.basename(path), line=number):
                        self.assertLessEqual(len(line.rstrip("\n")), MAX_TEST_LINE)


class SingleFileBuild(unittest.TestCase):
    def test_the_pyz_runs_the_quick_start_from_another_folder(self):
        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, "dist", "sizing.pyz")
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "build_pyz.py"), "--output", target],
                           check=True, stdout=subprocess.PIPE)
            elsewhere = os.path.join(folder, "elsewhere")
            os.mkdir(elsewhere)
            done = subprocess.run([sys.executable, target] + QUICK_START + ["--json-only"], cwd=elsewhere,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(done.returncode, 0, done.stderr)
            scenarios = json.loads(done.stdout.decode("utf-8"))["scenarios"]
            self.assertEqual([scenarios[k]["results"]["nodes_final"] for k in ("minimum", "recommended", "ideal")],
                             [2, 3, 5])
            done = subprocess.run([sys.executable, target, "--model", "nope", "--server", "dgx300", "--concurrency", "1",
                               "--effective-context", "1"], cwd=elsewhere,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(done.returncode, 2)
            self.assertIn(os.path.join("sizing.pyz", "sizer", "catalogs", "models.json"), done.stderr.decode())
