"""The project's middleware, one module per job; MIDDLEWARE in settings names each class.

- `health`: answers /healthz before host validation and the HTTPS redirect.
- `content_security_policy`: the Content-Security-Policy header every page satisfies.
- `bad_input`: bad input at the edge answers 400 naming the field, never 500 (NUL characters,
  and ValidationErrors that page views let escape).
- `admin_repairs`: what Django's admin would answer with a 500 goes back to its list with a
  message (action ids that are not ids, filter values a column cannot take).
"""
