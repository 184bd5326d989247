"""Cost and power per scenario, the traffic's bounds, and disaggregated prefill/decode pools.
"""

from fractions import Fraction

from sizer.compute.figures import figure, find
from sizer.compute.memory import kv_per_session
from sizer.compute.nodes import with_demand_bound
from sizer.frozen import replace
from sizer.numbers import cdiv
from sizer.vocab import Basis, Bound, GB_BYTES, T, Unit


# Cost: a month is 8760 h / 12 = 730 h; every amount is in US dollars, said in every format.
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


def cost_rates(server, options):
    """(hourly rent, purchase price, cost per node-month, energy per node-month) in USD, or None
    without a price: --node-price (amortized), else --node-cost-per-hour or the catalog's rent, else
    the catalog's price; energy only with --power-cost-per-kwh, a known power and a bought node."""
    hourly = options.node_cost_per_hour if options.node_cost_per_hour is not None else server.node_cost_per_hour_usd
    price = options.node_price if options.node_price is not None else (
        server.node_price_usd if hourly is None else None)
    if price is not None:
        per_node = Fraction(price) / options.amortization_months
    elif hourly is not None:
        per_node = hourly * HOURS_PER_MONTH
    else:
        return None
    energy = Fraction(0)
    # A rent (cloud or colocation, by the hour) already pays the node's power: energy is charged only on
    # a node that is bought.
    if options.power_cost_per_kwh is not None and server.node_power_kw is not None and price is not None:
        energy = server.node_power_kw * HOURS_PER_MONTH * options.power_cost_per_kwh
    return hourly, price, per_node, energy


def monthly_cost_usd(nodes, rates):
    """The nodes' monthly cost: each node's rent or amortization, plus its energy."""
    _, _, per_node, energy_per_node = rates
    return nodes * (per_node + energy_per_node)


def cluster_power_kw(nodes, server):
    return None if server.node_power_kw is None else nodes * server.node_power_kw


# The words of the cost formulas: per node, or per rack for a rack-scale system (bought whole).
COST_TEXT = {False: ("formula.power_kw", "formula.cost_hourly", "formula.cost_purchase", "formula.monthly_cost",
                     "count.nodes"),
             True: ("formula.power_kw_racks", "formula.cost_hourly_rack", "formula.cost_purchase_rack",
                    "formula.monthly_cost_racks", "count.racks")}


def cost_figures(nodes_final, server, options, concurrency, tokens_per_s_session):
    """A scenario's monthly cost, power and cost per million output tokens. The node costs its
    hourly rent (--node-cost-per-hour, or the catalog's), or its price over --amortization-months
    when --node-price is given; --power-cost-per-kwh adds the energy at the node's maximum power."""
    if nodes_final is None:
        return ()
    figures = []
    power_id, hourly_id, purchase_id, monthly_id, count_id = COST_TEXT[server.rack_scale]
    power_kw = server.node_power_kw
    if power_kw is not None:
        total_kw = cluster_power_kw(nodes_final, server)
        figures.append(figure("power_kw", total_kw, Unit.KW,
                              T(power_id, nodes=nodes_final, kw=power_kw, total=total_kw),
                              {"nodes_final": nodes_final, "node_power_kw": power_kw,
                               "power_source": server.power_source}, T("expl.power_kw")))
    rates = cost_rates(server, options)
    if rates is None:
        return tuple(figures)
    hourly, price, per_node, energy_per_node = rates
    if price is not None:
        node_term = T(purchase_id, price=price, months=options.amortization_months, per_node=per_node)
        inputs = {"node_price_usd": price, "amortization_months": options.amortization_months}
    else:
        node_term = T(hourly_id, hourly=hourly, hours=HOURS_PER_MONTH, per_node=per_node)
        inputs = {"node_cost_per_hour_usd": hourly, "hours_per_month": HOURS_PER_MONTH}
    energy = nodes_final * energy_per_node
    energy_term = ""
    if energy_per_node:
        energy_term = T("formula.cost_energy", nodes=nodes_final, kw=power_kw, hours=HOURS_PER_MONTH,
                        rate=options.power_cost_per_kwh, energy=energy)
        inputs.update(node_power_kw=power_kw, power_cost_per_kwh=options.power_cost_per_kwh)
    monthly = monthly_cost_usd(nodes_final, rates)
    inputs.update(nodes_final=nodes_final, currency=CURRENCY, cost_source=(
        server.cost_source if options.node_cost_per_hour is None and options.node_price is None else None))
    figures.append(figure("monthly_cost_usd", monthly, Unit.USD_PER_MONTH,
                          T(monthly_id, count=T(count_id, n=nodes_final), node=node_term, energy=energy_term,
                            total=monthly),
                          inputs, T("expl.monthly_cost")))
    if options.requests_per_second is not None and options.output_tokens is not None:
        # The traffic says how many tokens the month serves: requests/s x output tokens x seconds.
        served = options.requests_per_second * options.output_tokens * SECONDS_PER_MONTH
        per_million = monthly / served * 10 ** 6
        figures.append(figure("cost_per_million_tokens_usd", per_million, Unit.USD_PER_MTOK,
                              T("formula.cost_per_million_served", monthly=monthly, rate=options.requests_per_second,
                                tokens=options.output_tokens, seconds=SECONDS_PER_MONTH, total=per_million),
                              {"monthly_cost_usd": monthly, "requests_per_second": options.requests_per_second,
                               "output_tokens": options.output_tokens, "currency": CURRENCY},
                              T("expl.cost_per_million_served"), T("label.cost_per_million_served")))
    elif tokens_per_s_session is not None:
        tokens_month = concurrency * tokens_per_s_session * SECONDS_PER_MONTH
        per_million = monthly / tokens_month * 10 ** 6
        figures.append(figure("cost_per_million_tokens_usd", per_million, Unit.USD_PER_MTOK,
                              T("formula.cost_per_million", monthly=monthly, concurrency=concurrency,
                                rate=tokens_per_s_session, seconds=SECONDS_PER_MONTH, total=per_million),
                              {"monthly_cost_usd": monthly, "concurrency": concurrency,
                               "tokens_per_s_session_load": tokens_per_s_session, "currency": CURRENCY},
                              T("expl.cost_per_million")))
    return tuple(figures)


CURRENCY = "USD"


def traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, kinds, scenario=None):
    """The node figures with the traffic's demands of `kinds` (prefill, decode, throughput) applied in turn;
    returns (figures, the Bound that set the count last, or None)."""
    layout, demand_bound = context.layout, None
    if not capacity.feasible:
        return nodes, None
    if Bound.PREFILL in kinds and context.prefill_demand is not None:
        nodes, binds = with_demand_bound(nodes, params, Bound.PREFILL, context.prefill_demand,
                                         Fraction(layout.instances_per_node, layout.nodes_per_instance), layout,
                                         scenario)
        demand_bound = Bound.PREFILL if binds else demand_bound
    if Bound.DECODE in kinds and context.decode_demand is not None and latency.roofline is not None:
        # What a node delivers at the batch its instances run (the TPOT target's, when given).
        batch = capacity.per_instance
        node_rate = (Fraction(layout.instances_per_node, layout.nodes_per_instance) * batch
                     / latency.roofline.tpot_seconds(batch, kv_bytes))
        nodes, binds = with_demand_bound(nodes, params, Bound.DECODE, context.decode_demand, node_rate, layout,
                                         scenario)
        demand_bound = Bound.DECODE if binds else demand_bound
    if Bound.THROUGHPUT in kinds and context.decode_demand is not None:
        # Aggregated: prefill chunks and decode tokens share the steps, so their GPU-seconds add.
        state = latency.steady_state(capacity.per_instance)
        node_rate = Fraction(layout.instances_per_node, layout.nodes_per_instance) * state.output_tokens_s
        nodes, binds = with_demand_bound(nodes, params, Bound.THROUGHPUT, context.decode_demand, node_rate, layout,
                                         scenario)
        demand_bound = Bound.THROUGHPUT if binds else demand_bound
    return nodes, demand_bound


def disaggregated_figures(decode_nodes, params, prefill_demand, layout, aggregated_final):
    """Two pools, each with the scenario's headroom and HA reserve: the prefill pool runs the
    traffic's prompts (its demand in instances, whole failure units), the decode pool is
    `decode_nodes`; the scenario buys both."""
    unit = layout.nodes_per_instance
    per_node = Fraction(layout.instances_per_node, unit)
    ha_units = params.ha_extra_nodes * unit
    headroom = params.peak_headroom_ratio
    prefill_headroom = int(cdiv(prefill_demand * (1 + headroom) / per_node, unit)) * unit
    prefill_pool = prefill_headroom + ha_units
    decode_pool = find(decode_nodes, "nodes_final")
    total = prefill_pool + decode_pool
    renamed = tuple(replace(item, key="decode_pool_nodes", label=T("label.decode_pool_nodes"))
                    if item.key == "nodes_final" else item for item in decode_nodes)
    return renamed + (
        figure("prefill_pool_nodes", prefill_pool, Unit.NODES,
               T("formula.prefill_pool_nodes", demand=prefill_demand, headroom=headroom, per_node=per_node,
                 nodes=prefill_headroom, ha=ha_units, total=prefill_pool),
               {"prefill_demand_instance_s_per_s": prefill_demand, "peak_headroom_ratio": headroom,
                "instances_per_node": per_node, "ha_extra_nodes": ha_units},
               T("expl.prefill_pool_nodes")),
        figure("nodes_final", total, Unit.NODES,
               T("formula.nodes_final_disaggregated", prefill=prefill_pool, decode=decode_pool, nodes=total),
               {"prefill_pool_nodes": prefill_pool, "decode_pool_nodes": decode_pool},
               T("expl.nodes_final_disaggregated")),
        figure("nodes_aggregated", aggregated_final, Unit.NODES,
               T("formula.nodes_aggregated", nodes=aggregated_final, total=total),
               {"nodes_final": total}, T("expl.nodes_aggregated")),
    )


def kv_transfer_figures(model, options, prompt_tokens, kv_tp, ttft_s):
    """Disaggregated serving moves one prompt's KV from the prefill node to the decode node, once:
    its bytes at --kv-transfer-gb-s, added to the TTFT."""
    prompt_kv = kv_per_session(model, prompt_tokens, options.kv_precision, kv_tp, Basis.SPEC, options.block_size,
                               options.max_num_batched_tokens).bytes
    seconds = Fraction(prompt_kv) / (options.kv_transfer_gb_s * GB_BYTES)
    return (
        figure("kv_transfer_s", seconds, Unit.SECONDS,
               T("formula.kv_transfer", bytes=prompt_kv, rate=options.kv_transfer_gb_s, seconds=seconds),
               {"prompt_tokens": prompt_tokens, "prompt_kv_bytes": prompt_kv,
                "kv_transfer_gb_s": options.kv_transfer_gb_s}, T("expl.kv_transfer")),
        figure("ttft_disaggregated_s", ttft_s + seconds, Unit.SECONDS,
               T("formula.ttft_disaggregated", ttft_s=ttft_s, transfer=seconds, total=ttft_s + seconds),
               {"ttft_s": ttft_s, "kv_transfer_s": seconds}, T("expl.ttft_disaggregated")),
    )
