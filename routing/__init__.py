"""Routing: a partner's assignment rules, which give each new lead an owner as it arrives."""
