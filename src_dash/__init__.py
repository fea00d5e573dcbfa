"""src_dash: credit collection cockpit for French SMEs on Sage 100."""
