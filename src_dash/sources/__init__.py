"""Readers of accounting data (Sage 100 over ODBC, FEC files, the demo base); plain records out."""
