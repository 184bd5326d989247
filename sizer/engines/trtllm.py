"""TensorRT-LLM (--kv-accounting trtllm): blocks of --tokens-per-block, every layer keeping
max_seq_len tokens (no max_attention_window is set)."""

from sizer.engines.tokenpool import TokenPoolEngine
from sizer.vocab import Basis, T


class TrtllmEngine(TokenPoolEngine):
    caps_batch = True
    basis = Basis.TRTLLM
    display_name = "TensorRT-LLM"
    page_option = "tokens_per_block"
    kv_explanation_id = "expl.kv_trtllm"
    pool_explanation_id = "expl.pool_tokens_trtllm"
    keeps_windows = False

    def description(self, options, vllm_pool):
        return T("value.basis_trtllm", ratio=options.swa_full_tokens_ratio, page=self.page_tokens(options, options.block_size))

    def page_tokens(self, options, vllm_block_size):
        return options.tokens_per_block
