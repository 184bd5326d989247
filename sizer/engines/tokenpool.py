"""SGLang's and TensorRT-LLM's token pools (pages or blocks of tokens), split by pipeline stage.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.engines.base import Engine
from sizer.frozen import record
from sizer.numbers import cdiv
from sizer.vocab import Basis


@record
class TokenStage:
    """One pipeline stage's bytes per token on one GPU: its full-context layers, and its windowed
    (sliding or chunked) layers, which SGLang keeps in a pool of their own."""
    full_token_bytes_gpu: Fraction | int
    window_token_bytes_gpu: Fraction | int


@record
class TokenPool:
    """SGLang's and TensorRT-LLM's KV pools: tokens of every layer of a GPU at once.

    SGLang (python/sglang/srt/model_executor/model_runner_kv_cache_mixin.py, profile_max_num_token
    and init_memory): max_total_num_tokens = int(KV memory) // cell_size, where cell_size is one
    token over every layer of the GPU, aligned down to whole pages. A model with sliding or chunked
    layers (hybrid SWA) splits that memory so the SWA pool has swa_full_tokens_ratio x the full
    pool's tokens (set_num_tokens_hybrid_swa); a request keeps its context in the full pool and at
    most its window in the SWA pool, since SGLang frees the tokens that leave the window.
    TensorRT-LLM (tensorrt_llm/_torch/pyexecutor/resource_manager.py, KVCacheManager): max_tokens =
    KV memory / bytes per token of every layer, blocks = ceil(max_tokens / tokens_per_block)
    (calculate_max_num_blocks); every layer keeps max_seq_len tokens unless
    kv_cache_config.max_attention_window is set, and a request needs cdiv(tokens, tokens_per_block)
    blocks (get_num_kv_blocks).
    """
    engine: str
    page_tokens: int              # SGLang page_size, TensorRT-LLM tokens_per_block
    request_full_tokens: int      # a request's tokens in the full pool, whole pages
    request_window_tokens: int    # its tokens in SGLang's SWA pool, whole pages (0: no such pool)
    window_ratio: Fraction        # SGLang swa_full_tokens_ratio
    stages: tuple[TokenStage, ...]                 # TokenStage per pipeline stage

    def capacity(self, bytes_per_gpu, stage):
        """(full pool tokens, SWA pool tokens) on one GPU of `stage`."""
        if bytes_per_gpu <= 0:
            return 0, 0
        page = self.page_tokens
        if self.engine == Basis.TRTLLM:
            return cdiv(Fraction(bytes_per_gpu) / stage.full_token_bytes_gpu, page) * page, 0
        full_bytes, window_bytes = stage.full_token_bytes_gpu, stage.window_token_bytes_gpu
        total = int(int(bytes_per_gpu) // (full_bytes + window_bytes))
        if not window_bytes:
            return total // page * page, 0
        if not full_bytes:
            return 0, total // page * page
        full = int(total * (full_bytes + window_bytes) / (full_bytes + self.window_ratio * window_bytes))
        return full // page * page, int(full * self.window_ratio) // page * page

    def stage_sessions(self, bytes_per_gpu, stage):
        full, window = self.capacity(bytes_per_gpu, stage)
        limits = []
        if stage.full_token_bytes_gpu:
            limits.append(full // self.request_full_tokens)
        if stage.window_token_bytes_gpu:
            limits.append(window // self.request_window_tokens)
        return min(limits)

    def tightest(self, bytes_per_gpu):
        """The stage that admits the fewest sessions."""
        return min(self.stages, key=lambda stage: self.stage_sessions(bytes_per_gpu, stage))

    def sessions(self, bytes_per_gpu):
        return self.stage_sessions(bytes_per_gpu, self.tightest(bytes_per_gpu))


def token_pool(engine, model, groups_by_stage, context_tokens, page, precision, tensor_parallel, ratio):
    """The pool of `engine` (SGLang or TensorRT-LLM) for one instance."""
    def token_bytes(group):
        """One token of one layer of `group` on one GPU."""
        return Fraction(group.token_bytes(model, tensor_parallel, precision), tensor_parallel)

    windows = engine == Basis.SGLANG
    stages = tuple(TokenStage(
        sum(g.count * token_bytes(g) for g in groups if not (windows and g.local_span)),
        sum(g.count * token_bytes(g) for g in groups if windows and g.local_span)) for groups in groups_by_stage)
    spans = [g.local_span for g in model.layer_groups if windows and g.local_span]
    window_tokens = cdiv(min(max(spans), context_tokens), page) * page if spans else 0
    return TokenPool(engine, page, cdiv(context_tokens, page) * page, window_tokens, ratio, stages)


class TokenPoolEngine(Engine):
    """SGLang and TensorRT-LLM: a pool of tokens of every layer, in pages or blocks."""
    holds_state_layers = False
    keeps_windows = False      # SGLang keeps a windowed layer's window; TensorRT-LLM max_seq_len

    def group_tokens(self, group, context_tokens, page_tokens, in_flight_tokens):
        span = group.local_span if self.keeps_windows else None
        held = "%d" % context_tokens if span is None else "min(%d, %d)" % (span, context_tokens)
        tokens = cdiv(context_tokens if span is None else min(span, context_tokens), page_tokens) * page_tokens
        term = held if page_tokens == 1 else "cdiv(%s, %d) × %d" % (held, page_tokens, page_tokens)
        return tokens, term, 0

    def pool(self, model, plan):
        stages = plan.stages
        by_stage = ((plan.groups,) if stages is None or len(stages) == 1
                    else tuple(model.groups_for_layers(first, end) for first, end in stages))
        return token_pool(self.basis, model, by_stage, plan.context_tokens, plan.page_tokens, plan.precision,
                          plan.tensor_parallel, plan.window_ratio)

    def pool_inputs(self, pool, plan):
        inputs = {self.page_option: plan.page_tokens}
        if self.keeps_windows and pool.request_window_tokens:
            inputs["swa_full_tokens_ratio"] = plan.window_ratio
        return inputs
