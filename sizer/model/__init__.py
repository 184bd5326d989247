"""The model: a catalog entry or a Hugging Face config.json -> one frozen Model.
"""
