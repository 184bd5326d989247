"""The report: every number of one sizing, and its alerts.
"""

from fractions import Fraction

from sizer.compute.memory import Layout
from sizer.frozen import record
from sizer.records import Model, Options, Server, Storage
from sizer.vocab import Level, Status, Text


@record
class Alert:
    level: str
    code: str
    message: Text


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
    blocker: object
    roofline_missing: tuple
    kv_by_basis: dict
    common: tuple
    scenarios: tuple
    fitting_layout: object = None           # (TP, PP) that holds the weights, when they do not fit
    replication_alternative: object = None  # (TP, instances per node, sessions per node or None)
    alerts: tuple = ()
    solve: object = None                    # (question, nodes) of --solve; answers are scenario figures
    commands: object = None                 # Commands of --commands (sizer.compute.commands)
    latency: object = None                  # the engine model, the TTFT and the targets (compute/performance.py)
    engine_memory: object = None            # EngineMemoryAlternative: vLLM's own memory rule beside the budget
    alternatives: tuple = ()                # differences.Alternative: other choices and RECOMENDADO's nodes

    def scenario(self, key):
        return [s for s in self.scenarios if s.scenario.key == key][0]

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
