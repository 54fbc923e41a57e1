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


class NotFound(ApiError):
    def __init__(self, what: str = "Resource"):
        super().__init__(404, f"{what} not found", "not_found")


class InvalidRequest(ApiError):
    def __init__(self, errors: dict[str, list[str]], message: str = "The given data was invalid."):
        super().__init__(400, message, "validation_failed", errors)


class NotImplementedOperation(ApiError):
    def __init__(self, operation: str):
        super().__init__(501, f"{operation} is not implemented yet", "not_implemented")
