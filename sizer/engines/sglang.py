"""SGLang (--kv-accounting sglang): a token pool in pages of --page-size; a windowed layer keeps
only its window, in a pool of its own (hybrid SWA)."""

from sizer.engines.tokenpool import TokenPoolEngine
from sizer.vocab import Basis, T


class SglangEngine(TokenPoolEngine):
    basis = Basis.SGLANG
    help_id = "help.basis_sglang"
    display_name = "SGLang"
    page_option = "page_size"
    kv_explanation_id = "expl.kv_sglang"
    pool_explanation_id = "expl.pool_tokens_sglang"
    keeps_windows = True

    def description(self, options, vllm_pool):
        return T("value.basis_sglang", ratio=options.swa_full_tokens_ratio, page=self.page_tokens(options, options.block_size))

    def page_tokens(self, options, vllm_block_size):
        return options.page_size
