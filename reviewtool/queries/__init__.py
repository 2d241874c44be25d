"""Queries over many documents: work lists, and the aggregates of dashboards, exports and the
public catalogue."""
