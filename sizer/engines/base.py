"""The interface every capacity basis implements: how one session's KV is laid out on it, and the
pool that holds the sessions. vLLM's per-engine layout is the model: one class per engine, each
answering the same questions, and a registry (engines/__init__.py) keyed by the Basis code.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.layers import FullAttentionLayers, StateLayers
from sizer.frozen import record

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.engines.vllm import PageRule


@record
class KvPlan:
    """What kv_per_session worked out for one session, handed to the engine to build its pool."""
    groups: tuple[FullAttentionLayers, ...]               # the groups as the engine charges them (vLLM pads them)
    original_groups: tuple[FullAttentionLayers, ...]      # the model's groups (or one stage's) before that
    layers: int                 # layers before any padding
    group_size: int             # layers per KV-cache group (vLLM), else 1
    blocks_per_request: int     # vLLM's blocks for one request, over the groups
    context_tokens: int
    page_tokens: int            # block or page size
    token_layer_bytes: Fraction  # bytes of one token of one attention layer on one GPU
    precision: str
    tensor_parallel: int
    max_num_batched_tokens: int
    in_flight_tokens: int
    stages: tuple[tuple[int, int], ...] | None              # ((first, end) layers per pipeline stage) or None
    hybrid_manager: bool
    window_ratio: Fraction | None        # SGLang's swa_full_tokens_ratio
    merged: bool = False        # vLLM: one group holds every layer, each with its own page
    rule: PageRule | None = None         # vLLM: the PageRule of each layer's own page (None: one page for all)


class Engine:
    """One capacity basis. Subclasses set the class attributes and override what differs."""
    basis = None              # the Basis code (--kv-accounting)
    display_name = None       # the engine's own spelling ("vLLM"); None for the guide's formula
    page_option = None        # the Options field of its page or block size
    holds_state_layers = True  # False: models with Mamba/linear-attention layers are refused on it
    help_id = None            # message id of its line in --help's list of bases ("help.basis_<code>")
    kv_explanation_id = None   # message id of how it holds a session's KV (None: the guide's formula)
    pool_explanation_id = None  # message id of its pool's figure (token pools)
    host_s_per_sequence = Fraction(0)   # CPU time per running sequence per step that the GPU waits for

    def page_tokens(self, options, vllm_block_size):
        """Tokens per page or block on this basis."""
        return vllm_block_size

    def kv_groups(self, groups, hybrid_manager, rule=None):
        """(layers per KV-cache group, the groups as this engine charges them, whether one group
        holds every layer)."""
        return 1, groups, False

    def group_tokens(self, group, context_tokens, page_tokens, in_flight_tokens):
        """(tokens one layer of `group` holds for a session, the term of the formula, blocks per
        layer or 0); None when the group is charged as a whole state instead (see state_bytes)."""
        raise NotImplementedError

    def state_bytes(self, group, tensor_parallel):
        """Bytes of one state layer of `group` over the instance, when group_tokens gave None."""
        return group.state_bytes_gpu(tensor_parallel) * tensor_parallel

    def description(self, options, vllm_pool):
        """The basis in the inputs' list: a Text."""
        raise NotImplementedError

    def pool(self, model, plan):
        """The engine's pool record for one instance (None: the guide's formula has none)."""
        return None

    def pool_inputs(self, pool, plan):
        """The inputs of the KV formula this engine adds (its page size, its pool's figures)."""
        return {}


def is_state(group):
    return isinstance(group, StateLayers)
