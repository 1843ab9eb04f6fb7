"""Recommendations that learn each reader: a small model per reader over the paper vectors."""
