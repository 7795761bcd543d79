"""Methods the site does not serve are refused before any view runs.

Django treats TRACE as "safe" (no CSRF check) and function views answer whatever method they
are sent: `TRACE /seller/leads/` rendered the pool with 200 (issue 21). Here:

- GET, HEAD, POST, PUT, PATCH and DELETE go on to the views, which decide.
- OPTIONS on the API goes on to DRF (its metadata answer). On a page it is answered here, 200
  with an empty body and `Allow`: a page is never rendered for it.
- Anything else (TRACE, CONNECT, PROPFIND, made-up methods) is 405 with `Allow`, in the API's
  JSON error shape under /api/.
"""

from django.http import HttpResponse, JsonResponse

SERVED = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
PAGE_METHODS = "GET, HEAD, POST, OPTIONS"
API_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


class MethodGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        method = request.method
        if method in SERVED:
            return self.get_response(request)
        api = request.path_info.startswith("/api/")
        if method == "OPTIONS":
            if api:
                return self.get_response(request)
            response = HttpResponse(status=200)
            response["Allow"] = PAGE_METHODS
            return response
        if api:
            response = JsonResponse(
                {"detail": "Method not allowed.", "errors": {"method": ["Not allowed here."]}},
                status=405,
            )
        else:
            response = HttpResponse("Method not allowed.\n", status=405, content_type="text/plain")
        response["Allow"] = API_METHODS if api else PAGE_METHODS
        return response
