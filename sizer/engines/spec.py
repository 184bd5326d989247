"""The guide's formula (--kv-accounting spec): every layer holds the tokens it attends to, state
layers their whole state, with no pages or blocks."""

from sizer.engines.base import Engine, is_state
from sizer.vocab import Basis, T


class SpecEngine(Engine):
    basis = Basis.SPEC
    help_id = "help.basis_spec"

    def description(self, options, vllm_pool):
        return T("value.basis_spec")

    def group_tokens(self, group, context_tokens, page_tokens, in_flight_tokens):
        if is_state(group):
            return None       # the whole state of every layer, on every GPU of the instance
        return group.spec_tokens(context_tokens), group.spec_term(context_tokens), 0
