"""Engine commands: the `vllm serve`, `python -m sglang.launch_server` and `trtllm-serve` lines that
run one scenario of a sized deployment, each as a tuple of arguments (quoted only when rendered).

Every flag comes from the engine release named in ENGINE_RELEASES, whose parser was read into
tests/fixtures/engine-flags/ (tools/extract_engine_flags.py); the tests check each emitted flag
against it. One command runs one model instance (TP x PP GPUs; with data-parallel attention, TP
GPUs that keep their own sessions), so a node runs `instances_per_node` of them.

The KV memory each engine gets is the scenario's KV budget per GPU, as the sizing counted it: vLLM
takes it in bytes (--kv-cache-memory-bytes), or the share the planner gave (--gpu-memory-utilization);
SGLang and TensorRT-LLM take it as the tokens their own pool holds in those bytes (SGLang's
--max-total-tokens, TensorRT-LLM's kv_cache_config.max_tokens), from the same pool rules as the
sglang and trtllm bases (sizer.engines.tokenpool).
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import json
import re
from fractions import Fraction

from sizer.compute.report import speculative_tokens
from sizer.display import _plain
from sizer.engines.tokenpool import token_pool
from sizer.engines.vllm import model_stages
from sizer.frozen import record
from sizer.layers import SlidingWindowLayers, StateLayers
from sizer.vocab import Basis, GIB_BYTES, RECOMMENDED, T, Text


@record
class EngineRelease:
    """The release whose parser the commands follow (its flags: tests/fixtures/engine-flags/)."""
    engine: str         # a Basis code
    display_name: str
    release: str        # as the release names itself
    fixture: str | None        # tests/fixtures/engine-flags/<fixture>.json


# vLLM follows --vllm-version (only the releases whose parser was read have commands); SGLang and
# TensorRT-LLM are pinned. TensorRT-LLM has no wheel on PyPI (tensorrt_llm 1.2.1 there is a stub that
# downloads from NVIDIA's index): its trtllm-serve options come from tensorrt_llm/commands/serve.py at
# commit 00209af of the main branch (after version.py's 1.2.0rc2), its LLM API keys from the LLM API
# reference of the 1.3/1.4 release candidates (tests/fixtures/engine-flags/SOURCES.md).
VLLM_RELEASES_READ = {(0, 33): EngineRelease(Basis.VLLM, "vLLM", "0.33.0", "vllm-0.33.0")}
SGLANG_RELEASE = EngineRelease(Basis.SGLANG, "SGLang", "0.5.23", "sglang-0.5.23")
TRTLLM_RELEASE = EngineRelease(Basis.TRTLLM, "TensorRT-LLM", "main@00209af", "trtllm-main-00209af")
TRTLLM_OPTIONS_FILE = "extra-llm-api-options.yaml"

# The KV-cache dtype each engine names for a --kv-precision. A precision missing here is "auto"
# when it is the checkpoint's own dtype (what "auto" means to all three), and refused otherwise.
KV_CACHE_DTYPES = {
    Basis.VLLM: {"fp8": "fp8", "bf16": "bfloat16", "fp16": "float16", "nvfp4": "nvfp4"},
    Basis.SGLANG: {"fp8": "fp8_e4m3", "bf16": "bf16", "nvfp4": "nvfp4"},
    Basis.TRTLLM: {"fp8": "fp8"},     # nvfp4 KV needs a checkpoint quantized with ModelOpt first
}
# Weights converted at load time by a flag (online fp8 quantization of a 16-bit checkpoint); any
# other --weight-precision than the checkpoint's needs a checkpoint quantized beforehand.
WEIGHT_QUANTIZATION = {Basis.VLLM: {"fp8": "fp8"}, Basis.SGLANG: {"fp8": "fp8"}, Basis.TRTLLM: {}}
# --speculative: vLLM's speculative_config method, SGLang's --speculative-algorithm, TensorRT-LLM's
# speculative_config decoding_type (its PyTorch backend offers EAGLE-3 and MTP, not EAGLE-1).
SPECULATIVE_NAMES = {
    Basis.VLLM: {"mtp": "mtp", "eagle": "eagle", "eagle3": "eagle3"},
    Basis.SGLANG: {"mtp": "NEXTN", "eagle": "EAGLE", "eagle3": "EAGLE3"},
    Basis.TRTLLM: {"mtp": "MTP", "eagle3": "Eagle3"},
}
NEEDS_DRAFT_MODEL = ("eagle", "eagle3")
# TensorRT-LLM's default share of the free memory for its KV cache (serve.py,
# --kv_cache_free_gpu_memory_fraction 0.9); kv_cache_config.max_tokens then caps the pool.
TRTLLM_FREE_FRACTION = Fraction(9, 10)
# The Hugging Face repository a catalog entry's source names (its config.json's address).
HUB_SOURCE = re.compile(r"https://huggingface\.co/([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)/")


@record
class EngineCommand:
    """One engine's command line, or why there is none."""
    release: EngineRelease
    args: tuple[str, ...] = ()                    # the argv, each item a str
    refusal: Text | None = None              # a Text when no command can run this deployment
    extra_options_yaml: str | None = None   # TensorRT-LLM: the text of TRTLLM_OPTIONS_FILE


@record
class Commands:
    """The commands of one scenario, one per engine (vLLM, SGLang, TensorRT-LLM)."""
    scenario: str
    instances_per_node: int
    nodes_per_instance: int
    gpus_per_instance: int
    kv_bytes_per_gpu: int | None        # None when the scenario is infeasible
    memory_from_utilization: bool   # vLLM and SGLang take --gpu-memory-utilization rather than bytes
    engines: tuple[EngineCommand, ...]

    def engine(self, code):
        return [command for command in self.engines if command.release.engine == code][0]


@record
class Deployment:
    """What every engine's command says, taken once from the report."""
    model: str
    tensor_parallel: int
    pipeline_parallel: int
    data_parallel_attention: bool
    experts: bool
    context_tokens: int
    kv_bytes_per_gpu: int
    max_num_seqs: int
    max_num_batched_tokens: int


class _Refused(Exception):
    def __init__(self, text):
        Exception.__init__(self, text.id)
        self.text = text


def served_model(report):
    """What the engines load: the Hub id or folder given to --model-config, else the Hugging Face
    repository of the catalog entry's source, else the model's name."""
    given = report.options.model_config
    if given is not None:
        if given.endswith(".json"):
            folder = given.rsplit("/", 1)[0] if "/" in given else "."
            return folder or "/"
        return given
    match = HUB_SOURCE.search(report.model.source or "")
    return match.group(1) if match else report.model.name


def engine_commands(report, scenario_key=RECOMMENDED):
    """The three engines' commands for one scenario of `report`."""
    result = report.scenario(scenario_key)
    budget_gib = result.values.kv_budget_gib
    layout = report.layout
    deployment = None
    if result.capacity.feasible and budget_gib:
        model = report.model
        deployment = Deployment(
            served_model(report), layout.tensor_parallel, layout.pipeline_parallel, layout.data_parallel_attention,
            bool(model.num_local_experts and model.num_local_experts > 1), report.context_tokens,
            int(budget_gib * GIB_BYTES / layout.node_gpus), report.options.max_num_seqs,
            report.options.max_num_batched_tokens)
    engines = []
    for release, builder in ((vllm_release_read(report.options), vllm_command), (SGLANG_RELEASE, sglang_command),
                             (TRTLLM_RELEASE, trtllm_command)):
        try:
            if deployment is None:
                raise _Refused(T("commands.refused_infeasible", scenario=T(result.scenario.label_id)))
            if release.fixture is None:
                raise _Refused(T("commands.refused_release", engine=release.display_name, release=release.release,
                                 read=", ".join(r.release for r in VLLM_RELEASES_READ.values())))
            engines.append(builder(report, deployment, release))
        except _Refused as refused:
            engines.append(EngineCommand(release, refusal=refused.text))
    return Commands(scenario_key, layout.instances_per_node, layout.nodes_per_instance, layout.gpus_per_instance,
                    None if deployment is None else deployment.kv_bytes_per_gpu,
                    report.options.gpu_memory_utilization is not None, tuple(engines))


def vllm_release_read(options):
    version = options.vllm_version
    return VLLM_RELEASES_READ.get(version) or EngineRelease(Basis.VLLM, "vLLM", "%d.%d" % version, None)


def _kv_dtype(report, engine, display_name):
    precision = report.options.kv_precision
    dtype = KV_CACHE_DTYPES[engine].get(precision)
    if dtype is None and precision == _checkpoint_dtype(report.model):
        dtype = "auto"
    if dtype is None:
        raise _Refused(T("commands.refused_kv_dtype", engine=display_name, precision=precision))
    return dtype


def _checkpoint_dtype(model):
    return model.checkpoint_scheme.base if model.checkpoint_scheme is not None else "bf16"


def _quantization(report, engine, display_name):
    """The flag value that converts the weights at load time, None when the checkpoint is used as is."""
    requested = report.options.weight_precision
    linear = report.model.checkpoint_scheme.linear if report.model.checkpoint_scheme is not None else "bf16"
    if requested is None or requested == linear:
        return None
    method = WEIGHT_QUANTIZATION[engine].get(requested)
    if method is None:
        raise _Refused(T("commands.refused_weights", engine=display_name, precision=requested, checkpoint=linear))
    return method


def _speculative(report, engine, display_name):
    """(the engine's name for the method, draft tokens per step, draft model or None), or None."""
    method = report.options.speculative
    if method is None:
        return None
    name = SPECULATIVE_NAMES[engine].get(method)
    if name is None:
        raise _Refused(T("commands.refused_speculative", engine=display_name, method=method))
    draft = report.options.draft_model
    if method in NEEDS_DRAFT_MODEL and draft is None:
        raise _Refused(T("commands.refused_draft_model", method=method))
    return name, speculative_tokens(report.model, report.options), draft


def _state_layers_refused(report, release):
    if any(isinstance(g, StateLayers) for g in report.model.layer_groups):
        raise _Refused(T("commands.refused_state_layers", engine=release.display_name, model=report.model.name))


def _pool_tokens(report, deployment, engine, page_tokens):
    """The tokens the engine's pool holds in the KV bytes of one GPU, on the tightest pipeline stage."""
    model, layout = report.model, report.layout
    kv_tp = 1 if layout.data_parallel_attention else layout.tensor_parallel
    stages = model_stages(model, layout)
    groups = ((model.layer_groups,) if len(stages) == 1
              else tuple(model.groups_for_layers(first, end) for first, end in stages))
    pool = token_pool(engine, model, groups, report.context_tokens, page_tokens, report.options.kv_precision,
                      kv_tp, report.options.swa_full_tokens_ratio)
    full, window = pool.capacity(deployment.kv_bytes_per_gpu, pool.tightest(deployment.kv_bytes_per_gpu))
    return full or window


def vllm_command(report, deployment, release):
    options = report.options
    tensor_parallel, data_parallel = deployment.tensor_parallel, None
    if deployment.data_parallel_attention:
        # vLLM's data-parallel attention: one GPU per DP rank, the experts spread over all of them.
        tensor_parallel, data_parallel = 1, deployment.tensor_parallel
    args = ["vllm", "serve", deployment.model, "--tensor-parallel-size", str(tensor_parallel),
            "--pipeline-parallel-size", str(deployment.pipeline_parallel)]
    if data_parallel is not None:
        args += ["--data-parallel-size", str(data_parallel)] + (["--enable-expert-parallel"] if deployment.experts else [])
    args += ["--max-model-len", str(deployment.context_tokens)]
    if options.gpu_memory_utilization is not None:
        args += ["--gpu-memory-utilization", _plain(options.gpu_memory_utilization)]
    else:
        args += ["--kv-cache-memory-bytes", str(deployment.kv_bytes_per_gpu)]
    args += ["--kv-cache-dtype", _kv_dtype(report, Basis.VLLM, release.display_name),
             "--block-size", str(options.block_size), "--max-num-seqs", str(deployment.max_num_seqs),
             "--max-num-batched-tokens", str(deployment.max_num_batched_tokens)]
    quantization = _quantization(report, Basis.VLLM, release.display_name)
    if quantization is not None:
        args += ["--quantization", quantization]
    speculative = _speculative(report, Basis.VLLM, release.display_name)
    if speculative is not None:
        name, tokens, draft = speculative
        config = {"method": name}
        if draft is not None:
            config["model"] = draft
        config["num_speculative_tokens"] = tokens
        args += ["--speculative-config", json.dumps(config, separators=(",", ":"))]
    for value, on, off in ((options.enable_prefix_caching, "--enable-prefix-caching", "--no-enable-prefix-caching"),
                           (options.async_scheduling, "--async-scheduling", "--no-async-scheduling")):
        if value is not None:
            args.append(on if value else off)
    if options.disable_hybrid_kv_cache_manager:
        args.append("--disable-hybrid-kv-cache-manager")
    for flag, dtype in (("--mamba-cache-dtype", options.mamba_cache_dtype),
                        ("--mamba-ssm-cache-dtype", options.mamba_ssm_cache_dtype)):
        if dtype is not None:
            args += [flag, dtype]
    return EngineCommand(release, tuple(args))


def sglang_command(report, deployment, release):
    _state_layers_refused(report, release)
    options = report.options
    args = ["python", "-m", "sglang.launch_server", "--model-path", deployment.model,
            "--tp-size", str(deployment.tensor_parallel), "--pp-size", str(deployment.pipeline_parallel)]
    if deployment.data_parallel_attention:
        # SGLang 0.5.23 spells DP attention --attn-dp-size (--dp-size with --enable-dp-attention is deprecated).
        args += ["--attn-dp-size", str(deployment.tensor_parallel)]
        if deployment.experts:
            args += ["--ep-size", str(deployment.tensor_parallel)]
    args += ["--context-length", str(deployment.context_tokens)]
    if options.gpu_memory_utilization is not None:
        args += ["--mem-fraction-static", _plain(options.gpu_memory_utilization)]
    args += ["--max-total-tokens", str(_pool_tokens(report, deployment, Basis.SGLANG, options.page_size)),
             "--kv-cache-dtype", _kv_dtype(report, Basis.SGLANG, release.display_name),
             "--page-size", str(options.page_size), "--max-running-requests", str(deployment.max_num_seqs),
             "--chunked-prefill-size", str(deployment.max_num_batched_tokens)]
    if any(isinstance(g, SlidingWindowLayers) for g in report.model.layer_groups):
        args += ["--swa-full-tokens-ratio", _plain(options.swa_full_tokens_ratio)]
    quantization = _quantization(report, Basis.SGLANG, release.display_name)
    if quantization is not None:
        args += ["--quantization", quantization]
    speculative = _speculative(report, Basis.SGLANG, release.display_name)
    if speculative is not None:
        name, tokens, draft = speculative
        args += ["--speculative-algorithm", name]
        if draft is not None:
            args += ["--speculative-draft-model-path", draft]
        # A chain of `tokens` draft steps, one candidate each: tokens + 1 tokens verified per step.
        args += ["--speculative-num-steps", str(tokens), "--speculative-eagle-topk", "1",
                 "--speculative-num-draft-tokens", str(tokens + 1)]
    if options.enable_prefix_caching is False:
        args.append("--disable-radix-cache")
    return EngineCommand(release, tuple(args))


def trtllm_command(report, deployment, release):
    _state_layers_refused(report, release)
    options = report.options
    _quantization(report, Basis.TRTLLM, release.display_name)     # refuses any conversion: none is offered
    args = ["trtllm-serve", deployment.model, "--tp_size", str(deployment.tensor_parallel),
            "--pp_size", str(deployment.pipeline_parallel)]
    if deployment.data_parallel_attention and deployment.experts:
        args += ["--ep_size", str(deployment.tensor_parallel)]
    args += ["--max_seq_len", str(deployment.context_tokens), "--max_num_tokens", str(deployment.max_num_batched_tokens),
             "--max_batch_size", str(deployment.max_num_seqs),
             "--kv_cache_free_gpu_memory_fraction", _plain(TRTLLM_FREE_FRACTION),
             "--extra_llm_api_options", TRTLLM_OPTIONS_FILE]
    cache = [("dtype", _kv_dtype(report, Basis.TRTLLM, release.display_name)),
             ("tokens_per_block", options.tokens_per_block),
             ("free_gpu_memory_fraction", TRTLLM_FREE_FRACTION),
             ("max_tokens", _pool_tokens(report, deployment, Basis.TRTLLM, options.tokens_per_block))]
    if options.enable_prefix_caching is not None:
        cache.append(("enable_block_reuse", options.enable_prefix_caching))
    document = [("enable_attention_dp", deployment.data_parallel_attention), ("kv_cache_config", cache)]
    speculative = _speculative(report, Basis.TRTLLM, release.display_name)
    if speculative is not None:
        name, tokens, draft = speculative
        fields = [("decoding_type", name)]
        fields += [("num_nextn_predict_layers", tokens)] if draft is None else [("max_draft_len", tokens),
                                                                               ("speculative_model", draft)]
        document.append(("speculative_config", fields))
    return EngineCommand(release, tuple(args), extra_options_yaml=yaml_text(document))


_PLAIN_YAML = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")


def yaml_text(pairs, indent=""):
    """(key, value) pairs as YAML: nested lists of pairs become mappings; strings that YAML could
    read as something else are written as JSON strings (valid YAML)."""
    lines = []
    for key, value in pairs:
        if isinstance(value, list):
            lines.append("%s%s:\n" % (indent, key) + yaml_text(value, indent + "  "))
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, Fraction)):
            text = _plain(value)
        elif _PLAIN_YAML.fullmatch(value) and value.lower() not in ("true", "false", "null", "yes", "no", "on", "off"):
            text = value
        else:
            text = json.dumps(value)
        lines.append("%s%s: %s\n" % (indent, key, text))
    return "".join(lines)
