"""The leads app's pages, one module per sub-domain: pool (the Leads Pool and its row
actions, the dashboard), detail, bulk, saved_views, and ec (the creator's EC Center: Top LIVE
Partner and Request to Collaborate)."""
