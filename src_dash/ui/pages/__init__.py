"""One module per page; a page's substate lives next to it."""
