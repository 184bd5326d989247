"""The report: every number of one sizing, and its alerts.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.figures import typed_values
from sizer.compute.memory import KvPerSession, Layout
from sizer.frozen import record
from sizer.records import Model, Options, Server, Storage
from sizer.vocab import Level, Status, Text

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.compute.capacity import ScenarioResult
    from sizer.compute.commands import Commands
    from sizer.compute.differences import Alternative, EngineMemoryAlternative
    from sizer.compute.figures import Figure
    from sizer.compute.performance import Latency


@record
class Alert:
    level: str
    code: str
    message: Text


@record
class CommonValues:
    """The shared figures that logic reads (alerts, the outline), as typed fields named by their figure
    keys. Built from the report's figures (figures.typed_values), so a value read here is the number its figure shows; a field
    is None when the run has no such figure (tests/test_alerts.py checks every name is a figure key)."""
    hbm_total_gib: Fraction | None = None
    weights_per_node_gib: Fraction | None = None
    weights_per_instance_gib: Fraction | None = None
    kv_cache_memory_gib: Fraction | None = None
    calibration_memory_gap_percent: Fraction | None = None
    ttft_full_context_s: Fraction | None = None
    ttft_prompt_s: Fraction | None = None
    ttft_disaggregated_s: Fraction | None = None
    prefill_demand_instance_s_per_s: Fraction | None = None
    decode_demand_tokens_per_s: Fraction | None = None
    kv_restore_session_s: Fraction | None = None
    sessions_restored_per_s: Fraction | None = None
    context_p99_tokens: int | None = None
    context_in_flight_tokens: int | None = None



@record
class Report:
    """Every number of one sizing, and the alerts raised over them."""
    options: Options
    model: Model
    server: Server
    storage: Storage
    context_tokens: int         # the effective context, after the clamp
    layout: Layout
    overhead_gib: Fraction
    blocker: str | None
    roofline_missing: tuple[str, ...]
    kv_by_basis: dict[str, KvPerSession]
    common: tuple[Figure, ...]
    scenarios: tuple[ScenarioResult, ...]
    fitting_layout: tuple[int, int] | None = None           # (TP, PP) that holds the weights, when they do not fit
    replication_alternative: tuple[int, int, int | None] | None = None  # (TP, instances per node, sessions per node or None)
    alerts: tuple[Alert, ...] = ()
    solve: tuple[str, int] | None = None                    # (question, nodes) of --solve; answers are scenario figures
    commands: Commands | None = None                 # Commands of --commands (sizer.compute.commands)
    latency: Latency | None = None                  # the engine model, the TTFT and the targets (compute/performance.py)
    engine_memory: EngineMemoryAlternative | None = None            # EngineMemoryAlternative: vLLM's own memory rule beside the budget
    alternatives: tuple[Alternative, ...] = ()                # differences.Alternative: other choices and RECOMENDADO's nodes

    def scenario(self, key):
        return [s for s in self.scenarios if s.scenario.key == key][0]

    @property
    def values(self):
        """The shared figures' values, typed (CommonValues), built once (as ScenarioResult.values)."""
        view = self.__dict__.get("_values")
        if view is None:
            view = self.__dict__["_values"] = typed_values(CommonValues, self.common)
        return view

    def common_figure(self, key):
        """The shared figure `key` (its inputs name what its formula used), or None."""
        return next((item for item in self.common if item.key == key), None)

    @property
    def tensor_parallel(self):
        return self.layout.tensor_parallel

    @property
    def instances_per_node(self):
        return self.layout.instances_per_node

    @property
    def kv(self):
        return self.kv_by_basis[self.options.kv_accounting]

    @property
    def status(self):
        return Status.INFEASIBLE if any(a.level == Level.ERROR for a in self.alerts) else Status.OK


def exit_status(report):
    return 1 if report.status == Status.INFEASIBLE else 0
