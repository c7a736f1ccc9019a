"""Reads of councils that take more than one query: pages and documents share them."""
