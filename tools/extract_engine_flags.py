"""Extract every command-line flag of an engine's server from its own parser, into the fixture
tests/fixtures/engine-flags/<engine>-<release>.json that the command tests check each emitted flag against.

Run it with the engine's own Python (the engine package importable, its dependencies installed):

    VLLM_TARGET_DEVICE=cpu /path/to/vllm-env/bin/python tools/extract_engine_flags.py vllm > vllm-0.33.0.json
    PYTHONPATH=/path/to/unpacked/sglang-wheel /path/to/env/bin/python tools/extract_engine_flags.py sglang > ...

vLLM: `vllm serve`'s parser, vllm.entrypoints.common.cli_args.make_arg_parser(FlexibleArgumentParser())
(VLLM_TARGET_DEVICE=cpu only lets the config dataclasses build their defaults on a machine without a
GPU; the flags do not depend on the platform). SGLang: `python -m sglang.launch_server`'s parser,
sglang.srt.server_args.ServerArgs.add_cli_args(argparse.ArgumentParser()).

Besides the flags, the fixture keeps the values the commands give to a few of them (the KV-cache
dtypes, the quantization methods, the speculative methods and the speculative-config keys), read from
the same release, and the negated spellings of on/off flags that the parser accepts.
This script is not part of the package (it imports engines); the tests only read its output.
"""

import argparse
import json
import sys


def _options(parser):
    """{flag: {"takes_value": bool}} for every option string, and the deprecated ones."""
    options, deprecated = {}, []
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--"):
                options[flag] = {"takes_value": action.nargs != 0}
        if "Deprecated" in type(action).__name__:
            deprecated.extend(flag for flag in action.option_strings if flag.startswith("--"))
    return options, sorted(deprecated)


def _choices(parser, flag):
    for action in parser._actions:
        if flag in action.option_strings and action.choices:
            return sorted(str(choice) for choice in action.choices)
    return None


def _negations(parser, options, argv_head):
    """The `--no-X` spellings of on/off flags that this parser accepts (vLLM's FlexibleArgumentParser
    turns them into the flag's off value)."""
    accepted = []
    for flag, info in sorted(options.items()):
        negated = "--no-" + flag[2:]
        if info["takes_value"] or flag.startswith("--no-") or negated in options:
            continue
        try:
            parser.parse_args(argv_head + [negated])
        except SystemExit:
            continue
        accepted.append(negated)
    return accepted


def vllm_flags():
    import typing
    import vllm
    from vllm.config.cache import CacheDType
    from vllm.config.speculative import SpeculativeConfig, SpeculativeMethod
    from vllm.entrypoints.common.cli_args import make_arg_parser
    from vllm.model_executor.layers.quantization import QUANTIZATION_METHODS
    from vllm.utils.argparse_utils import FlexibleArgumentParser
    import dataclasses

    parser = make_arg_parser(FlexibleArgumentParser())
    options, deprecated = _options(parser)
    quiet = open("/dev/null", "w")
    stderr, sys.stderr = sys.stderr, quiet
    try:
        negations = _negations(parser, options, ["model"])
    finally:
        sys.stderr = stderr
    return {
        "engine": "vllm", "release": vllm.__version__, "command": ["vllm", "serve"],
        "options": options, "deprecated": deprecated, "accepted_negations": negations,
        "values": {"--kv-cache-dtype": sorted(typing.get_args(CacheDType)),
                   "--quantization": sorted(QUANTIZATION_METHODS)},
        "json_keys": {"--speculative-config": sorted(f.name for f in dataclasses.fields(SpeculativeConfig)),
                      "--speculative-config.method": sorted(typing.get_args(SpeculativeMethod))},
    }


def sglang_flags():
    from importlib.metadata import version
    from sglang.srt.server_args import ServerArgs
    from sglang.srt.speculative.spec_info import SpeculativeAlgorithm
    from sglang.srt.speculative import spec_registry

    parser = argparse.ArgumentParser()
    ServerArgs.add_cli_args(parser)
    options, deprecated = _options(parser)
    algorithms = sorted({m.name for m in SpeculativeAlgorithm} | set(spec_registry._RESERVED_ALIASES))
    return {
        "engine": "sglang", "release": version("sglang"), "command": ["python", "-m", "sglang.launch_server"],
        "options": options, "deprecated": deprecated, "accepted_negations": [],
        "values": {"--kv-cache-dtype": _choices(parser, "--kv-cache-dtype"),
                   "--quantization": _choices(parser, "--quantization"),
                   "--speculative-algorithm": algorithms},
        "json_keys": {},
    }


EXTRACTORS = {"vllm": vllm_flags, "sglang": sglang_flags}


def main(argv):
    if len(argv) != 1 or argv[0] not in EXTRACTORS:
        sys.stderr.write("usage: extract_engine_flags.py {%s}\n" % ",".join(EXTRACTORS))
        return 2
    document = EXTRACTORS[argv[0]]()
    sys.stdout.write(json.dumps(document, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
