"""JSON error responses for every path, in DRF's ``{"detail": ...}`` shape.

DRF already answers API errors in JSON; these handlers cover what Django answers itself (unknown
paths, disallowed hosts, CSRF failures, unhandled exceptions), which would otherwise be HTML.
"""

from django.http import HttpRequest, JsonResponse


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=403
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "A server error occurred."}, status=500)
