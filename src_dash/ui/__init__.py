"""The Reflex UI of src_dash: shared state, pages and components (the only Reflex code)."""
