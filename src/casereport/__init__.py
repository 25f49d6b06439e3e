"""Rebuild a published clinical case report from its raw data, every number traced to its cell."""
