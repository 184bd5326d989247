"""The argument parser, its messages from the catalogs, and where the shipped catalogs are.
"""

import os
import re
import sys

from sizer.cli.files import emit
from sizer.display import _fixed, _plain
from sizer.engines.registry import ENGINES
from sizer.i18n import render, translate_argparse
from sizer.render import FORMATS
from sizer.numbers import InputError, _option_text
from sizer import __version__
from sizer.vocab import (DEFAULTS, DEFAULT_LANGUAGE, HERE, Join, KV_PRECISIONS, LANGUAGES, LIST_KINDS,
    NEWEST_VLLM, ORDER_BY, T, WEIGHT_PRECISIONS)


# ---------------------------------------------------------------------------
# 12. Command line: argparse with messages from the table, safe file writing, main
# ---------------------------------------------------------------------------

def default_catalog(filename):
    """A shipped catalog: beside the entry (sizing.py), inside the zip archive the package runs
    from (dist/sizing.pyz keeps them as package data, sizer/catalogs/), or where `pip install`
    put it."""
    if os.path.isfile(HERE):
        return os.path.join(HERE, "sizer", "catalogs", filename)
    for folder in (HERE, os.path.join(sys.prefix, "share", "sizing")):
        candidate = os.path.join(folder, filename)
        if os.path.isfile(candidate):
            return candidate
    return os.path.join(HERE, filename)


class DefaultValue(str):
    """An option's default as argparse holds it: the same text, marked as not typed by the user (a hint
    about the tool's own assumption is only given when the user did not choose)."""


class UsageError(Exception):
    """argparse rejected the command line (message already in the chosen language)."""


def requested_language(argv):
    """--lang, read before argparse so that its own messages and --help follow it."""
    lang = DEFAULT_LANGUAGE
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif isinstance(arg, str) and arg.startswith("--lang="):
            lang = arg[len("--lang="):]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


_PARSERS = {}     # one parser per language: building one takes milliseconds, and parsing leaves it as it was


def build_parser(lang=DEFAULT_LANGUAGE):
    """The parser in a language, built once per process (a run in-process builds it again for nothing:
    parsing leaves it unchanged); argparse's own words are switched to the language on every call."""
    import argparse
    argparse._ = translate_argparse(lang)
    argparse.ngettext = lambda singular, plural, count: argparse._(singular if count == 1 else plural)
    if lang not in _PARSERS:
        _PARSERS[lang] = _new_parser(lang, argparse)
    return _PARSERS[lang]


def _new_parser(lang, argparse):

    def text(message_id, **params):
        return render(T(message_id, **params), lang)

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            # An unknown option gets the closest known ones ("--modle" -> "--model").
            known = [option for option in self._option_string_actions if option.startswith("--")]
            unknown = [word for word in re.findall(r"--[A-Za-z][A-Za-z0-9-]*", message) if word not in known]
            close = []
            import difflib      # only to word an error
            for word in unknown:
                close += [option for option in difflib.get_close_matches(word, known, n=2, cutoff=0.7)
                          if option not in close]
            if close:
                message += text("err.did_you_mean", names=Join(tuple(close)))
            raise UsageError(message)

        def _print_message(self, message, file=None):
            if message:
                emit(file or sys.stdout, message)

    parser = Parser(prog="sizing", add_help=False, allow_abbrev=False, description=text("help.description"),
                    epilog=text("help.epilog"))
    name, file, profile = text("metavar.name"), text("metavar.file"), text("metavar.profile")
    group = parser.add_argument_group(text("help.group.load"))
    group.add_argument("--list", metavar="KIND", help=text("help.list", kinds=", ".join(LIST_KINDS)))
    group.add_argument("--model", metavar=name, help=text("help.model"))
    group.add_argument("--model-config", metavar=file, action="append", help=text("help.model_config"))
    group.add_argument("--server", metavar=name, help=text("help.server"))
    group.add_argument("--storage", metavar=profile, default=DEFAULTS["storage"], help=text("help.storage"))
    group.add_argument("--concurrency", metavar="N", help=text("help.concurrency"))
    group.add_argument("--requests-per-second", metavar="R", help=text("help.requests_per_second"))
    group.add_argument("--mean-session-seconds", metavar="S", help=text("help.mean_session_seconds"))
    group.add_argument("--effective-context", metavar="TOKENS", help=text("help.effective_context"))
    group.add_argument("--input-tokens", metavar="N", help=text("help.input_tokens"))
    group.add_argument("--solve", metavar="WHAT", help=text("help.solve"))
    group.add_argument("--nodes", metavar="N", help=text("help.nodes"))
    group.add_argument("--output-tokens", metavar="N", help=text("help.output_tokens"))
    group.add_argument("--disaggregated", action="store_true", help=text("help.disaggregated"))
    group.add_argument("--burstiness", metavar="CV", help=text("help.burstiness"))
    group.add_argument("--traffic-trace", metavar=file, help=text("help.traffic_trace"))
    group.add_argument("--simulated-requests", metavar="N", help=text("help.simulated_requests"))
    group.add_argument("--seed", metavar="N", help=text("help.seed"))
    group = parser.add_argument_group(text("help.group.cost"))
    group.add_argument("--node-cost-per-hour", metavar="USD", help=text("help.node_cost_per_hour"))
    group.add_argument("--node-price", metavar="USD", help=text("help.node_price"))
    group.add_argument("--power-cost-per-kwh", metavar="USD", help=text("help.power_cost_per_kwh"))
    group.add_argument("--amortization-months", metavar="N", default=DefaultValue(DEFAULTS["amortization_months"]),
                       help=text("help.amortization_months"))
    group.add_argument("--kv-transfer-gb-s", metavar="GB_S", default=_plain(DEFAULTS["kv_transfer_gb_s"]),
                       help=text("help.kv_transfer_gb_s"))
    group = parser.add_argument_group(text("help.group.runtime"))
    group.add_argument("--kv-precision", metavar="P", default=DefaultValue(DEFAULTS["kv_precision"]),
                       help=text("help.kv_precision", choices=", ".join(KV_PRECISIONS)))
    group.add_argument("--kv-budget-ratio", metavar="R", default=_fixed(DEFAULTS["kv_budget_ratio"], 2),
                       help=text("help.kv_budget_ratio"))
    group.add_argument("--runtime-overhead-gib", metavar="GIB",
                       default=DefaultValue(_plain(DEFAULTS["runtime_overhead_gib"])),
                       help=text("help.runtime_overhead_gib"))
    group.add_argument("--peak-headroom-ratio", metavar="R", default=_fixed(DEFAULTS["peak_headroom_ratio"], 2),
                       help=text("help.peak_headroom_ratio"))
    group.add_argument("--tensor-parallel", metavar="N", help=text("help.tensor_parallel"))
    group.add_argument("--pipeline-parallel", metavar="N", default="1", help=text("help.pipeline_parallel"))
    group.add_argument("--data-parallel-attention", action="store_true", help=text("help.data_parallel_attention"))
    group.add_argument("--expert-parallel", action="store_true", help=text("help.expert_parallel"))
    group.add_argument("--weight-precision", metavar="P",
                       help=text("help.weight_precision", choices=", ".join(WEIGHT_PRECISIONS)))
    group.add_argument("--kv-accounting", metavar=text("metavar.basis"), default=DEFAULTS["kv_accounting"],
                       help=text("help.kv_accounting", bases=Join(tuple(T(engine.help_id) for engine in ENGINES.values()))))
    group.add_argument("--block-size", metavar="TOKENS", default=str(DEFAULTS["block_size"]),
                       help=text("help.block_size"))
    group.add_argument("--page-size", metavar="TOKENS", default=str(DEFAULTS["page_size"]),
                       help=text("help.page_size"))
    group.add_argument("--swa-full-tokens-ratio", metavar="R", default=_plain(DEFAULTS["swa_full_tokens_ratio"]),
                       help=text("help.swa_full_tokens_ratio"))
    group.add_argument("--tokens-per-block", metavar="TOKENS", default=str(DEFAULTS["tokens_per_block"]),
                       help=text("help.tokens_per_block"))
    group.add_argument("--max-num-batched-tokens", metavar="N", default=str(DEFAULTS["max_num_batched_tokens"]),
                       help=text("help.max_num_batched_tokens"))
    group.add_argument("--max-num-seqs", metavar="N", default=str(DEFAULTS["max_num_seqs"]),
                       help=text("help.max_num_seqs"))
    group.add_argument("--disable-hybrid-kv-cache-manager", action="store_true",
                       help=text("help.disable_hybrid_kv_cache_manager"))
    group.add_argument("--allow-chunked-local-attn-with-hybrid-kv-cache", dest="allow_chunked_hybrid",
                       action="store_true", help=text("help.allow_chunked_hybrid"))
    group.add_argument("--vllm-version", metavar="X.Y", default="%d.%d" % NEWEST_VLLM, help=text("help.vllm_version"))
    group.add_argument("--speculative", metavar="METHOD", help=text("help.speculative"))
    group.add_argument("--num-speculative-tokens", metavar="N", help=text("help.num_speculative_tokens"))
    group.add_argument("--draft-model", metavar=name, help=text("help.draft_model"))
    group.add_argument("--calibrate-from", metavar="LOG", help=text("help.calibrate_from"))
    group.add_argument("--mamba-cache-dtype", metavar="DTYPE", help=text("help.mamba_cache_dtype"))
    group.add_argument("--mamba-ssm-cache-dtype", metavar="DTYPE", help=text("help.mamba_ssm_cache_dtype"))
    prefix = group.add_mutually_exclusive_group()
    prefix.add_argument("--enable-prefix-caching", dest="enable_prefix_caching", action="store_true", default=None,
                        help=text("help.enable_prefix_caching"))
    prefix.add_argument("--no-enable-prefix-caching", dest="enable_prefix_caching", action="store_false",
                        help=text("help.enable_prefix_caching"))
    engine = group.add_mutually_exclusive_group()
    engine.add_argument("--gpu-memory-utilization", metavar="R", help=text("help.gpu_memory_utilization"))
    engine.add_argument("--kv-cache-memory-bytes", metavar="N", help=text("help.kv_cache_memory_bytes"))
    group.add_argument("--prefix-cache-hit-rate", metavar="R", help=text("help.prefix_cache_hit_rate"))
    group.add_argument("--shared-prefix-tokens", metavar="N", help=text("help.shared_prefix_tokens"))
    group.add_argument("--kv-offloading-size", metavar="GIB", help=text("help.kv_offloading_size"))
    scheduling = group.add_mutually_exclusive_group()
    scheduling.add_argument("--async-scheduling", dest="async_scheduling", action="store_const", const=True,
                            default=None, help=text("help.async_scheduling"))
    scheduling.add_argument("--no-async-scheduling", dest="async_scheduling", action="store_const", const=False,
                            help=text("help.no_async_scheduling"))
    group = parser.add_argument_group(text("help.group.latency"))
    group.add_argument("--tpot-slo-ms", metavar="MS", help=text("help.tpot_slo_ms"))
    group.add_argument("--ttft-slo-ms", metavar="MS", help=text("help.ttft_slo_ms"))
    group.add_argument("--slo-percentile", metavar="P", help=text("help.slo_percentile"))
    group.add_argument("--hbm-efficiency", metavar="R", default=_plain(DEFAULTS["hbm_efficiency"]),
                       help=text("help.hbm_efficiency"))
    group.add_argument("--mfu", metavar="R", default=_plain(DEFAULTS["mfu"]), help=text("help.mfu"))
    group.add_argument("--decode-mfu", metavar="R", default=_plain(DEFAULTS["decode_mfu"]), help=text("help.decode_mfu"))
    group = parser.add_argument_group(text("help.group.search"))
    group.add_argument("--search", action="store_true", help=text("help.search"))
    group.add_argument("--search-space", metavar="SPACE", help=text("help.search_space"))
    group.add_argument("--allow-weight-precision", metavar="LIST", help=text("help.allow_weight_precision"))
    group = parser.add_argument_group(text("help.group.catalogs"))
    group.add_argument("--models-file", metavar=file, default=None, help=text("help.models_file"))
    group.add_argument("--servers-file", metavar=file, default=None, help=text("help.servers_file"))
    group.add_argument("--storage-file", metavar=file, default=None, help=text("help.storage_file"))
    group = parser.add_argument_group(text("help.group.output"))
    only = group.add_mutually_exclusive_group()
    for entry in FORMATS:
        if entry.only_option is not None:
            only.add_argument(entry.only_option, action="store_true", help=text(entry.only_help))
    for entry in FORMATS:
        if entry.file_option is not None:
            group.add_argument(entry.file_option, metavar=file, help=text(entry.file_help))
    group.add_argument("--order-by", metavar="KEY", help=text("help.order_by", keys=", ".join(ORDER_BY)))
    group.add_argument("--commands", action="store_true", help=text("help.commands"))
    group.add_argument("--lang", metavar="LANG", default=DEFAULTS["lang"], help=text("help.lang", languages=Join(LANGUAGES)))
    group.add_argument("--version", action="version", version="sizing %s" % __version__, help=text("help.version"))
    group.add_argument("-h", "--help", action="help", help=text("help.help"))
    return parser
_VERSION_TEXT = r"(?a)0\.([0-9]{1,2})(\.[0-9]{1,3})?"      # compiled when first used


def parse_vllm_version(text):
    """A vLLM release as (major, minor): 0.9 to the newest release whose rules are modeled."""
    match = re.fullmatch(_VERSION_TEXT, _option_text(text))
    if not match or not (0, 1) <= (0, int(match.group(1))) <= NEWEST_VLLM:
        raise InputError("err.vllm_version", text=text, newest="%d.%d" % NEWEST_VLLM)
    return (0, int(match.group(1)))
