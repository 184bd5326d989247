"""What the test modules share: the CLI runners, the quick start's arguments, report helpers, fixtures.

The test modules import the package's internals from the module that defines them (sizer.*).
The command itself runs through `sizing.main(argv)` in `run_cli`, or as
`python3 <repo>/sizing.py` in `subprocess_cli`.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# The real processes the tests start (`python3 sizing.py ...`) share one bytecode cache, outside the
# repository and gone with the run, instead of each compiling the package again (PYTHONDONTWRITEBYTECODE
# may be set where the suite runs). This process writes it as it imports the package below.
if "SIZING_TEST_PYCACHE" not in os.environ:
    import atexit
    os.environ["SIZING_TEST_PYCACHE"] = tempfile.mkdtemp(prefix="sizing-pycache-")
    atexit.register(shutil.rmtree, os.environ["SIZING_TEST_PYCACHE"], True)
os.environ["PYTHONPYCACHEPREFIX"] = os.environ["SIZING_TEST_PYCACHE"]
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.pycache_prefix = os.environ["SIZING_TEST_PYCACHE"]
sys.dont_write_bytecode = False

import sizing  # noqa: E402  the entry point: sizing.main(argv)
from sizer.cli.options import options_from_args  # noqa: E402
from sizer.cli.parser import build_parser  # noqa: E402
from sizer.compute.report import build_report  # noqa: E402
from sizer.i18n import say  # noqa: E402
from sizer.model.catalog import load_inputs  # noqa: E402


_TREES = []


def package_trees():
    """(path, every node of its syntax tree) of each code module of the package, parsed once a run."""
    if not _TREES:
        import ast
        _TREES.extend((path, tuple(ast.walk(ast.parse(source)))) for path, source in package_sources(with_paths=True))
    return _TREES


def package_sources(with_paths=False):
    """The source of every code module of the package (the message catalogs left out)."""
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, "sizer"))):
        for name in sorted(files):
            if name.endswith(".py") and os.path.basename(folder) != "i18n" or name == "__init__.py":
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    yield (path, handle.read()) if with_paths else handle.read()


def fixture_path(*parts):
    """A file under tests/fixtures."""
    return os.path.join(FIXTURES, *parts)


def read_fixture(*parts):
    """A fixture's exact text: UTF-8, line endings as stored (no newline translation)."""
    with open(fixture_path(*parts), encoding="utf-8", newline="") as handle:
        return handle.read()


def golden(name):
    """A reviewed whole output, tests/fixtures/golden/NAME."""
    return read_fixture("golden", name)


def hf_config_text(name):
    """A published Hugging Face config.json, tests/fixtures/hf-configs/NAME, as text."""
    return read_fixture("hf-configs", name)


def engine_log(name):
    """A published engine startup log, tests/fixtures/engine-logs/NAME."""
    return read_fixture("engine-logs", name)


GIB = 2 ** 30
QUICK_START = ["--model", "opt-oss-120b", "--server", "dgx300", "--storage", "profile_default",
               "--concurrency", "1000", "--effective-context", "131072"]
SMALL_MODEL = ["--model", "opt-oss-20b", "--server", "dgx200", "--storage", "profile_default",
               "--concurrency", "1000", "--effective-context", "32768", "--kv-precision", "fp8"]


def run_cli(args, cwd=None, env=None):
    """The CLI; returns (status, stdout, stderr) as text.

    In-process through `sizing.main(argv)` (fast), with stdout and stderr captured as
    bytes, as a terminal would receive them. With `cwd` or `env`, a real subprocess:
    the console entry as a user runs it, under another folder, locale or encoding.
    """
    if cwd is not None or env is not None:
        return subprocess_cli(args, cwd=cwd, env=env)
    out, err = io.BytesIO(), io.BytesIO()
    stdout, stderr = io.TextIOWrapper(out, encoding="utf-8"), io.TextIOWrapper(err, encoding="utf-8")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        status = sizing.main(list(args))
        stdout.flush()
        stderr.flush()
        return status, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    finally:
        sys.stdout, sys.stderr = saved


def subprocess_cli(args, cwd=None, env=None, **popen):
    """`python3 sizing.py ARGS` in a subprocess; returns (status, stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    done = subprocess.run([sys.executable, os.path.join(ROOT, "sizing.py")] + list(args),
                          stdout=popen.pop("stdout", subprocess.PIPE), stderr=popen.pop("stderr", subprocess.PIPE),
                          cwd=cwd, env=full_env, **popen)
    decode = (lambda data: data.decode("utf-8") if data is not None else "")
    return done.returncode, decode(done.stdout), decode(done.stderr)


def run_json(args):
    status, out, err = run_cli(list(args) + ["--json-only"])
    assert status in (0, 1), err
    return json.loads(out)


def options_for(args):
    parser = build_parser()
    return options_from_args(parser.parse_args(args))


def report_for(args):
    options = options_for(args)
    return build_report(options, *load_inputs(options))


def results(report, key):
    return {f.key: f.value for f in report.common + report.scenario(key).figures}


def nodes(report):
    return tuple(results(report, k)["nodes_final"] for k in ("minimum", "recommended", "ideal"))


def codes(report):
    return [a.code for a in report.alerts]


def formula(item, lang="pt-BR"):
    """A figure's formula as the report shows it."""
    return say(item.formula, lang)


def explanation(item, lang="pt-BR"):
    return " ".join(say(part, lang) for part in item.explanation)


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content if isinstance(content, str) else json.dumps(content))
        return path

    def hf_config(self, name):
        """Copy one of the published configs (tests/fixtures/hf-configs) into the temporary folder; returns its path."""
        path = os.path.join(self.tmp, name)
        shutil.copyfile(fixture_path("hf-configs", name), path)
        return path


def F(text):
    return Fraction(text)


def with_option(args, option, value):
    args = list(args)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


NEGATIVE_NUMBER = re.compile(r"(?<![\w.)])-\d")


class LocalHubTest(TempDirTest):
    """A Hugging Face Hub stand-in on 127.0.0.1 for one test: serve(handler class) starts it and points
    HF_ENDPOINT and the cache at it; tearDown stops it and puts the environment back."""

    def serve(self, handler):
        import http.server
        import threading
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.saved_env = {key: os.environ.get(key) for key in ("HF_ENDPOINT", "HF_TOKEN", "XDG_CACHE_HOME")}
        os.environ["HF_ENDPOINT"] = "http://127.0.0.1:%d" % self.server.server_address[1]
        os.environ["XDG_CACHE_HOME"] = os.path.join(self.tmp, "cache")
        os.environ.pop("HF_TOKEN", None)

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        for key, value in self.saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        TempDirTest.tearDown(self)

    def sized(self, model_id, *extra):
        return run_cli(["--model-config", model_id, "--server", "dgxh100", "--concurrency", "10",
                        "--effective-context", "8192", "--json-only"] + list(extra))
