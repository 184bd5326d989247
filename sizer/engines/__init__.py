"""Engines: how each capacity basis (the guide's formula, vLLM, SGLang, TensorRT-LLM) lays out the
KV of a session and pools it. One module per engine with one class behind the interface of
engines/base.py, and one line in engines/registry.py: that is all an engine is.
"""
