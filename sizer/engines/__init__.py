"""Engines: how each capacity basis (the guide's formula, vLLM, SGLang, TensorRT-LLM) lays out the
KV of a session and pools it. One module per engine, one class behind the interface of
engines/base.py, one line in ENGINES below: that is all an engine is.
"""

from sizer.engines.sglang import SglangEngine
from sizer.engines.spec import SpecEngine
from sizer.engines.trtllm import TrtllmEngine
from sizer.engines.vllm import VllmEngine

# Basis code (--kv-accounting) -> its engine, in the order --help lists them.
ENGINES = {engine.basis: engine for engine in (SpecEngine(), VllmEngine(), SglangEngine(), TrtllmEngine())}
