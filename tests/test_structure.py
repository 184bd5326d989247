"""The package's shape (issue 17): a thin entry, modules by responsibility with no import cycle and
none over 800 lines, fixtures as files, and the single-file build that runs from anywhere."""

from __future__ import annotations      # the records below keep their annotations as text

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
        self.assertEqual(hash(self.Base(1, "y")), hash((1, "y")))      # every field, as dataclasses hashes
        self.assertNotEqual(one, other)

        @record
        class Same(self.Base):          # another class with the very same fields
            pass
        self.assertEqual(fields(Same), fields(self.Base))
        self.assertNotEqual(Same(1), self.Base(1))
        self.assertEqual(len({one, same, other}), 2)
        with self.assertRaises(AttributeError):
            one.a = 5
        with self.assertRaises(AttributeError):
            del one.a
        self.assertEqual(one.a, 1)

    def test_a_subclass_overrides_a_default_in_place(self):
        @record
        class Override(self.Child):
            a: int = 5              # re-annotated: keeps its place, takes the subclass's default
            b: str = "y"
        self.assertEqual(fields(Override), ("a", "b", "c"))
        self.assertEqual((Override().a, Override().b, self.Child(1).b), (5, "y", "x"))
        self.assertEqual(Override(1, "z", (2,)).c, (2,))

    def test_refused_declarations(self):
        for body in ({"__annotations__": {"a": "list"}, "a": []},              # a default every instance would share
                     {"__annotations__": {"a": "int"}, "__eq__": lambda s, o: True},  # @record writes __eq__
                     {"__annotations__": {"a": "int"}, "__repr__": lambda s: ""}):
            with self.subTest(body=sorted(body)):
                with self.assertRaises(TypeError):
                    record(type("Bad", (), body))

    def test_replace_and_asdict(self):
        one = self.Child(1, c=(self.Base(2), {"k": [self.Base(3)]}))
        changed = replace(one, b="y")
        self.assertEqual((changed.a, changed.b, one.b), (1, "y", "x"))
        self.assertEqual(type(changed), self.Child)
        with self.assertRaises(TypeError):
            replace(one, d=1)
        self.assertEqual(asdict(one), {"a": 1, "b": "x", "c": ({"a": 2, "b": "x"}, {"k": [{"a": 3, "b": "x"}]})})
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


def record_classes():
    """[(record class, the namespace its annotations are read in)] of every package module: the module's
    names and those it imports under `if TYPE_CHECKING:`."""
    import importlib
    import pkgutil
    import sizer
    found = []
    for info in pkgutil.walk_packages(sizer.__path__, "sizer."):
        module = importlib.import_module(info.name)
        namespace = dict(vars(module))
        for path, nodes in package_trees():
            if module_name(path) == info.name:
                for node in nodes:
                    if isinstance(node, ast.ImportFrom) and id(node) in type_checking_only(nodes):
                        source = importlib.import_module(node.module)
                        namespace.update((alias.name, getattr(source, alias.name)) for alias in node.names)
        found += [(cls, namespace) for cls in vars(module).values()
                  if isinstance(cls, type) and cls.__module__ == info.name and "_record_fields" in cls.__dict__]
    return found


def conforms(value, annotation):
    """Whether `value` is of the evaluated `annotation` (X | None, tuple[X, ...], tuple[X, Y], list[X],
    dict[K, V], Callable[...], a class; an int where a float is annotated)."""
    import collections.abc
    import types
    if annotation is None or annotation is type(None):
        return value is None
    if isinstance(annotation, types.UnionType):
        return any(conforms(value, option) for option in annotation.__args__)
    origin, args = getattr(annotation, "__origin__", None), getattr(annotation, "__args__", ())
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(conforms(item, args[0]) for item in value)
        return len(value) == len(args) and all(conforms(item, arg) for item, arg in zip(value, args))
    if origin is list:
        return isinstance(value, list) and all(conforms(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(conforms(k, args[0]) and conforms(v, args[1]) for k, v in value.items())
    if origin is collections.abc.Callable:
        return callable(value)
    if annotation is float:
        return isinstance(value, (float, int))
    return isinstance(value, annotation)


class TypedRecords(unittest.TestCase):
    LOOSE = {"object", "tuple", "dict", "list"}

    def test_every_record_module_keeps_annotations_as_text(self):
        # sizer.frozen reads a class's own __annotations__, which Python 3.14 keeps only under this import.
        for path, source in package_sources(with_paths=True):
            if "@record" in source and not path.endswith("frozen.py"):
                with self.subTest(module=module_name(path)):
                    self.assertIn("from __future__ import annotations", source)

    def test_every_record_field_has_a_specific_type_that_names_real_classes(self):
        import builtins
        checked = 0
        for cls, namespace in record_classes():
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

    @unittest.skipIf(sys.version_info < (3, 10), "X | None and tuple[...] evaluate from Python 3.10 on")
    def test_every_value_a_run_builds_is_of_its_fields_type(self):
        # Every record built in a set of runs that reach most of the package (memory, traffic, simulation,
        # disaggregated pools, racks, --solve, --commands, comparisons, --search, calibration by the same
        # path as main), and every record in what they return, is checked against its fields' types.
        from unittest import mock
        from tests.support import engine_log, hf_config_text, run_cli
        types = {}
        for cls, namespace in record_classes():
            for name, annotation in cls.__dict__.get("__annotations__", {}).items():
                types[(cls, name)] = eval(annotation, namespace)
        wrong = set()

        def check(obj):
            for klass in type(obj).__mro__:
                for name in klass.__dict__.get("__annotations__", {}):
                    if not conforms(obj.__dict__[name], types[(klass, name)]):
                        wrong.add("%s.%s = %r" % (klass.__name__, name, type(obj.__dict__[name]).__name__))

        def checking(init):
            def __init__(self, *args, **kwargs):
                init(self, *args, **kwargs)
                check(self)
            return __init__
        traffic = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--requests-per-second", "200",
                   "--input-tokens", "2000", "--output-tokens", "500"]
        with tempfile.TemporaryDirectory() as folder:
            config, log = os.path.join(folder, "config.json"), os.path.join(folder, "granite.log")
            for path, text in ((config, hf_config_text("granite-4.0-micro.json")), (log, engine_log("granite.log"))):
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
            runs = [QUICK_START + ["--commands"], QUICK_START[:4] + ["--concurrency", "10,20", "--effective-context",
                                                                     "8192"],
                    QUICK_START[:2] + ["--server", "gb200_nvl72"] + QUICK_START[4:] + ["--kv-accounting", "vllm"],
                    traffic + ["--disaggregated"], traffic + ["--tpot-slo-ms", "30", "--kv-accounting", "sglang"],
                    traffic[:6] + ["--input-tokens", "1000", "--output-tokens", "100:1,300:1", "--simulated-requests",
                                   "200", "--kv-accounting", "trtllm"],
                    traffic[:4] + ["--input-tokens", "8000", "--output-tokens", "1000", "--solve", "rate", "--nodes", "2"],
                    QUICK_START[:4] + ["--effective-context", "131072", "--solve", "concurrency", "--nodes", "1"],
                    traffic + ["--search", "--search-space", "disagg=off,on;tp=1,2"],
                    ["--model-config", config, "--server", "dgxh100", "--concurrency", "100", "--effective-context",
                     "8192", "--kv-accounting", "vllm", "--calibrate-from", log]]
            classes = [cls for cls, _ in record_classes()]
            patches = [mock.patch.object(cls, "__init__", checking(cls.__dict__["__init__"])) for cls in classes]
            for patch in patches:
                patch.start()
            try:
                for args in runs:
                    status, out, err = run_cli(args + ["--json-only"])
                    self.assertIn(status, (0, 1), (args, err))
            finally:
                for patch in patches:
                    patch.stop()
        self.assertEqual(sorted(wrong), [])
