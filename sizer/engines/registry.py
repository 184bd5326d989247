"""The registry of engines: Basis code (--kv-accounting) -> its engine. Adding an engine is its
module (one class behind engines/base.Engine) and one line here.
"""

from sizer.engines.sglang import SglangEngine
from sizer.engines.spec import SpecEngine
from sizer.engines.trtllm import TrtllmEngine
from sizer.engines.vllm import VllmEngine

# Basis code (--kv-accounting) -> its engine, in the order --help lists them.
ENGINES = {engine.basis: engine for engine in (SpecEngine(), VllmEngine(), SglangEngine(), TrtllmEngine())}
