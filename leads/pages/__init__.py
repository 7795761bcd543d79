"""Seller pages of the lead workspace, one module per sub-domain (the pool is leads/views.py)."""
