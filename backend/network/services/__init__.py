"""Writes and queries of the registry: sites, categories, bins and vehicles."""
