"""The package's shape (issue 17): a thin entry, modules by responsibility with no import cycle and
none over 800 lines, fixtures as files, and the single-file build that runs from anywhere."""

import ast
import json
import os
import subprocess
import sys
import tempfile
import unittest

from sizer.frozen import asdict, fields, record, replace
from tests.support import QUICK_START, ROOT, package_sources, package_trees

MAX_MODULE_LINES = 800
MAX_ENTRY_LINES = 80
MAX_TEST_LINE = 300


def module_name(path):
    name = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return name[:-len(".__init__")] if name.endswith(".__init__") else name


def type_checking_only(nodes):
    """The ids of the imports under `if TYPE_CHECKING:`: names for annotations, never run."""
    return {id(child) for node in nodes if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING" for statement in node.body for child in ast.walk(statement)}


def package_imports():
    """{module: {package modules it imports}}, top-level and inside functions alike (not the imports
    under `if TYPE_CHECKING:`, which only annotations read)."""
    graph = {}
    for path, nodes in package_trees():
        edges = set()
        skipped = type_checking_only(nodes)
        for node in nodes:
            if id(node) in skipped:
                continue
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


class FrozenRecords(unittest.TestCase):
    """sizer.frozen.record: what a frozen dataclass gives, at none of its start-up cost."""

    def setUp(self):
        @record
        class Base:
            a: int
            b: str = "x"

        @record
        class Child(Base):
            c: tuple = ()

        self.Base, self.Child = Base, Child

    def test_fields_defaults_and_construction(self):
        self.assertEqual(fields(self.Child), ("a", "b", "c"))
        child = self.Child(1, c=(2,))
        self.assertEqual((child.a, child.b, child.c), (1, "x", (2,)))
        for args, kwargs in (((), {}), ((1, "y", (), 4), {}), ((1,), {"a": 2}), ((1,), {"d": 2})):
            with self.subTest(args=args, kwargs=kwargs):
                with self.assertRaises(TypeError):
                    self.Child(*args, **kwargs)
        with self.assertRaises(TypeError):          # a field without a default after one with a default
            record(type("Bad", (), {"__annotations__": {"a": int, "b": int}, "a": 1}))

    def test_equality_hash_and_frozenness(self):
        one, same, other = self.Child(1), self.Child(1), self.Child(2)
        self.assertEqual(one, same)
        self.assertEqual(hash(one), hash(same))
        self.assertNotEqual(one, other)
        self.assertNotEqual(self.Base(1), one)      # another class, the same values
        self.assertEqual(len({one, same, other}), 2)
        with self.assertRaises(AttributeError):
            one.a = 5
        with self.assertRaises(AttributeError):
            del one.a
        self.assertEqual(one.a, 1)

    def test_replace_and_asdict(self):
        one = self.Child(1, c=(self.Base(2),))
        changed = replace(one, b="y")
        self.assertEqual((changed.a, changed.b, one.b), (1, "y", "x"))
        with self.assertRaises(TypeError):
            replace(one, d=1)
        self.assertEqual(asdict(one), {"a": 1, "b": "x", "c": ({"a": 2, "b": "x"},)})
        self.assertEqual(repr(self.Base(1)), "Base(a=1, b='x')")


class StartCost(unittest.TestCase):
    def test_a_summary_run_imports_none_of_the_costly_modules_it_does_not_need(self):
        # dataclasses (with inspect) and difflib cost milliseconds to import; a run needs neither.
        # Compared with a bare interpreter, whose own start may import some of them (site, .pth files).
        probe = ("import sys; before = set(sys.modules); sys.path.insert(0, %r); import sizing; "
                 "sizing.main(%r); print(sorted(set(sys.modules) - before))") % (ROOT, QUICK_START + ["--summary-only"])
        done = subprocess.run([sys.executable, "-c", probe], stdout=subprocess.PIPE, check=True)
        added = set(json.loads(done.stdout.decode("utf-8").splitlines()[-1].replace("'", '"')))
        self.assertIn("sizer.compute.report", added)
        self.assertEqual(sorted(added & {"dataclasses", "inspect", "difflib", "string", "typing"}), [])


class TypedRecords(unittest.TestCase):
    LOOSE = {"object", "tuple", "dict", "list"}

    def test_every_record_field_has_a_specific_type_that_names_real_classes(self):
        import builtins
        import importlib
        import pkgutil
        import sizer
        checked = 0
        for info in pkgutil.walk_packages(sizer.__path__, "sizer."):
            module = importlib.import_module(info.name)
            namespace = dict(vars(module))
            for path, nodes in package_trees():       # the names imported under `if TYPE_CHECKING:`
                if module_name(path) == info.name:
                    for node in nodes:
                        if isinstance(node, ast.ImportFrom) and id(node) in type_checking_only(nodes):
                            source = importlib.import_module(node.module)
                            namespace.update((alias.name, getattr(source, alias.name)) for alias in node.names)
            for cls in vars(module).values():
                if not (isinstance(cls, type) and cls.__module__ == info.name and hasattr(cls, "_record_fields")):
                    continue
                for name, annotation in cls.__dict__.get("__annotations__", {}).items():
                    with self.subTest(record=cls.__name__, field=name):
                        checked += 1
                        self.assertIsInstance(annotation, str)     # never evaluated at run time
                        self.assertNotIn(annotation, self.LOOSE)
                        names = {n.id for n in ast.walk(ast.parse(annotation, mode="eval")) if isinstance(n, ast.Name)}
                        self.assertEqual(sorted(n for n in names if n not in namespace and not hasattr(builtins, n)), [])
                        if sys.version_info >= (3, 10):         # X | None and tuple[...] evaluate from 3.10 on
                            eval(annotation, namespace)
        self.assertGreater(checked, 600)
