"""TensorRT-LLM (--kv-accounting trtllm): blocks of --tokens-per-block, every layer keeping
max_seq_len tokens (no max_attention_window is set)."""

from fractions import Fraction

from sizer.engines.tokenpool import TokenPoolEngine
from sizer.vocab import Basis, T


class TrtllmEngine(TokenPoolEngine):
    # The PyTorch runtime's per-iteration bubble: ~8.8 ms at 256 requests, "dominated by the host-side
    # sampler tail in TorchSampler.update_requests, a Python loop over the requests" (gpt-oss-120b on
    # GB200, NVIDIA/TensorRT-LLM PR #16564): 8.8 ms / 256 per running sequence.
    host_s_per_sequence = Fraction("8.8e-3") / 256
    basis = Basis.TRTLLM
    help_id = "help.basis_trtllm"
    display_name = "TensorRT-LLM"
    page_option = "tokens_per_block"
    kv_explanation_id = "expl.kv_trtllm"
    pool_explanation_id = "expl.pool_tokens_trtllm"
    keeps_windows = False

    def description(self, options, vllm_pool):
        return T("value.basis_trtllm", ratio=options.swa_full_tokens_ratio, page=self.page_tokens(options, options.block_size))

    def page_tokens(self, options, vllm_block_size):
        return options.tokens_per_block
