"""The project's middleware, one module per job; MIDDLEWARE in settings names each class.
(The probes, the request log, the method guard and the admin search cap are modules of
`partner_center` of their own: probes.py, request_log.py, method_guard.py, admin_search.py.)

- `content_security_policy`: the Content-Security-Policy header every page satisfies.
- `bad_input`: bad input at the edge answers 400 naming the field, never 500 (NUL characters,
  and ValidationErrors that page views let escape).
- `admin_repairs`: what Django's admin would answer with a 500 goes back to its list with a
  message (action ids that are not ids, filter values a column cannot take).
"""
