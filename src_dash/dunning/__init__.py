"""Dunning: planner, rendering, outbox and delivery (plain Python, no Reflex)."""
