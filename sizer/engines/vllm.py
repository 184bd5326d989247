"""vLLM v1's KV-cache manager: releases, KV-cache groups, per-stage pools and the block pool.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.engines.base import Engine
from sizer.frozen import record, replace
from sizer.layers import FullAttentionLayers, MLALatentLayers, SparseMLALayers, StateLayers, kind_parts
from sizer.numbers import InputError, cdiv
from sizer.vocab import Basis, SPECULATIVE_METHODS, SYNC_SPECULATIVE_REFUSALS, T, VLLM_RELEASES

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.records import Model


@record
class VllmRelease:
    version: tuple[int, ...]
    async_scheduling: bool

    def concurrent_batches(self, pipeline_parallel):
        """vLLM 0.33.0 VllmConfig.max_concurrent_batches: PP batches fill a pipeline; async
        scheduling overlaps one more (2 at PP 1; PP + 1 on the V2 model runner, the default)."""
        if self.version < VLLM_RELEASES["in_flight"]:
            return 1
        if self.async_scheduling:
            return pipeline_parallel + 1
        return pipeline_parallel

    @property
    def null_block(self):
        return self.version >= VLLM_RELEASES["null_block"]

    @property
    def tokens_concurrency(self):
        return self.version < VLLM_RELEASES["grouped_concurrency"]

    @property
    def refuses_long_requests(self):
        return self.version >= VLLM_RELEASES["refuses_long_requests"]

    @property
    def estimates_max_model_len(self):
        return self.version >= VLLM_RELEASES["estimates_max_model_len"]


@record
class VllmStage:
    """One pipeline stage's view of the pool (vLLM 0.33.0 get_kv_cache_configs): its bytes per
    block are the largest group's layers on that stage x one page (_get_kv_cache_bytes_per_block
    on the groups projected to the worker), and its startup check sums its own layers."""
    bytes_per_block_gpu: Fraction
    checked_groups: tuple[FullAttentionLayers, ...]       # the stage's layers as vLLM's startup check sums them, unpadded


@record
class PageRule:
    """One layer's vLLM page on one GPU: the bytes of one token of the layer on one GPU x the tokens
    of its block (--block-size x the group's page_scale)."""
    model: Model
    tensor_parallel: int
    precision: str
    block_size: int

    def page(self, group):
        return (Fraction(group.token_bytes(self.model, self.tensor_parallel, self.precision), self.tensor_parallel)
                * self.block_size * group.page_scale)


@record
class VllmPool:
    """vLLM's KV-cache groups for one instance, and the block a request is charged per GPU.

    vLLM 0.33.0, vllm/v1/core/kv_cache_planning.py _get_kv_cache_groups_uniform_page_size:
    the layers of each attention kind go into groups of one common size g (the fewest
    layers of any kind, or the most when that is below 1.5 x the fewest); each kind fills
    cdiv(n, g) groups and the last is padded. Every group draws its blocks from one pool
    per GPU of floor(KV memory / (g x page)) blocks (get_kv_cache_config_from_groups), and
    a request needs the blocks of every group (get_max_concurrency_for_kv_cache_config).
    With pipeline parallelism the groups stay those of the whole model, each stage holds the
    part of each group that falls on its layers, and every stage takes the smallest stage's
    block count (get_kv_cache_configs: "Change the num_blocks of each rank to the smallest").
    """
    group_size: int
    charged: tuple[FullAttentionLayers, ...]              # layer groups with their padded layer counts
    padding_layers: int
    blocks_per_request: int
    context_tokens: int
    block_size: int
    page_bytes_gpu: Fraction    # one layer's page on one GPU (their mean when one group holds all layers)
    in_flight_tokens: int
    stages: tuple[VllmStage, ...]               # VllmStage per pipeline stage (one without pipeline parallelism)
    merged: bool = False        # one group holds every layer, each with its own page (uniform type)
    rule: PageRule | None = None         # PageRule of the layers' own pages
    scales: tuple[tuple[str, int], ...] = ()          # (kind, page_scale) of the kinds whose blocks vLLM grew

    @property
    def bytes_per_block_gpu(self):
        """The bytes of one block on the tightest stage's GPUs (g pages without pipeline parallelism)."""
        return max(stage.bytes_per_block_gpu for stage in self.stages)

    @property
    def block_layers(self):
        """Layers one block spans on the tightest stage (g without pipeline parallelism)."""
        return int(self.bytes_per_block_gpu / self.page_bytes_gpu)

    def blocks(self, bytes_per_gpu):
        """The pool's blocks on one GPU: floor(KV bytes / bytes per block), the tightest stage's."""
        return int(bytes_per_gpu // self.bytes_per_block_gpu) if bytes_per_gpu > 0 else 0

    @property
    def group_counts(self):
        """(vLLM groups, layer kind short name) for each kind; one group when it holds every layer."""
        if self.merged:
            return ((1, "+".join(g.short for g in self.charged)),)
        return tuple((g.count // self.group_size, g.short) for g in self.charged)

    def layer_page(self, group):
        return self.rule.page(group) if self.merged else self.page_bytes_gpu

    def request_bytes_gpu(self, context_tokens, stage):
        """What one request of `context_tokens` needs per GPU of `stage`, layer by layer, as vLLM's
        startup check (check_enough_kv_cache_memory) sums it."""
        scales = dict(self.scales)
        return sum(g.count * g.vllm_blocks(context_tokens, self.block_size * scales.get(g.kind, 1),
                                           self.in_flight_tokens) * self.layer_page(g)
                   for g in stage.checked_groups)

    def estimated_max_model_len(self, available_bytes_gpu, stage):
        """vLLM's estimate_max_model_len: the longest max_model_len that fits, by binary search."""
        low, high, best = 1, self.context_tokens, 0
        while low <= high:
            middle = (low + high) // 2
            if self.request_bytes_gpu(middle, stage) <= available_bytes_gpu:
                best, low = middle, middle + 1
            else:
                high = middle - 1
        return best


def unified_groups(layer_groups, hybrid_manager):
    """With the hybrid KV-cache manager off (--disable-hybrid-kv-cache-manager, or a KV connector
    without hybrid support), sliding and chunked layers are charged as full attention
    (unify_hybrid_kv_cache_specs); state layers keep their own kind. Layers with their own
    geometry keep it (then every layer is full attention, with its own page: one group)."""
    if hybrid_manager:
        return tuple(layer_groups)
    states = [g for g in layer_groups if isinstance(g, StateLayers)]
    attention = [g for g in layer_groups if not isinstance(g, StateLayers)]
    if any(g.own_geometry for g in attention):
        full = [g if is_full_type(g) else FullAttentionLayers(g.count, kv_heads=g.kv_heads, key_dim=g.key_dim,
                                                               value_dim=g.value_dim) for g in attention]
    else:
        full = [g for g in attention if isinstance(g, MLALatentLayers)] or (
            [FullAttentionLayers(sum(g.count for g in attention))] if attention else [])
    return tuple(full + states)


# The kinds vLLM 0.33.0 treats as one uniform type (FullAttentionSpec and its MLA subclasses,
# KVCacheSpecRegistry uniform_type_base_spec): when every layer is one of them, get_kv_cache_groups
# puts all layers in one group (_get_kv_cache_groups_uniform_type) whose block holds every layer's
# page, whatever their sizes (UniformTypeKVCacheSpecs.page_size_bytes is their sum).
FULL_TYPES = (FullAttentionLayers, MLALatentLayers, SparseMLALayers)


def is_full_type(group):
    return type(group) in FULL_TYPES


def vllm_groups(layer_groups, hybrid_manager, rule=None):
    """The layer kinds as vLLM groups them: (group size g, the kinds with padded counts, whether one
    group holds every layer). When the attention kinds' pages differ, vLLM 0.33.0
    (unify_kv_cache_spec_page_size) grows the block of each smaller page by the whole ratio to the
    largest one, or pads a non-MLA page to it; an MLA page that does not divide it cannot be unified
    and vLLM refuses to start."""
    layer_groups = unified_groups(layer_groups, hybrid_manager)
    counts = [g.count for g in layer_groups]
    if rule is not None and len(layer_groups) > 1 and all(is_full_type(g) for g in layer_groups):
        return sum(counts), tuple(layer_groups), True
    if rule is not None:
        attention = [g for g in layer_groups if not isinstance(g, StateLayers)]
        largest = max(rule.page(g) for g in attention)
        scaled = []
        for group in layer_groups:
            if not isinstance(group, StateLayers) and rule.page(group) != largest:
                ratio = largest / rule.page(group)
                if ratio.denominator == 1:
                    group = replace(group, page_scale=int(ratio))
                elif isinstance(group, MLALatentLayers):
                    raise InputError("err.vllm_pages", kind=group.short, page=rule.page(group), largest=largest)
            scaled.append(group)
        layer_groups = scaled
    size = min(counts)
    if max(counts) < size * Fraction(3, 2):
        size = max(counts)
    charged = tuple(replace(g, count=cdiv(g.count, size) * size) for g in layer_groups)
    return size, charged, False


def vllm_stages(model, stages, group_size, hybrid_manager, page_gpu, rule=None):
    """Each pipeline stage's share of vLLM's groups. The i-th of a kind's n groups takes every
    layer of that kind whose rank is i modulo cdiv(n, g) (_get_kv_cache_groups_uniform_page_size:
    layers[i::num_groups], so that groups spread over the stages); a stage's block spans the
    most layers any one group has on it. Layers without a cache (the MLP and MoE layers of a
    Nemotron-H pattern, '-' and 'E') build no KV-cache spec: they count for the stage split
    (get_pp_indices) but belong to no group. When one group holds every layer (rule given), a
    stage's block holds the pages of its own layers."""
    if rule is not None:
        result = []
        for first, end in stages:
            checked = unified_groups(model.groups_for_layers(first, end), hybrid_manager)
            result.append(VllmStage(sum(g.count * rule.page(g) for g in checked), checked))
        return tuple(result)
    unified = {g.kind: (g.kind if hybrid_manager or isinstance(g, (StateLayers, MLALatentLayers))
                        else FullAttentionLayers.kind) for g in model.layer_groups}
    parts = [tuple(unified[part] for part in kind_parts(kind) if part in unified) for kind in model.layer_kinds]
    totals = {}
    for kind in (kind for layer in parts for kind in layer):
        totals[kind] = totals.get(kind, 0) + 1
    seen, group_of = {}, []
    for layer in parts:
        groups = []
        for kind in layer:
            groups.append((kind, seen.get(kind, 0) % cdiv(totals[kind], group_size)))
            seen[kind] = seen.get(kind, 0) + 1
        group_of.append(groups)
    result = []
    for first, end in stages:
        counts = {}
        for group in (group for layer in group_of[first:end] for group in layer):
            counts[group] = counts.get(group, 0) + 1
        checked = unified_groups(model.groups_for_layers(first, end), hybrid_manager)
        result.append(VllmStage(max(counts.values()) * page_gpu, checked))
    return tuple(result)


def model_stages(model, layout):
    """The layers of each pipeline stage; a drafter's layers (appended last) run on the last stage."""
    stages = list(layout.stages)
    first, _ = stages[-1]
    stages[-1] = (first, max(len(model.layer_kinds), stages[-1][1]))
    return tuple(stages)


def vllm_release(options):
    """The release's rules with async scheduling resolved: the option, else on from 0.26 (the
    release that made it the default) unless the speculative method runs synchronously there
    (vocab.SPECULATIVE_METHODS: suffix decoding; n-gram before 0.33), where vLLM turns it off and
    refuses it when asked for (config/vllm.py:1651-1720 in 0.33.0)."""
    async_scheduling = options.async_scheduling
    method = SPECULATIVE_METHODS[options.speculative] if options.speculative is not None else None
    synchronous = method is not None and (method.async_release is None or options.vllm_version < method.async_release)
    if async_scheduling is None:
        async_scheduling = options.vllm_version >= VLLM_RELEASES["in_flight"] and not synchronous
    elif async_scheduling and synchronous:
        message = next(text for first, text in SYNC_SPECULATIVE_REFUSALS if options.vllm_version >= first)
        raise InputError("err.async_speculative", method=options.speculative,
                         version="%d.%d" % options.vllm_version, message=message.format(method=options.speculative))
    return VllmRelease(options.vllm_version, async_scheduling)


class VllmEngine(Engine):
    """vLLM v1 (--kv-accounting vllm): blocks of --block-size per KV-cache group, a block pool per
    pipeline stage (vllm/v1/core/kv_cache_utils.py)."""
    basis = Basis.VLLM
    help_id = "help.basis_vllm"
    display_name = "vLLM"
    page_option = "block_size"
    kv_explanation_id = "expl.kv_vllm"

    def description(self, options, vllm_pool):
        return T("value.basis_vllm", block_size=options.block_size if vllm_pool is None else vllm_pool.block_size,
                 batched=options.max_num_batched_tokens, seqs=options.max_num_seqs)

    def kv_groups(self, groups, hybrid_manager, rule=None):
        return vllm_groups(groups, hybrid_manager, rule)

    def group_tokens(self, group, context_tokens, page_tokens, in_flight_tokens):
        page_tokens *= group.page_scale
        blocks = group.vllm_blocks(context_tokens, page_tokens, in_flight_tokens)
        term = "%s × %d" % (group.vllm_term(context_tokens, page_tokens, in_flight_tokens), page_tokens)
        return blocks * page_tokens, term, blocks

    def pool(self, model, plan):
        rule = plan.rule
        attention = [g for g in plan.groups if not isinstance(g, StateLayers)]
        if plan.merged:
            block = sum(g.count * rule.page(g) for g in plan.groups)
            page_gpu = block / plan.group_size
        elif rule is not None and attention:
            page_gpu = max(rule.page(g) for g in attention)
        else:
            page_gpu = plan.token_layer_bytes * plan.page_tokens
        if plan.stages is None or len(plan.stages) == 1:
            charged = plan.original_groups if plan.hybrid_manager else plan.groups
            pool_stages = (VllmStage(plan.group_size * page_gpu, tuple(charged)),)
        else:
            pool_stages = vllm_stages(model, plan.stages, plan.group_size, plan.hybrid_manager, page_gpu,
                                      rule if plan.merged else None)
        scales = tuple((g.kind, g.page_scale) for g in plan.groups if g.page_scale != 1)
        return VllmPool(plan.group_size, plan.groups, sum(g.count for g in plan.groups) - plan.layers,
                        plan.blocks_per_request, plan.context_tokens, plan.page_tokens, page_gpu,
                        plan.in_flight_tokens, pool_stages, plan.merged, rule, scales)

    def pool_inputs(self, pool, plan):
        return dict(block_size=plan.page_tokens, max_num_batched_tokens=plan.max_num_batched_tokens,
                    max_in_flight_tokens=plan.in_flight_tokens, kv_cache_group_size=pool.group_size,
                    padding_layers=pool.padding_layers, blocks_per_request=pool.blocks_per_request)
