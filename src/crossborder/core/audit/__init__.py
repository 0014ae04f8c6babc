"""Append-only audit log, each entry chained to the previous by hash."""
