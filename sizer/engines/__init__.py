"""Engines: how each capacity basis (the guide's formula, vLLM, SGLang, TensorRT-LLM) lays out
the KV of a session.
"""
