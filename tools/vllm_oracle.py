"""Differential oracle: vLLM 0.33.0's own KV-cache planner on random model configs.

Never needed at run time or by the tests: it (re)generates
tests/fixtures/vllm_oracle/cases.json, which tests/test_vllm_oracle.py checks the tool against.

Venv recipe (no network besides the package registries; CPU only; $VENV is any scratch folder,
/work/scratch/vllmenv when the fixtures were made):

    python3 -m venv $VENV
    $VENV/bin/pip install torch==2.13.0            # CPU build
    pip download vllm==0.33.0 --no-deps -d /tmp/dl
    $VENV/bin/pip install --no-deps /tmp/dl/vllm-0.33.0-*.whl
    $VENV/bin/pip install --no-deps transformers==5.20.0 huggingface_hub tokenizers \
        safetensors numpy packaging pydantic pydantic_core typing_inspection annotated_types \
        regex cbor2 psutil pyzmq urllib3 aiohttp requests openai_harmony openai pillow \
        pybase64 cachetools msgspec cloudpickle uvloop py-cpuinfo prometheus_client \
        xgrammar fastapi partial_json_parser llguidance pyyaml filelock tqdm   # what the imports ask for

Exact command (from the repository root):

    $VENV/bin/python tools/vllm_oracle.py --seed 20261106 --cases 800 \
        --out tests/fixtures/vllm_oracle/cases.json

What it runs of vLLM, unmodified, from the wheel: the KVCacheSpec classes
(vllm/v1/kv_cache_interface.py), MambaStateShapeCalculator / MambaStateDtypeCalculator
(vllm/model_executor/layers/mamba/mamba_utils.py, including its divide() asserts),
get_pp_indices (vllm/distributed/utils.py), VllmConfig.max_concurrent_batches /
max_in_flight_tokens / num_speculative_tokens / num_prefill_lookahead_tokens (vllm/config/vllm.py,
called on a stand-in config object), and the whole planner: get_global_kv_cache_groups ->
get_kv_cache_configs (grouping, --disable-hybrid-kv-cache-manager promotion, null-block
reservation, startup memory check, smallest-stage block count, the KV layout check) ->
get_max_concurrency_for_kv_cache_config (vllm/v1/core/kv_cache_planning.py, kv_cache_utils.py).

What it re-states (building the model or a whole VllmConfig would need a GPU), each from the file named:
- per-layer specs as the attention layers build them: Attention.get_kv_cache_spec
  (model_executor/layers/attention/attention.py:611), MLAAttention.get_kv_cache_spec
  (mla_attention.py:1371), MambaBase.get_kv_cache_spec (layers/mamba/abstract.py:72) with
  MambaMixer2's num_prefill_checkpoint_blocks=1 (mamba_mixer2.py:1108-1118) and the GDN layer's
  (gdn/qwen_gdn_linear_attn.py:689-697 and 739-750, FlashInfer prefill in 'align' mode);
- which layers slide: llama.py:185 (layer_types) and engine/arg_utils.py:2288 (the model-level
  window only when every layer slides or there are no layer_types); gemma3/llama4/qwen3_next
  layer kinds from the Hugging Face config class (transformers 5.20.0 AutoConfig.for_model);
- the TP asserts of the model files: heads % TP (llama.py:145, gemma3.py:115, llama4.py:189,
  qwen3_next.py:296, nemotron_h.py:440, deepseek_v2.py:484), KV heads % TP or TP % KV heads
  (llama.py:151/155 and the same lines in the others), Mamba2 heads and groups
  (mamba_mixer2.py:316/320), GDN value heads (qwen_gdn_linear_attn.py:651);
- Platform._align_hybrid_block_size (platforms/interface.py:940-1112) and
  MambaModelConfig.verify_and_update_config (model_executor/models/config.py:750-780);
- what VllmConfig.__post_init__ decides from the command line (vllm_config_defaults below): the
  hybrid KV-cache manager off for chunked local attention (config/vllm.py:2228-2294; the case's
  allow_chunked_hybrid is VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1), Model Runner V1
  for suffix decoding (config/vllm.py:3066-3068) and async scheduling off, or refused when asked
  for, with it (config/vllm.py:1651-1720); suffix decoding's 24 default tokens
  (config/speculative.py:538, 1732-1735).

Assumed attention backend: CUDA on Hopper (SM90), Model Runner V2 (the default; V1 only for suffix
decoding), FlashAttention for full/sliding/chunked layers (get_supported_kernel_block_sizes ->
[MultipleOf(16)]; head sizes 256 and 512 are avoided, where FA4 tiles would change the block), an
MLA backend whose spec is MLAAttentionSpec without padding, the default KV layout LBNHC (no backend
here declares one: v1/attention/backends/utils.py:229), FlashInfer GDN prefill (Hopper's default,
qwen_gdn_linear_attn.py:148), which in 'align' mode exports checkpoints on a 64-token grid
(gdn_attn.py:34) so the block is also a multiple of 64. State layers: prefix caching on ->
mamba_cache_mode 'align' (2 pages + 1 prefill-checkpoint page + the speculative ones, block =
attention block); off -> 'none' (1 page + speculative ones, block = max_model_len).
"""

import argparse
import json
import math
import random
import sys
import time
from dataclasses import replace
from types import SimpleNamespace

RELEASE = "0.33.0"
KV_DTYPES = {"fp8": "uint8", "bf16": "bfloat16", "fp16": "float16"}


def _vllm():
    import torch  # noqa: F401
    from vllm.distributed.utils import get_pp_indices
    from vllm.config.vllm import VllmConfig
    from vllm.model_executor.layers.mamba.mamba_utils import (
        MambaStateDtypeCalculator, MambaStateShapeCalculator)
    from vllm.v1.attention.backends.utils import _DEFAULT_LAYOUT_PREFERENCE
    from vllm.v1.core import kv_cache_planning as planning
    from vllm.v1.core.kv_cache_utils import get_max_concurrency_for_kv_cache_config
    from vllm.v1.kv_cache_interface import (ChunkedLocalAttentionSpec, FullAttentionSpec,
                                            MambaSpec, MLAAttentionSpec, SlidingWindowSpec)
    return SimpleNamespace(**locals())


class Refusal(Exception):
    def __init__(self, kind, message, where):
        Exception.__init__(self, message)
        self.kind, self.message, self.where = kind, message, where


def check_tp(ok, where, message=""):
    """A model-file assert: AssertionError with the assert's own message (often empty)."""
    if not ok:
        raise Refusal("AssertionError", message, where)


def attention_tp(heads, kv_heads, tp, model_file):
    lines = {"llama.py": (145, 151, 155), "gemma3.py": (115, 121, 125), "llama4.py": (189, 195, 199),
             "qwen3_next.py": (296, 302, 306), "nemotron_h.py": (440, 446, 450),
             "deepseek_v2.py": (484, None, None)}[model_file]
    check_tp(heads % tp == 0, "model_executor/models/%s:%d" % (model_file, lines[0]))
    if lines[1] is None:
        return 1
    if kv_heads >= tp:
        check_tp(kv_heads % tp == 0, "model_executor/models/%s:%d" % (model_file, lines[1]))
    else:
        check_tp(tp % kv_heads == 0, "model_executor/models/%s:%d" % (model_file, lines[2]))
    return max(1, kv_heads // tp)


def layer_kinds(family, hf):
    """What each layer is in vLLM, from the HF config object vLLM would see."""
    n = hf.num_hidden_layers
    if family in ("llama", "mistral"):
        types = getattr(hf, "layer_types", None)
        if types is None:
            return ["sliding" if getattr(hf, "sliding_window", None) else "full"] * n
        if all(t == "sliding_attention" for t in types):
            return ["sliding"] * n
        return ["sliding" if t == "sliding_attention" else "full" for t in types]
    if family == "gemma3":
        return ["sliding" if t == "sliding_attention" else "full" for t in hf.layer_types]
    if family == "llama4":
        return ["full" if r == 0 else "chunked" for r in hf.no_rope_layers]
    if family == "deepseek":
        return ["mla"] * n
    if family == "qwen3_next":
        return ["gdn" if t == "linear_attention" else "full" for t in hf.layer_types]
    if family == "nemotron_h":
        return [{"M": "mamba", "*": "full", "-": None, "E": None}[c] for c in hf.hybrid_override_pattern]
    raise ValueError(family)


def vllm_config_defaults(opt, kinds):
    """(disable_hybrid_kv_cache_manager, async_scheduling, use_v2_model_runner) as VllmConfig resolves
    them from the CLI (re-stated: VllmConfig.__post_init__ needs a whole engine config).

    - Model Runner V2 unless a feature it lacks is asked for: suffix decoding (config/vllm.py:3066-3068).
    - Async scheduling (config/vllm.py:1651-1720): on by default; off with the V1 runner and a
      speculative method other than EAGLE/MTP/n-gram-GPU/draft-model/DSpark/DFlash (suffix), where
      asking for it raises ValueError.
    - Hybrid KV-cache manager (config/vllm.py:2228-2294): with chunked local attention it is turned off
      (with EAGLE/MTP always; otherwise unless VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1);
      --disable-hybrid-kv-cache-manager turns it off."""
    method = opt.get("speculative")
    v2_runner = method != "suffix"
    async_scheduling = opt["async_scheduling"]
    v1_incompatible = not v2_runner and method not in (None, "eagle", "eagle3", "mtp")
    if async_scheduling is None:
        async_scheduling = not v1_incompatible
    elif async_scheduling and v1_incompatible:
        raise Refusal("ValueError", "Async scheduling is not supported by the V1 model runner with "
                      "%s-based speculative decoding." % method, "config/vllm.py:1675")
    disable = opt["disable_hybrid"]
    if "chunked" in kinds and not disable:
        disable = method in ("eagle", "eagle3", "mtp") or not opt.get("allow_chunked_hybrid", False)
    return disable, async_scheduling, v2_runner


def plan(case, v):
    """vLLM's answer for one case: dict with num_gpu_blocks/groups/max_concurrency or refused."""
    import torch
    from transformers import AutoConfig
    cfg, opt = case["config"], case["opt"]
    family = case["family"]
    hf = AutoConfig.for_model(cfg["model_type"], **{k: v_ for k, v_ in cfg.items() if k != "model_type"})
    tp, pp, block = opt["tp"], opt["pp"], opt["block_size"]
    max_len = opt["max_model_len"]
    spec_method, num_spec = opt.get("speculative"), opt.get("num_speculative_tokens", 0)
    if spec_method == "suffix" and "num_speculative_tokens" not in opt:
        num_spec = 24       # suffix_decoding_max_tree_depth (config/speculative.py:538, 1732-1735)
    kinds = layer_kinds(family, hf)
    kv_dtype = getattr(torch, KV_DTYPES[opt["kv_precision"]])
    model_dtype = getattr(torch, cfg.get("torch_dtype", "bfloat16"))
    model_file = {"llama": "llama.py", "mistral": "llama.py", "gemma3": "gemma3.py", "llama4": "llama4.py",
                  "deepseek": "deepseek_v2.py", "qwen3_next": "qwen3_next.py",
                  "nemotron_h": "nemotron_h.py"}[family]
    heads = hf.num_attention_heads
    kv_heads = getattr(hf, "num_key_value_heads", None) or heads
    prefix = opt["prefix_caching"]
    has_state = any(k in ("mamba", "gdn") for k in kinds)
    mode = ("align" if prefix else "none") if has_state else "none"
    disable_hybrid, async_scheduling, v2_runner = vllm_config_defaults(opt, kinds)

    # Model construction order: each layer in turn (the first failing assert wins).
    kv_local = None
    mamba_shapes = mamba_dtypes = None
    for kind in kinds:
        if kind in ("full", "sliding", "chunked", "mla"):
            kv_local = attention_tp(heads, kv_heads, tp, model_file)
        elif kind == "mamba":
            check_tp(hf.mamba_num_heads % tp == 0, "model_executor/layers/mamba/mamba_mixer2.py:316",
                     "Tensor parallel world size must divide num heads.")
            check_tp(hf.n_groups % tp == 0 or hf.n_groups == 1, "model_executor/layers/mamba/mamba_mixer2.py:320",
                     "If tensor parallel world size does not divide num_groups, then num_groups must equal 1.")
        elif kind == "gdn":
            if hf.linear_num_value_heads % tp:
                check_tp(False, "model_executor/layers/mamba/gdn/qwen_gdn_linear_attn.py:651",
                         "%d is not divisible by %d" % (hf.linear_num_value_heads, tp))
    if has_state:
        spec_tokens = num_spec if spec_method else 0
        try:
            if family == "nemotron_h":
                mamba_shapes = v.MambaStateShapeCalculator.mamba2_state_shape(
                    tp_world_size=tp, intermediate_size=hf.mamba_num_heads * hf.mamba_head_dim,
                    n_groups=hf.n_groups, num_heads=hf.mamba_num_heads, head_dim=hf.mamba_head_dim,
                    state_size=hf.ssm_state_size, conv_kernel=hf.conv_kernel, num_spec=spec_tokens)
                ssm = opt.get("mamba_ssm_cache_dtype") or getattr(hf, "mamba_ssm_cache_dtype", None) or "float32"
                mamba_dtypes = v.MambaStateDtypeCalculator.mamba2_state_dtype(
                    model_dtype, opt.get("mamba_cache_dtype") or "auto", ssm)
            else:
                mamba_shapes = v.MambaStateShapeCalculator.gated_delta_net_state_shape(
                    tp, hf.linear_num_key_heads, hf.linear_num_value_heads, hf.linear_key_head_dim,
                    hf.linear_value_head_dim, hf.linear_conv_kernel_dim, spec_tokens)
                mamba_dtypes = v.MambaStateDtypeCalculator.gated_delta_net_state_dtype(
                    model_dtype, opt.get("mamba_cache_dtype") or "auto", opt.get("mamba_ssm_cache_dtype") or "auto")
        except AssertionError as error:
            raise Refusal("AssertionError", str(error), "model_executor/layers/mamba/mamba_utils.py (divide)")

    # Speculative drafter layers (EAGLE: one llama layer; MTP: num_nextn_predict_layers of the
    # model's own attention), appended on the last stage; n-gram and suffix decoding have none.
    draft = []
    if spec_method == "eagle":
        draft = ["full"]
    elif spec_method == "mtp":
        draft = ["mla" if family == "deepseek" else "full"] * getattr(hf, "num_nextn_predict_layers", 1)

    # Block sizes: Platform._align_hybrid_block_size for state layers (interface.py:940).
    mla = family == "deepseek"
    if mla:
        head_size = hf.kv_lora_rank + hf.qk_rope_head_dim
    else:
        head_size = getattr(hf, "head_dim", None) or hf.hidden_size // heads
    mamba_block, mamba_padded = None, None
    if has_state:
        probe = v.FullAttentionSpec(block_size=1, num_kv_heads=kv_local, head_size=head_size, dtype=kv_dtype)
        token_page = probe.page_size_bytes
        mamba_page = v.MambaSpec(shapes=mamba_shapes, dtypes=mamba_dtypes, block_size=-1).page_size_bytes
        align = max(16, block)
        if mode == "align" and family == "qwen3_next":
            align = math.lcm(align, 64)       # FlashInfer GDN checkpoint grid (gdn_attn.py:34)
        attn_block = align * -(-mamba_page // (align * token_page))
        attn_block = 16 * -(-attn_block // 16)
        if block < attn_block:
            block = attn_block
        mamba_block = block if mode == "align" else max_len
        if block * token_page != mamba_page:
            mamba_padded = block * token_page

    def spec_of(kind):
        if kind == "full":
            return v.FullAttentionSpec(block_size=block, num_kv_heads=kv_local, head_size=head_size, dtype=kv_dtype)
        if kind == "sliding":
            return v.SlidingWindowSpec(block_size=block, num_kv_heads=kv_local, head_size=head_size, dtype=kv_dtype,
                                       sliding_window=hf.sliding_window)
        if kind == "chunked":
            return v.ChunkedLocalAttentionSpec(block_size=block, num_kv_heads=kv_local, head_size=head_size,
                                               dtype=kv_dtype, attention_chunk_size=hf.attention_chunk_size)
        if kind == "mla":
            return v.MLAAttentionSpec(block_size=block, num_kv_heads=1, max_tp_shards=1, head_size=head_size,
                                      dtype=kv_dtype, cache_dtype_str=opt["kv_precision"] if opt["kv_precision"] == "fp8" else "auto")
        spec = v.MambaSpec(shapes=mamba_shapes, dtypes=mamba_dtypes, block_size=mamba_block,
                           page_size_padded=mamba_padded, mamba_cache_mode=mode,
                           num_speculative_blocks=num_spec if spec_method else 0)
        if kind == "mamba" or (kind == "gdn" and mode == "align"):
            spec = replace(spec, num_prefill_checkpoint_blocks=1,
                           prefill_checkpoint_alignment=1 if kind == "mamba" else block)
        return spec

    n = len(kinds)
    workers = []
    for rank in range(pp):
        start, end = v.get_pp_indices(n, rank, pp)
        specs = {}
        for i in range(start, end):
            if kinds[i] is not None:
                specs["model.layers.%d.attn" % i] = spec_of(kinds[i])
        if rank == pp - 1:
            for j, kind in enumerate(draft):
                specs["drafter.layers.%d.attn" % j] = replace(spec_of(kind), is_draft=True)
        workers.append(specs)

    spec_cfg = None
    if spec_method:
        # SpeculativeConfig.use_eagle (config/speculative.py:2116): eagle, eagle3, mtp, dflash, dspark.
        spec_cfg = SimpleNamespace(num_speculative_tokens=num_spec, method=spec_method,
                                   use_eagle=lambda: spec_method in ("eagle", "eagle3", "mtp"), use_eagle_block_drop=lambda: False,
                                   use_multi_module_mtp=lambda: spec_method == "mtp" and min(
                                       getattr(hf, "num_nextn_predict_layers", 1), num_spec) > 1,
                                   use_dflash=lambda: False, use_dspark=lambda: False,
                                   uses_draft_model=lambda: False)
    layout = v._DEFAULT_LAYOUT_PREFERENCE[0]
    cfg_ns = SimpleNamespace(
        model_config=SimpleNamespace(max_model_len=max_len, original_max_model_len=max_len,
                                     supports_kv_cache_grouping=False),
        scheduler_config=SimpleNamespace(disable_hybrid_kv_cache_manager=disable_hybrid,
                                         max_num_batched_tokens=opt["max_num_batched_tokens"],
                                         async_scheduling=async_scheduling),
        cache_config=SimpleNamespace(get_resolved_kv_cache_layout=lambda: layout, num_gpu_blocks_override=None,
                                     prefix_cache_retention_interval=None, mamba_cache_mode=mode),
        attention_config=SimpleNamespace(hisparse_config=None),
        parallel_config=SimpleNamespace(tensor_parallel_size=tp, pipeline_parallel_size=pp,
                                        decode_context_parallel_size=1),
        speculative_config=spec_cfg, diffusion_config=None, use_v2_model_runner=v2_runner)
    cfg_ns.max_concurrent_batches = v.VllmConfig.max_concurrent_batches.fget(cfg_ns)
    cfg_ns.max_in_flight_tokens = v.VllmConfig.max_in_flight_tokens.fget(cfg_ns)
    cfg_ns.num_speculative_tokens = v.VllmConfig.num_speculative_tokens.fget(cfg_ns)
    cfg_ns.num_prefill_lookahead_tokens = v.VllmConfig.num_prefill_lookahead_tokens.fget(cfg_ns)
    memory = [opt["kv_cache_memory_bytes"]] * pp
    try:
        groups = v.planning.get_global_kv_cache_groups(cfg_ns, workers)
        configs = v.planning.get_kv_cache_configs(cfg_ns, workers, memory, groups)
    except (ValueError, AssertionError, NotImplementedError) as error:
        raise Refusal(type(error).__name__, str(error), "v1/core/kv_cache_planning.py")
    concurrency = v.get_max_concurrency_for_kv_cache_config(cfg_ns, configs[0])
    out_groups = []
    for group in groups:
        spec = group.kv_cache_spec
        out_groups.append({"kind": type(spec).__name__, "layers": len(group.layer_names),
                           "block_size": spec.block_size, "page_bytes": spec.page_size_bytes,
                           "blocks_per_request": -(-spec.max_memory_usage_bytes(cfg_ns) // spec.page_size_bytes)})
    return {"release": RELEASE, "num_gpu_blocks": configs[0].num_blocks, "groups": out_groups,
            "block_size": block, "max_concurrency": concurrency,
            "max_concurrency_fraction": [configs[0].num_blocks,
                                         sum(g["blocks_per_request"] for g in out_groups)]}


# ---------------------------------------------------------------------------
# Random cases
# ---------------------------------------------------------------------------

def _heads(rng):
    kv = rng.choice([1, 2, 3, 4, 6, 8, 8, 16])
    group = rng.choice([1, 2, 4, 8]) if kv < 16 else rng.choice([1, 2])
    return kv * group, kv


def random_config(rng, family):
    head_dim = rng.choice([64, 128, 128, 96])
    heads, kv = _heads(rng)
    if rng.random() < 0.1:
        heads, kv = rng.choice([(40, 8), (28, 4), (12, 6), (20, 5), (56, 8)])
    layers = rng.randint(2, 48)
    base = {"hidden_size": heads * head_dim, "num_attention_heads": heads, "num_key_value_heads": kv,
            "head_dim": head_dim, "num_hidden_layers": layers, "intermediate_size": 4 * heads * head_dim,
            "vocab_size": 32000, "max_position_embeddings": 131072, "torch_dtype": "bfloat16"}
    if family == "llama":
        return dict(base, model_type="llama", architectures=["LlamaForCausalLM"])
    if family == "mistral":
        return dict(base, model_type="mistral", architectures=["MistralForCausalLM"],
                    sliding_window=rng.choice([1024, 2048, 4096, 4000, 8192]))
    if family == "gemma3":
        return dict(base, model_type="gemma3_text", architectures=["Gemma3ForCausalLM"],
                    sliding_window=rng.choice([512, 1024, 4096]), sliding_window_pattern=rng.choice([2, 4, 6]),
                    num_hidden_layers=rng.randint(2, 36))
    if family == "llama4":
        return dict(base, model_type="llama4_text", architectures=["Llama4ForCausalLM"],
                    attention_chunk_size=rng.choice([2048, 4096, 8192]),
                    no_rope_layer_interval=rng.choice([2, 4]), num_hidden_layers=rng.randint(2, 48))
    if family == "deepseek":
        cfg = dict(base, model_type="deepseek_v3", architectures=["DeepseekV3ForCausalLM"],
                   kv_lora_rank=rng.choice([512, 256]), qk_rope_head_dim=64, qk_nope_head_dim=128,
                   v_head_dim=128, q_lora_rank=1536, num_key_value_heads=heads, n_routed_experts=16,
                   num_experts_per_tok=2, moe_intermediate_size=1024, first_k_dense_replace=1,
                   n_shared_experts=1, num_nextn_predict_layers=rng.choice([0, 1, 1, 2]))
        cfg.pop("head_dim")
        return cfg
    if family == "qwen3_next":
        kheads = rng.choice([2, 4, 8, 16])
        return dict(base, model_type="qwen3_next", architectures=["Qwen3NextForCausalLM"],
                    full_attention_interval=rng.choice([2, 4]), num_hidden_layers=rng.choice([4, 8, 12, 16, 24, 48]),
                    linear_num_key_heads=kheads, linear_num_value_heads=kheads * rng.choice([1, 2, 4]),
                    linear_key_head_dim=128, linear_value_head_dim=128, linear_conv_kernel_dim=4,
                    num_experts=16, num_experts_per_tok=2, moe_intermediate_size=512,
                    shared_expert_intermediate_size=512, num_nextn_predict_layers=1)
    if family == "nemotron_h":
        layers = rng.randint(4, 40)
        symbols = "M" * 6 + "*" * 2 + "-" * 2 + "E"
        pattern = [rng.choice(symbols) for _ in range(layers)]
        attention, mamba = rng.sample(range(layers), 2)     # at least one of each (the tool needs attention)
        pattern[attention], pattern[mamba] = "*", "M"
        mheads = rng.choice([32, 64, 96, 128, 48])
        cfg = dict(base, model_type="nemotron_h", architectures=["NemotronHForCausalLM"],
                   num_hidden_layers=layers, hybrid_override_pattern="".join(pattern),
                   mamba_num_heads=mheads, mamba_head_dim=64, ssm_state_size=128,
                   n_groups=rng.choice([1, 8, 8, 4, 3]), conv_kernel=4, expand=2,
                   n_routed_experts=8, num_experts_per_tok=2, moe_intermediate_size=1024,
                   moe_shared_expert_intermediate_size=1024)
        return cfg
    raise ValueError(family)


FAMILIES = ("llama", "mistral", "gemma3", "llama4", "deepseek", "qwen3_next", "nemotron_h")


def random_case(rng, index):
    family = FAMILIES[index % len(FAMILIES)]
    cfg = random_config(rng, family)
    tp = rng.choice([1, 2, 4, 8])
    pp = rng.choice([1, 1, 2, 4] + ([3] if tp == 8 else []))
    pp = min(pp, cfg["num_hidden_layers"])
    if pp == 3 and tp != 8:
        pp = 2
    opt = {"tp": tp, "pp": pp, "block_size": rng.choice([16, 16, 32, 48, 64]),
           "kv_precision": rng.choice(["fp8", "bf16", "fp16"]),
           "async_scheduling": rng.choice([True, True, False, None]), "prefix_caching": rng.random() < 0.6,
           "disable_hybrid": rng.random() < 0.15,
           "max_num_batched_tokens": rng.choice([2048, 4096, 8192, 16384]),
           "max_num_seqs": 1024,
           "max_model_len": rng.choice([4096, 8192, 16384, 32768, 65536, 131072, 5000, 100000]),
           "kv_cache_memory_bytes": rng.choice([2, 4, 8, 16, 32, 60]) * 10 ** 9 + rng.randrange(10 ** 8)}
    if rng.random() < 0.05:
        opt["kv_cache_memory_bytes"] = rng.randrange(10 ** 7, 4 * 10 ** 8)   # tight: some refused
    if family in ("nemotron_h", "qwen3_next") and rng.random() < 0.3:
        opt["mamba_cache_dtype"] = rng.choice(["float32", "bfloat16"])
    if family == "llama4" and not opt["disable_hybrid"]:
        opt["allow_chunked_hybrid"] = rng.random() < 0.5      # VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1
    if rng.random() < 0.12:
        # No draft layers: n-gram (prompt lookup; vLLM requires N) or suffix decoding (N defaults to 24).
        opt["speculative"] = rng.choice(["ngram", "ngram", "suffix"])
        opt["num_speculative_tokens"] = rng.choice([1, 2, 3, 5] + ([None] if opt["speculative"] == "suffix" else []))
        if opt["num_speculative_tokens"] is None:
            del opt["num_speculative_tokens"]
    elif pp == 1 and rng.random() < 0.3:
        if family in ("llama", "gemma3", "mistral", "llama4"):
            opt["speculative"], opt["num_speculative_tokens"] = "eagle", rng.choice([1, 2, 3])
        elif family == "deepseek" and cfg.get("num_nextn_predict_layers"):
            layers = cfg["num_nextn_predict_layers"]
            opt["speculative"], opt["num_speculative_tokens"] = "mtp", rng.choice([layers, 2 * layers])
        elif family == "qwen3_next":
            opt["speculative"], opt["num_speculative_tokens"] = "mtp", rng.choice([1, 2])
    return {"id": "%s-%04d" % (family, index), "family": family, "config": cfg, "opt": opt}


def tool_args(opt):
    args = ["--kv-accounting", "vllm", "--tensor-parallel", str(opt["tp"]),
            "--pipeline-parallel", str(opt["pp"]), "--block-size", str(opt["block_size"]),
            "--kv-cache-memory-bytes", str(opt["kv_cache_memory_bytes"]),
            "--effective-context", str(opt["max_model_len"]), "--kv-precision", opt["kv_precision"],
            "--vllm-version", "0.33", "--max-num-seqs", str(opt["max_num_seqs"]),
            "--max-num-batched-tokens", str(opt["max_num_batched_tokens"]),
            "--enable-prefix-caching" if opt["prefix_caching"] else "--no-enable-prefix-caching"]
    if opt["async_scheduling"] is not None:
        args.append("--async-scheduling" if opt["async_scheduling"] else "--no-async-scheduling")
    if opt["disable_hybrid"]:
        args.append("--disable-hybrid-kv-cache-manager")
    if opt.get("allow_chunked_hybrid"):
        args.append("--allow-chunked-local-attn-with-hybrid-kv-cache")
    if opt.get("mamba_cache_dtype"):
        args += ["--mamba-cache-dtype", opt["mamba_cache_dtype"]]
    if opt.get("speculative"):
        args += ["--speculative", opt["speculative"]]
        if "num_speculative_tokens" in opt:
            args += ["--num-speculative-tokens", str(opt["num_speculative_tokens"])]
    return args


def server_for(opt):
    return "dgxh100"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261106)
    parser.add_argument("--cases", type=int, default=720)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.WARNING)
    v = _vllm()
    import torch
    import transformers
    rng = random.Random(args.seed)
    started = time.time()
    cases = []
    for index in range(args.cases):
        case = random_case(rng, index)
        try:
            answer = plan(case, v)
        except Refusal as refusal:
            answer = {"release": RELEASE, "refused": {"type": refusal.kind, "message": refusal.message,
                                                      "where": refusal.where}}
        cases.append({"id": case["id"], "family": case["family"], "config": case["config"],
                      "args": tool_args(case["opt"]), "server": server_for(case["opt"]), "vllm": answer})
    elapsed = time.time() - started
    header = {"generated_by": "tools/vllm_oracle.py --seed %d --cases %d --out %s" % (args.seed, args.cases, args.out),
              "seed": args.seed, "release": RELEASE, "torch": torch.__version__,
              "transformers": transformers.__version__, "generation_seconds": round(elapsed, 1),
              "backend": "CUDA SM90, Model Runner V2 (V1 for suffix decoding), FlashAttention (MultipleOf(16)), KV layout LBNHC, "
                         "FlashInfer GDN prefill (align grid 64)"}
    with open(args.out, "w") as handle:
        handle.write('{"header": %s,\n "cases": [\n' % json.dumps(header))
        handle.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        handle.write("\n]}\n")
    print("%d cases in %.1f s" % (len(cases), elapsed), file=sys.stderr)


if __name__ == "__main__":
    main()
