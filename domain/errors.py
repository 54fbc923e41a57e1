"""Domain errors: raised by handlers, rendered by each transport in its documented envelope."""


class ApiError(Exception):
    """An error with its HTTP status, a machine-readable code and the documented body."""

    def __init__(self, status: int, message: str, error: str, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error
        self.errors = errors

    def body(self) -> dict:
        body = {"message": self.message, "error": self.error}
        if self.errors:
            body["errors"] = self.errors
        return body


class TooManyRequests(ApiError):
    """429 with `retry_after` in the body (and a Retry-After header on REST)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(429, message, "rate_limit_exceeded")
        self.retry_after = retry_after

    def body(self) -> dict:
        return {**super().body(), "retry_after": self.retry_after}


class NotFound(ApiError):
    def __init__(self, what: str = "Resource"):
        super().__init__(404, f"{what} not found", "not_found")


class InvalidRequest(ApiError):
    def __init__(self, errors: dict[str, list[str]], message: str = "The given data was invalid."):
        super().__init__(400, message, "validation_failed", errors)


class NotImplementedOperation(ApiError):
    def __init__(self, operation: str):
        super().__init__(501, f"{operation} is not implemented yet", "not_implemented")


class Unprocessable(ApiError):
    """422: the request was well-formed but its data breaks a rule; `errors` names every field."""

    def __init__(self, errors: dict[str, list[str]], message: str = "The given data was invalid.",
                 error: str = "validation_failed"):
        super().__init__(422, message, error, errors)


class Forbidden(ApiError):
    def __init__(self):
        super().__init__(403, "This action is unauthorized.", "forbidden")
