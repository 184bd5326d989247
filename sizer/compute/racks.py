"""Rack-scale systems (GB200/GB300 NVL72): racks bought whole, instances inside one rack's NVLink
domain, and the compute tray as the unit that fails.

The unit a planner buys (a rack of 18 trays) is not the unit that fails (one tray of 4 GPUs). A
tray's failure stops the instance it belongs to (an instance spanning trays loses a TP shard);
the scenario's reserve is kept as spare trays in every rack, since a spare tray stands in only
inside its own NVLink domain (CoreWeave's GB200 guidance: workloads should tolerate up to two
unavailable nodes, i.e. trays, per rack; a rack is cordoned past that). When an instance leaves no
room for a spare tray beside it (17 or 18 trays), the reserve is whole instances, as for an
instance spanning nodes on any other server.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.figures import figure
from sizer.frozen import record
from sizer.numbers import cdiv
from sizer.vocab import T, Unit


@record
class RackPlan:
    """Where a scenario's instances sit: racks, spare trays in each, and the trays they take."""
    instances: int              # instances in service (the reserve's whole instances included)
    racks: int
    per_rack: int               # instances one rack holds beside its spare trays
    spares_per_rack: int        # spare trays kept in each rack
    reserve_instances: int      # whole instances of reserve, when no spare tray fits beside one
    instance_trays: int         # trays the instances take
    rack_trays: int

    @property
    def spare_trays(self):
        return self.spares_per_rack * self.racks

    @property
    def trays(self):
        """Trays in service: the instances' and the spares."""
        return self.instance_trays + self.spare_trays

    @property
    def idle_trays(self):
        return self.racks * self.rack_trays - self.trays


def instances_per_rack(layout, spares):
    """Instances one rack holds with `spares` trays kept free: whole instances of whole trays,
    or instances sharing a tray."""
    free = layout.trays_per_rack - spares
    if layout.spans_nodes:
        return free // layout.nodes_per_instance
    return free * layout.instances_per_node


def instance_trays(layout, instances):
    if layout.spans_nodes:
        return instances * layout.nodes_per_instance
    return -(-instances // layout.instances_per_node)


def rack_plan(layout, instances, reserve):
    """The racks for `instances` with `reserve` failure units of HA (0, 1 or 2 trays a rack)."""
    per_rack = instances_per_rack(layout, reserve)
    if per_rack == 0:
        # The instance fills the rack: the reserve is whole instances (each a rack, or less).
        per_rack = instances_per_rack(layout, 0)
        total = instances + reserve
        return RackPlan(total, -(-total // per_rack), per_rack, 0, reserve, instance_trays(layout, total),
                        layout.trays_per_rack)
    return RackPlan(instances, -(-instances // per_rack), per_rack, reserve, 0, instance_trays(layout, instances),
                    layout.trays_per_rack)


def instances_for(concurrency, headroom, sessions_per_instance):
    """Whole instances for the concurrency plus headroom (the integer arithmetic of nodes_for)."""
    return -(-(concurrency * (headroom.denominator + headroom.numerator))
             // (headroom.denominator * sessions_per_instance))


def sessions_per_instance(sessions, layout):
    """Sessions per instance from a capacity's sessions per unit (per tray when instances share one)."""
    return sessions if layout.spans_nodes else sessions // layout.instances_per_node


def final_racks(concurrency, params, sessions, layout):
    """A scenario's racks for `concurrency` at `sessions` per unit: rack_figures' arithmetic alone."""
    instances = instances_for(concurrency, params.peak_headroom_ratio, sessions_per_instance(sessions, layout))
    return rack_plan(layout, instances, params.ha_extra_nodes).racks


def planned_instances(figures):
    """The instances a rack-scale scenario runs, as its trays_final figure counts them: the spare
    trays stay free for a failed tray's instance, and trays beyond the plan stay idle."""
    for item in figures:
        if item.key == "trays_final":
            return dict(item.inputs)["instances"]
    return None


def rack_figures(scenario, params, concurrency, per_instance, layout):
    """Racks by capacity, with headroom, the trays in service and the racks to buy."""
    headroom = params.peak_headroom_ratio
    plain = instances_for(concurrency, Fraction(0), per_instance)
    with_headroom = instances_for(concurrency, headroom, per_instance)
    per_rack = instances_per_rack(layout, 0)
    racks_capacity, racks_headroom = -(-plain // per_rack), -(-with_headroom // per_rack)
    shape = _shape(layout, per_rack)
    return (
        figure("nodes_capacity", racks_capacity, Unit.RACKS,
               T("formula.racks_capacity", concurrency=concurrency, sessions=per_instance, instances=plain,
                 per_rack=per_rack, racks=racks_capacity),
               {"concurrency": concurrency, "sessions_per_instance": per_instance, "instances": plain,
                "instances_per_rack": per_rack}, (T("expl.racks_capacity", **shape),), T("label.racks_capacity")),
        racks_headroom_figure(concurrency, headroom, per_instance, with_headroom, per_rack, racks_headroom, shape),
    ) + final_figures(scenario, params, layout, with_headroom)


def racks_headroom_figure(concurrency, headroom, per_instance, instances, per_rack, racks, shape):
    return figure("nodes_with_headroom", racks, Unit.RACKS,
                  T("formula.racks_headroom", concurrency=concurrency, headroom=headroom, sessions=per_instance,
                    instances=instances, per_rack=per_rack, racks=racks),
                  {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_instance": per_instance,
                   "instances_with_headroom": instances, "instances_per_rack": per_rack},
                  (T("expl.racks_headroom", headroom=headroom),), T("label.racks_with_headroom"))


def final_figures(scenario, params, layout, instances):
    """The trays in service and the racks to buy for `instances` (headroom included)."""
    ha = params.ha_extra_nodes
    plan = rack_plan(layout, instances, ha)
    ha_label = T(scenario.ha_id)
    if plan.reserve_instances:
        racks_formula = T("formula.racks_final_instances", instances=instances, ha=ha, per_rack=plan.per_rack,
                          racks=plan.racks)
        explanation = T("expl.racks_final_instances", ha=ha, ha_label=ha_label, trays=layout.nodes_per_instance,
                        rack_trays=layout.trays_per_rack)
    else:
        racks_formula = T("formula.racks_final", instances=instances, rack_trays=layout.trays_per_rack, spares=ha,
                          per_rack=plan.per_rack, racks=plan.racks)
        explanation = T("expl.racks_final", spares=ha, ha_label=ha_label)
    shared = not layout.spans_nodes
    trays_formula = T("formula.trays_final_shared" if shared else "formula.trays_final",
                      instances=plan.instances,
                      per_tray=layout.instances_per_node, trays_per_instance=layout.nodes_per_instance,
                      instance_trays=plan.instance_trays, spares=plan.spares_per_rack, racks=plan.racks,
                      trays=plan.trays, rack_trays=layout.trays_per_rack, bought=plan.racks * layout.trays_per_rack,
                      rack_count=T("count.racks", n=plan.racks))
    return (
        figure("trays_final", plan.trays, Unit.TRAYS, trays_formula,
               {"instances": plan.instances, "instance_trays": plan.instance_trays, "spare_trays": plan.spare_trays,
                "idle_trays": plan.idle_trays, "racks": plan.racks, "trays_per_rack": layout.trays_per_rack},
               T("expl.trays_final", idle=plan.idle_trays)),
        figure("nodes_final", plan.racks, Unit.RACKS, racks_formula,
               {"instances_with_headroom": instances, "ha_spare_trays_per_rack": plan.spares_per_rack,
                "ha_extra_instances": plan.reserve_instances, "instances_per_rack": plan.per_rack},
               (explanation,), T("label.racks_final")),
    )


def _shape(layout, per_rack):
    return {"gpus": layout.gpus_per_instance, "per_rack": per_rack, "rack_trays": layout.trays_per_rack,
            "tray_gpus": layout.node_gpus}


def rack_demand_bound(nodes, scenario, params, kind, demand, per_node, layout, text):
    """A traffic bound (prefill or decode) on a rack-scale system: the demand in whole instances,
    racks for them; when it needs more instances than memory does, the racks follow it.
    `per_node` is what one tray supplies; `text` the bound's ids (its explanations are used).
    Returns (figures, binds)."""
    per_instance = per_node * layout.nodes_per_instance / layout.instances_per_node
    headroom = params.peak_headroom_ratio
    per_rack = instances_per_rack(layout, 0)

    def instances(ratio):
        return int(cdiv(demand * (1 + ratio) / per_instance, 1))

    plain = instances(0)
    _, explanation_id, _, headroom_explanation_id = text
    bound = figure("nodes_" + kind, -(-plain // per_rack), Unit.RACKS,
                   T("formula.racks_demand", demand=demand, per_instance=per_instance, instances=plain,
                     per_rack=per_rack, racks=-(-plain // per_rack)),
                   {"demand": demand, "per_instance": per_instance, "instances": plain, "instances_per_rack": per_rack},
                   (T(explanation_id),), T(RACK_BOUND_LABELS[kind]))
    before = [item for item in nodes if item.key == "nodes_with_headroom"][0]
    memory = dict(before.inputs)["instances_with_headroom"]
    needed = instances(headroom)
    if needed <= memory:
        return nodes + (bound,), False
    racks = -(-needed // per_rack)
    with_headroom = figure("nodes_with_headroom", racks, Unit.RACKS,
                           T("formula.racks_headroom_demand", memory=memory, demand=demand, headroom=headroom,
                             per_instance=per_instance, instances=needed, per_rack=per_rack, racks=racks),
                           {"instances_before": memory, "demand": demand, "peak_headroom_ratio": headroom,
                            "per_instance": per_instance, "instances_with_headroom": needed,
                            "instances_per_rack": per_rack},
                           (T(headroom_explanation_id, headroom=headroom),), T("label.racks_with_headroom"))
    replaced = {item.key: item for item in (with_headroom,) + final_figures(scenario, params, layout, needed)}
    return tuple(replaced.get(item.key, item) for item in nodes) + (bound,), True


# The labels of a traffic bound counted in racks.
RACK_BOUND_LABELS = {"prefill": "label.racks_prefill", "decode": "label.racks_decode",
                     "throughput": "label.racks_throughput", "latency_percentile": "label.racks_latency_percentile"}
