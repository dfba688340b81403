"""Request id for the audit log: every change made in one request shares it."""

import uuid

from tracker import audit


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        request.request_id = request_id[:64]
        with audit.request_context(request.request_id):
            response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response
