"""Reusable pieces of the UI (layout, cards); they import the states they need."""
