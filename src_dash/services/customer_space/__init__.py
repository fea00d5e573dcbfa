"""The customer's space (espace client): a page a customer reaches from a personal link, to see
their open items and statement, promise, report a problem, say "déjà payé" and write.

`links` issues, renews, revokes and resolves the links; `view` is what the customer sees;
`actions` is what they may do; `uploads` checks and keeps their files. Nothing here takes a
customer id from the page: every function takes the `SpaceAccess` a token resolved to.
"""
