"""Calibration on other GPUs or another layout: what an engine log tells is carried to the GPUs and TP
being sized, or the log is refused with what differs. A pool is never reused where it does not fit.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.memory import Layout, pipeline_stages, stage_weights_bytes
from sizer.frozen import record
from sizer.numbers import InputError
from sizer.vocab import CALIBRATION_TOLERANCE_PERCENT, GB_BYTES, GIB_BYTES, Join, T, Text


# A log's GPUs are this run's when the memory vLLM reported is within 2% of the catalog's CUDA-visible
# bytes (H100 80GB: vLLM prints 79.11 to 79.33 GiB; the catalog has 79.18).
GPU_MATCH_TOLERANCE = Fraction(2, 100)
# vLLM's --gpu-memory-utilization when the log does not print it (EngineArgs' default since 0.2).
VLLM_DEFAULT_UTILIZATION = Fraction(9, 10)


def gpu_bytes(server):
    """The bytes one GPU of the server holds: CUDA's figure when the catalog has it, else the vendor's GB."""
    return server.cuda_visible_bytes_per_gpu or server.hbm_per_gpu_gb * GB_BYTES


def heaviest_stage_weights_per_gpu(model, layout):
    """Weight bytes on each GPU of the heaviest pipeline stage (0 when the weights are unknown)."""
    if model.weights is None:
        return Fraction(0)
    return max(stage_weights_bytes(model, model.weights, layout)) / layout.tensor_parallel


def logged_layout(log, model, layout):
    """The layout the log ran (its TP and PP; vLLM's default 1 when it does not print them): `layout`
    itself when it is this run's."""
    tensor_parallel, stages = log.tensor_parallel or 1, log.pipeline_parallel or 1
    if (tensor_parallel, stages) == (layout.tensor_parallel, layout.pipeline_parallel):
        return layout
    stages = min(stages, model.num_hidden_layers)
    return Layout(tensor_parallel, stages, 1, 1, pipeline_stages(model.num_hidden_layers, stages),
                  tensor_parallel * stages, layout.data_parallel_attention)


@record
class CalibrationTarget:
    """The KV bytes per GPU this run gets from a log: the log's own pool, or one rebuilt for these GPUs."""
    per_gpu: Fraction
    rebuilt: Text | None = None          # the rebuild's formula (a Text), None when the log's pool is reused
    explanation: Text | None = None
    inputs: tuple[tuple[str, Fraction | int], ...] = ()


def calibration_target(model, log, layout, log_layout, server, logged_per_gpu):
    """The log's pool when it ran this layout on GPUs like these (or, when it does not say its GPUs,
    when the pool and the weights fit one of these GPUs). Else, when the log prints its GPUs' memory and
    --gpu-memory-utilization (vLLM's memory profile), the pool rebuilt: the engine's memory besides the KV
    and the weights (activations, CUDA graphs, NCCL) as the log had it, the weights at this TP, and the
    KV the rest of these GPUs' share. Else the log is refused, saying what differs."""
    room = Fraction(gpu_bytes(server))
    weights = heaviest_stage_weights_per_gpu(model, layout)
    logged_gib = log.gpu_memory_gib
    logged_room = None if logged_gib is None else logged_gib * GIB_BYTES
    same_layout = log_layout is layout
    if same_layout and (abs(logged_room - room) <= GPU_MATCH_TOLERANCE * room if logged_room is not None
                        else logged_per_gpu + weights <= room):
        return CalibrationTarget(Fraction(logged_per_gpu))
    if logged_room is None:
        differences = []
        if not same_layout:
            differences.append(T("err.log_other_layout", log_tp=log_layout.tensor_parallel,
                                 log_pp=log_layout.pipeline_parallel, tp=layout.tensor_parallel,
                                 pp=layout.pipeline_parallel))
        if logged_per_gpu + weights > room:
            differences.append(T("err.log_other_gpu", kv_gib=Fraction(logged_per_gpu) / GIB_BYTES,
                                 weights_gib=weights / GIB_BYTES, need_gib=(logged_per_gpu + weights) / GIB_BYTES,
                                 server=server.name, room_gib=room / GIB_BYTES))
        raise InputError("err.log_other_deployment", path=log.path, differences=Join(tuple(differences), "; "),
                         log_tp=log_layout.tensor_parallel)
    utilization = min(log.gpu_memory_utilization or VLLM_DEFAULT_UTILIZATION, Fraction(1))
    logged_weights = (log.weights_gib * GIB_BYTES if log.weights_gib is not None
                      else heaviest_stage_weights_per_gpu(model, log_layout))
    other = max(utilization * logged_room - logged_per_gpu - logged_weights, Fraction(0))
    usable = utilization * room
    per_gpu = usable - weights - other
    rebuilt = T("formula.calibration_rebuilt", utilization=utilization, room_gib=room / GIB_BYTES,
                weights_gib=weights / GIB_BYTES, other_gib=other / GIB_BYTES, gib=per_gpu / GIB_BYTES,
                logged_gib=logged_gib, kv_gib=Fraction(logged_per_gpu) / GIB_BYTES,
                logged_weights_gib=logged_weights / GIB_BYTES)
    explanation = T("expl.calibration_rebuilt", logged_gib=logged_gib, log_tp=log_layout.tensor_parallel,
                    room_gib=room / GIB_BYTES, tp=layout.tensor_parallel, server=server.name)
    inputs = (("log_gpu_memory_gib", logged_gib), ("log_tensor_parallel", log_layout.tensor_parallel),
              ("gpu_memory_utilization", utilization), ("usable_bytes_per_gpu", usable),
              ("weights_bytes_per_gpu", weights), ("activation_and_fixed_bytes_per_gpu", other),
              ("log_kv_cache_memory_bytes_per_gpu", Fraction(logged_per_gpu)))
    return CalibrationTarget(per_gpu, rebuilt, explanation, inputs)


def check_unmatched_model(log, model, figures):
    """A log of another model name is this model's checkpoint only when its own memory line and its pool
    give this model's KV bytes per token (the memory check within tolerance); else it is refused, saying
    how to size with its own config."""
    if log.unmatched_model is None:
        return
    gap = [item.value for item in figures if item.key == "calibration_memory_gap_percent"]
    if not gap or abs(gap[0]) > CALIBRATION_TOLERANCE_PERCENT:
        raise InputError("err.log_model_mismatch", path=log.path, logged=log.unmatched_model, model=model.name,
                         gap=gap[0] if gap else None, tolerance=CALIBRATION_TOLERANCE_PERCENT)
